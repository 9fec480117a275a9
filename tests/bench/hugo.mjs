#!/usr/bin/env node
// An equivalent minimal Hugo site of a qingdan site folder (a generated
// corpus or the repository itself), for the benchmark's side-by-side runs.
//
//   node tests/bench/hugo.mjs --from /tmp/corpus-2820 --out /tmp/hugo-2820
//   hugo --source /tmp/hugo-2820 --destination /tmp/hugo-out --quiet
//
// The same pages as qingdan builds, with a minimal theme (a baseof, single,
// list and terms template; one stylesheet, qingdan's own, no external
// assets): a page per matter with its sections (the same Markdown body),
// the three list pages (/basic/ …), taxonomy pages for categories and
// departments (overview and one page per term, every matter listed, no
// pagination, as qingdan's), a home page with the counts and the 说明,
// 404.html, sitemap.xml, robots.txt, and a JSON search index (/index.json:
// every matter's url, title, list, seq, category, departments and plain
// text). HTML, XML and JSON are minified, as qingdan minifies its HTML.
// Front matter is TOML, converted from ours (title, list, seq as weight,
// categories and departments as taxonomies).

import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { LISTS, parseFrontMatter, repo } from './corpus.mjs';

const LIST_NAMES = { basic: '基本履职事项', cooperative: '配合履职事项', revoked: '上级部门收回事项' };
const tomlString = (s) => JSON.stringify(s);

const CONFIG = (title) => `baseURL = "https://www.example.gov.cn/"
languageCode = "zh-cn"
defaultContentLanguage = "zh"
title = ${tomlString(title)}
hasCJKLanguage = true
enableRobotsTXT = true
disableKinds = ["RSS"]
timeout = "3600s"

[taxonomies]
category = "categories"
department = "departments"

[outputs]
home = ["HTML", "JSON"]
section = ["HTML"]
taxonomy = ["HTML"]
term = ["HTML"]

[minify]
minifyOutput = true

[markup.goldmark.renderer]
unsafe = false
`;

const BASEOF = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title>
<meta name="SiteName" content="{{ site.Title }}">
<meta name="ArticleTitle" content="{{ .Title }}">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav aria-label="栏目"><ul>
<li><a href="{{ "basic/" | relURL }}">基本履职事项</a></li>
<li><a href="{{ "cooperative/" | relURL }}">配合履职事项</a></li>
<li><a href="{{ "revoked/" | relURL }}">上级部门收回事项</a></li>
<li><a href="{{ "categories/" | relURL }}">事项类别</a></li>
<li><a href="{{ "departments/" | relURL }}">部门</a></li>
</ul></nav></header>
<nav aria-label="当前位置"><a href="{{ "/" | relURL }}">首页</a>{{ with .Parent }}{{ if not .IsHome }} › <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }} › {{ .Title }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Title }}</p><p><a href="{{ "sitemap.xml" | relURL }}">网站地图</a></p></footer>
</body>
</html>
`;

const ROW = `<tr><td>{{ .Params.seq }}</td><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ range .GetTerms "categories" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</td><td>{{ range $i, $d := .GetTerms "departments" }}{{ if $i }}、{{ end }}<a href="{{ $d.RelPermalink }}">{{ $d.LinkTitle }}</a>{{ end }}</td></tr>`;
const TABLE = (caption, pages) => `<table><caption>${caption}</caption><thead><tr><th scope="col">序号</th><th scope="col">事项名称</th><th scope="col">事项类别</th><th scope="col">部门</th></tr></thead><tbody>
{{ range ${pages} }}${ROW}{{ end }}
</tbody></table>`;

const SINGLE = `{{ define "main" }}<article>
<p>{{ .Parent.Title }} · 第 {{ .Params.seq }} 项</p>
<h1>{{ .Title }}</h1>
<dl>
<dt>所属清单</dt><dd><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}清单</a></dd>
<dt>事项类别</dt><dd>{{ range .GetTerms "categories" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>
{{ with .GetTerms "departments" }}<dt>部门</dt><dd>{{ range $i, $d := . }}{{ if $i }}、{{ end }}<a href="{{ $d.RelPermalink }}">{{ $d.LinkTitle }}</a>{{ end }}</dd>{{ end }}
<dt>更新日期</dt><dd>{{ .Date.Format "2006-01-02" }}</dd>
</dl>
{{ .Content }}
<nav aria-label="上一项和下一项">
{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">上一项 {{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">下一项 {{ .Title }}</a>{{ end }}
</nav>
</article>{{ end }}
`;

// Sections (/basic/ …) and terms (/categories/党的建设/ …): every matter, in a table.
const LIST = `{{ define "main" }}<h1>{{ .Title }}</h1>
<p>共 {{ len .Pages }} 项</p>
{{ if eq .Kind "term" }}{{ range .Pages.GroupByParam "list" }}<section><h2>{{ .Key }}（{{ len .Pages }} 项）</h2>
${TABLE('{{ .Key }}', '.Pages.ByWeight')}
</section>{{ end }}{{ else }}${TABLE('{{ .Title }}', '.Pages.ByWeight')}{{ end }}
{{ end }}
`;

const TERMS = `{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> <span>{{ .Count }}</span></li>{{ end }}</ul>
{{ end }}
`;

const HOME = `{{ define "main" }}<h1>{{ site.Title }}</h1>
<section><h2>清单目录</h2><p>共有履职事项 {{ len site.RegularPages }} 项。</p>
<ul>{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}清单</a> {{ len .Pages }} 项</li>{{ end }}</ul></section>
<section><h2>按事项类别查看</h2><ul>{{ range site.Taxonomies.categories.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul></section>
<section><h2>按上级部门查看</h2><ul>{{ range site.Taxonomies.departments.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul></section>
<section><h2>说明</h2>{{ .Content }}</section>
{{ end }}
`;

// The search index: one object per matter; written item by item (an
// \`append\` per item would copy the list each time).
const INDEX_JSON = `[{{ range $i, $p := site.RegularPages }}{{ if $i }},{{ end }}{{ dict "url" $p.RelPermalink "title" $p.Title "list" $p.Params.list "seq" $p.Params.seq "category" (delimit ($p.Params.categories | default slice) "") "departments" ($p.Params.departments | default slice) "text" $p.Plain | jsonify }}{{ end }}]
`;

const NOT_FOUND = `{{ define "main" }}<h1>页面不存在</h1><p><a href="{{ "/" | relURL }}">返回首页</a></p>{{ end }}
`;

/** Writes the Hugo site of the qingdan site at `from` into `out` (replaced). Returns the number of matters. */
export function convert({ from, out }) {
  rmSync(out, { recursive: true, force: true });
  const siteToml = readFileSync(join(from, 'site.toml'), 'utf8');
  const titleLine = siteToml.match(/^title = (.*)$/m);
  const title = titleLine ? (titleLine[1].startsWith("'") ? titleLine[1].slice(1, -1) : JSON.parse(titleLine[1])) : '履职事项清单';
  const published = (siteToml.match(/^published = (\d{4}-\d{2}-\d{2})/m) || [])[1] || '2025-07-01';

  const layouts = join(out, 'layouts');
  mkdirSync(join(layouts, '_default'), { recursive: true });
  writeFileSync(join(out, 'config.toml'), CONFIG(title));
  writeFileSync(join(layouts, '_default/baseof.html'), BASEOF);
  writeFileSync(join(layouts, '_default/single.html'), SINGLE);
  writeFileSync(join(layouts, '_default/list.html'), LIST);
  writeFileSync(join(layouts, '_default/terms.html'), TERMS);
  writeFileSync(join(layouts, 'index.html'), HOME);
  writeFileSync(join(layouts, 'index.json'), INDEX_JSON);
  writeFileSync(join(layouts, '404.html'), NOT_FOUND);
  mkdirSync(join(out, 'static'), { recursive: true });
  cpSync(join(repo, 'theme/static/style.css'), join(out, 'static/style.css'));

  const content = join(out, 'content');
  mkdirSync(content, { recursive: true });
  const intro = parseFrontMatter(readFileSync(join(from, 'content/_index.md'), 'utf8'));
  writeFileSync(join(content, '_index.md'), `+++\ntitle = ${tomlString(title)}\ndate = ${published}\n+++\n${intro.body}`);
  // Registered names (a department's term page is titled with its full name).
  let matters = 0;
  for (const list of LISTS) {
    const dir = join(from, 'content', list);
    const target = join(content, list);
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, '_index.md'), `+++\ntitle = ${tomlString(LIST_NAMES[list])}\ndate = ${published}\n+++\n`);
    let names = [];
    try {
      names = readdirSync(dir).filter((f) => f.endsWith('.md'));
    } catch {
      continue;
    }
    for (const name of names) {
      const { front, body } = parseFrontMatter(readFileSync(join(dir, name), 'utf8'));
      const lines = [
        '+++',
        `title = ${tomlString(front.title)}`,
        `list = ${tomlString(front.list)}`,
        `seq = ${front.seq}`,
        `weight = ${front.seq}`,
        `date = ${typeof front.updated === 'string' ? front.updated : published}`,
      ];
      if (front.category) lines.push(`categories = [${tomlString(front.category)}]`);
      if (front.departments && front.departments.length) lines.push(`departments = [${front.departments.map(tomlString).join(', ')}]`);
      lines.push('+++', '');
      writeFileSync(join(target, name), lines.join('\n') + body);
      matters++;
    }
  }
  return matters;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const get = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 && i + 1 < argv.length ? resolve(argv[i + 1]) : null;
  };
  const from = get('--from');
  const out = get('--out');
  if (!from || !out) {
    console.log('usage: node tests/bench/hugo.mjs --from QINGDAN_SITE --out HUGO_SITE');
    process.exit(2);
  }
  console.log(`${convert({ from, out })} matters → ${out}`);
}
