#!/usr/bin/env node
// Deterministic benchmark corpus: a complete qingdan site folder of any
// size, shaped like the repository's real list (content/).
//
//   node tests/bench/corpus.mjs --matters 2820 --out /tmp/corpus-2820 [--seed 10]
//
// Model. N matters are N/282 townships, each a full list of 132 basic,
// 103 cooperative and 47 revoked matters (a last, partial township keeps
// those proportions). Every generated matter copies the shape of one real
// matter of the same list (its category, its number of departments, which
// of its sections have ### department subsections, how many numbered items
// or paragraphs each section has) and fills that shape with text drawn at
// random from the real content: title clauses from real titles of the same
// list, lines from the same section of real matters. So text volume and
// structure per matter follow the real list, while the words differ from
// matter to matter (the search index sees a realistic vocabulary).
//
// Townships are grouped into counties (10 townships a county by default):
// each county has its own copy of the 36 departments, named after the
// county (疏附县民政局, 疏勒县民政局, …), so a department page lists about
// as many matters as a real county's would. The 20 categories are shared.
//
// `seq` continues through each list across townships, as one site holding
// many townships' lists would number them: at 28,200 matters the basic list
// runs to 13,200. (qingdan once refused seq above 9999; the benchmark
// reports such a refusal rather than working around it.)
//
// No `review` notes are generated (a cleaned, published list has none);
// the mean size of matter files is reported with and without the real
// list's review notes (see `realStats`).
//
// The same seed and N always give byte-identical files.

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LISTS = ['basic', 'cooperative', 'revoked'];
export const DEFAULT_SEED = 10;

const SECTION_DEPT = '上级部门职责';
const SECTION_TOWN = '乡镇(街道)配合职责';
const SECTION_WORK = '工作方式';
const HOME_COUNTY = '疏附县';
// County names for the 2nd, 3rd, … county (the first keeps 疏附县): the
// other counties of 喀什地区, then made-up two-character names from the
// same characters (deterministic, unique).
const KASHGAR = ['疏勒县', '英吉沙县', '泽普县', '莎车县', '叶城县', '麦盖提县', '岳普湖县', '伽师县', '巴楚县', '塔什库尔干县', '喀什市'];
const NAME_CHARS = '疏附勒英吉沙泽普莎车叶城麦盖提岳湖伽师巴楚塔库尔干阿克苏温宿拜新和雅乌柯坪田墨玉皮山洛浦策于民丰';

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; same seed, same stream. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (xs) => xs[next.int(xs.length)];
  return next;
}

/** A TOML basic string (JSON's escapes are valid TOML escapes). */
const tomlString = (s) => JSON.stringify(s);

/** The few front-matter values the generator needs, from a real matter file. */
export function parseFrontMatter(text) {
  const m = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').match(/^\+\+\+\n([\s\S]*?)\n\+\+\+\n?([\s\S]*)$/);
  if (!m) throw new Error('no front matter');
  const front = {};
  const lines = m[1].split('\n');
  for (let i = 0; i < lines.length; i++) {
    const kv = lines[i].match(/^([a-z_]+) = (.*)$/);
    if (!kv) continue;
    const [, key, raw] = kv;
    if (raw.startsWith('"""') || raw.startsWith("'''")) {
      // Multi-line string (only `review` uses one): skip to its end.
      const quote = raw.slice(0, 3);
      if (!(raw.length > 3 && raw.endsWith(quote))) while (i + 1 < lines.length && !lines[++i].endsWith(quote));
      front[key] = true;
    } else if (raw.startsWith("'")) front[key] = raw.slice(1, -1);
    else {
      try {
        front[key] = JSON.parse(raw);
      } catch {
        front[key] = raw; // a TOML date, or a value the generator does not use
      }
    }
  }
  return { front, body: m[2] };
}

/** Body → sections [{heading, lead: [line], subs: [{heading, lines: [line]}]}];
 * a line is {kind: 'item' | 'para', text}. */
function parseBody(body) {
  const sections = [];
  let section = null;
  let target = null;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('## ')) {
      section = { heading: line.slice(3).trim(), lead: [], subs: [] };
      sections.push(section);
      target = section.lead;
    } else if (line.startsWith('### ') && section) {
      const sub = { heading: line.slice(4).trim(), lines: [] };
      section.subs.push(sub);
      target = sub.lines;
    } else if (target) {
      const item = line.match(/^\d+[.、]\s*(.*)$/);
      target.push(item ? { kind: 'item', text: item[1] } : { kind: 'para', text: line });
    }
  }
  return sections;
}

/** Splits a title into clauses (keeping each clause's trailing separator). */
const clauses = (title) => title.match(/[^,，;；]+[,，;；]?/g) || [title];

/** Reads the real list under `root/content`: templates, text pools, registries, sizes. */
export function loadReal(root = repo) {
  const content = join(root, 'content');
  const templates = { basic: [], cooperative: [], revoked: [] };
  const titleClauses = { basic: [], cooperative: [], revoked: [] };
  const pool = {}; // `${section}:${kind}` → [text]
  const add = (key, text) => (pool[key] ||= []).push(text);
  const sizes = { all: [], noReview: [] };
  for (const list of LISTS) {
    for (const name of readdirSync(join(content, list)).filter((f) => f.endsWith('.md')).sort()) {
      const text = readFileSync(join(content, list, name), 'utf8');
      const { front, body } = parseFrontMatter(text);
      sizes.all.push(Buffer.byteLength(text));
      sizes.noReview.push(Buffer.byteLength(text.replace(/^review = (?:"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\]|\\.)*"|'[^']*')\n/m, '')));
      const sections = parseBody(body);
      for (const s of sections) {
        for (const l of s.lead) add(`${s.heading}:${l.kind}`, l.text);
        for (const sub of s.subs) for (const l of sub.lines) add(`${s.heading}:${l.kind}`, l.text);
      }
      titleClauses[list].push(...clauses(front.title));
      templates[list].push({
        list,
        category: front.category || null,
        departments: front.departments || [],
        title: front.title,
        sections,
      });
    }
  }
  const categories = parseRegistry(readFileSync(join(content, 'categories.toml'), 'utf8'), 'category');
  const departments = parseRegistry(readFileSync(join(content, 'departments.toml'), 'utf8'), 'department');
  return { templates, titleClauses, pool, categories, departments, sizes, intro: readFileSync(join(content, '_index.md'), 'utf8') };
}

function parseRegistry(text, table) {
  const out = [];
  for (const block of text.split(`[[${table}]]`).slice(1)) {
    const entry = {};
    for (const kv of block.matchAll(/^(\w+) = "(.*)"$/gm)) entry[kv[1]] = JSON.parse(`"${kv[2]}"`);
    out.push(entry);
  }
  return out;
}

/** Per-list counts of a township of `n` matters (n ≤ 282), proportional to 132/103/47. */
export function splitCounts(n, real) {
  const total = LISTS.reduce((a, l) => a + real.templates[l].length, 0);
  const basic = Math.round((n * real.templates.basic.length) / total);
  const cooperative = Math.round((n * real.templates.cooperative.length) / total);
  return { basic, cooperative, revoked: Math.max(0, n - basic - cooperative) };
}

/** Evenly spaced indices: `k` of `0..len`. */
const spread = (k, len) => Array.from({ length: k }, (_, i) => Math.floor((i * len) / k));

function countyName(c, used) {
  if (c === 0) return HOME_COUNTY;
  if (c <= KASHGAR.length) return KASHGAR[c - 1];
  const r = rng(0x5eed + c);
  for (;;) {
    const name = `${r.pick(NAME_CHARS)}${r.pick(NAME_CHARS)}县`;
    if (!used.has(name)) return name;
  }
}

/**
 * Writes a qingdan site of `matters` matters into `out` (replaced if it
 * exists). Returns facts about it: counts, departments, mean bytes per
 * matter file (generated and real).
 */
export function generate({ matters, out, seed = DEFAULT_SEED, townshipsPerCounty = 10, theme = true }) {
  if (!Number.isInteger(matters) || matters < 3) throw new Error('--matters must be an integer ≥ 3');
  const real = loadReal();
  const r = rng(seed);
  const perTownship = LISTS.reduce((a, l) => a + real.templates[l].length, 0);
  const townships = Math.ceil(matters / perTownship);
  const counties = Math.ceil(townships / townshipsPerCounty);
  const countyNames = [];
  const usedNames = new Set();
  for (let c = 0; c < counties; c++) {
    const name = countyName(c, usedNames);
    usedNames.add(name);
    countyNames.push(name);
  }
  const localize = (text, c) => (c === 0 ? text : text.replaceAll(HOME_COUNTY, countyNames[c]));
  const deptSlug = (slug, c) => (c === 0 ? slug : `${slug}-${c + 1}`);
  const allDepartments = real.departments.map((d) => d.name);

  rmSync(out, { recursive: true, force: true });
  for (const list of LISTS) mkdirSync(join(out, 'content', list), { recursive: true });

  const seqs = { basic: 0, cooperative: 0, revoked: 0 };
  const usedCategories = new Set();
  const usedDepartments = new Map(); // name → {name, slug, short}
  const realDept = new Map(real.departments.map((d) => [d.name, d]));
  const counts = { basic: 0, cooperative: 0, revoked: 0 };
  let bytes = 0;
  let written = 0;

  const lines = (section, shape, c) =>
    shape.map((l) => localize(r.pick(real.pool[`${section}:${l.kind}`] || real.pool[`${section}:para`] || real.pool[`${section}:item`]), c));
  const render = (shape, texts) => {
    let n = 0;
    return shape.map((l, i) => (l.kind === 'item' ? `${++n}. ${texts[i]}` : texts[i])).join('\n');
  };

  for (let t = 0; t < townships; t++) {
    const c = Math.floor(t / townshipsPerCounty);
    const n = Math.min(perTownship, matters - t * perTownship);
    const take = n === perTownship ? Object.fromEntries(LISTS.map((l) => [l, real.templates[l].length])) : splitCounts(n, real);
    for (const list of LISTS) {
      const templates = real.templates[list];
      for (const ti of spread(take[list], templates.length)) {
        const tpl = templates[ti];
        const seq = ++seqs[list];
        counts[list]++;
        // Title: each clause of the real title, or (one time in three) a
        // clause of another real title of the same list.
        const title = localize(
          clauses(tpl.title)
            .map((cl) => (r() < 1 / 3 ? r.pick(real.titleClauses[list]) : cl))
            .join('')
            .replace(/[,，;；]$/, ''),
          c,
        );
        const category = tpl.category || r.pick(real.categories).name;
        usedCategories.add(category);
        let depts = tpl.departments;
        if (list !== 'basic' && depts.length === 0) depts = [r.pick(allDepartments)];
        const names = depts.map((d) => localize(d, c));
        depts.forEach((d, i) => {
          const reg = realDept.get(d);
          usedDepartments.set(names[i], { name: names[i], slug: deptSlug(reg.slug, c), short: reg.short });
        });
        const front = [
          '+++',
          `list = "${list}"`,
          `seq = ${seq}`,
          `category = ${tomlString(category)}`,
          `title = ${tomlString(title)}`,
        ];
        if (list !== 'basic') front.push(`departments = [${names.map(tomlString).join(', ')}]`);
        front.push('+++', '');
        const body = [];
        const sections = tpl.sections;
        for (const s of sections) {
          body.push(`## ${s.heading}`, '');
          // A section left empty in the source (damaged there) gets one line.
          const empty = !s.lead.length && !s.subs.some((sub) => sub.lines.length);
          const lead = empty ? [{ kind: 'item' }] : s.lead;
          if (lead.length) body.push(render(lead, lines(s.heading, lead, c)), '');
          s.subs.forEach((sub, k) => {
            // A subsection is headed by the matching department of this matter.
            const at = depts.indexOf(sub.heading);
            const heading = names[at >= 0 ? at : Math.min(k, names.length - 1)];
            if (body.includes(`### ${heading}`)) return;
            body.push(`### ${heading}`, '');
            if (sub.lines.length) body.push(render(sub.lines, lines(s.heading, sub.lines, c)), '');
          });
        }
        // A real matter missing a required section (damaged in the source)
        // still gets one here, with one line.
        const required = list === 'cooperative' ? [SECTION_DEPT, SECTION_TOWN] : list === 'revoked' ? [SECTION_WORK] : [];
        for (const h of required) {
          if (!sections.some((s) => s.heading === h)) {
            body.push(`## ${h}`, '', `1. ${lines(h, [{ kind: 'item' }], c)[0]}`, '');
          }
        }
        const text = `${front.join('\n')}\n${body.join('\n')}`.replace(/\n+$/, '\n');
        const file = join(out, 'content', list, `${String(seq).padStart(3, '0')}.md`);
        writeFileSync(file, text);
        bytes += Buffer.byteLength(text);
        written++;
      }
    }
  }

  const categories = real.categories.filter((cat) => usedCategories.has(cat.name));
  writeFileSync(
    join(out, 'content/categories.toml'),
    categories.map((cat) => `[[category]]\nname = ${tomlString(cat.name)}\nslug = ${tomlString(cat.slug)}\n`).join('\n'),
  );
  const departments = [...usedDepartments.values()].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  writeFileSync(
    join(out, 'content/departments.toml'),
    departments
      .map((d) => `[[department]]\nname = ${tomlString(d.name)}\nslug = ${tomlString(d.slug)}\n${d.short ? `short = ${tomlString(d.short)}\n` : ''}`)
      .join('\n'),
  );
  // The real 说明 with only a title in its front matter (its editors' `note`
  // is no part of the benchmark, and older binaries refuse the key).
  writeFileSync(join(out, 'content/_index.md'), `+++\ntitle = "说明"\n+++\n${parseFrontMatter(real.intro).body}`);
  writeFileSync(
    join(out, 'site.toml'),
    [
      `# Benchmark corpus: ${matters} matters (${townships} townships, ${counties} counties), seed ${seed}.`,
      '# Generated by tests/bench/corpus.mjs; do not edit.',
      `title = ${tomlString(`履职事项清单基准测试（${matters} 项）`)}`,
      `township = ${tomlString('疏附县吾库萨克镇')}`,
      'base_path = "/"',
      'url = "https://www.example.gov.cn"',
      'published = 2025-07-01',
      `description = ${tomlString(`基准测试用的合成清单，共 ${matters} 项`)}`,
      '',
      '[government]',
      'sponsor = "疏附县人民政府"',
      'organizer = "疏附县吾库萨克镇人民政府"',
      'address = "新疆喀什地区疏附县"',
      'phone = "0998-0000000"',
      'email = "bench@example.gov.cn"',
      'site_id_code = "6531210000"',
      'icp = "新ICP备00000000号"',
      'police_record = "新公网安备00000000000000号"',
      'site_domain = "www.example.gov.cn"',
      'column_name = "履职事项清单"',
      '',
    ].join('\n'),
  );
  if (theme) cpSync(join(repo, 'theme'), join(out, 'theme'), { recursive: true });
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    matters: written,
    seed,
    townships,
    counties,
    lists: counts,
    max_seq: Math.max(...Object.values(seqs)),
    categories: categories.length,
    departments: departments.length,
    mean_matter_bytes: Math.round(bytes / written),
    real_mean_matter_bytes: Math.round(mean(real.sizes.all)),
    real_mean_matter_bytes_without_review: Math.round(mean(real.sizes.noReview)),
  };
}

function parseArgs(argv) {
  const args = { seed: DEFAULT_SEED, townshipsPerCounty: 10 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--matters' || a === '-n') args.matters = Number(val());
    else if (a === '--out' || a === '-o') args.out = resolve(val());
    else if (a === '--seed') args.seed = Number(val());
    else if (a === '--townships-per-county') args.townshipsPerCounty = Number(val());
    else if (a === '--no-theme') args.theme = false;
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
    if (args.help || !args.matters || !args.out) {
      console.log('usage: node tests/bench/corpus.mjs --matters N --out DIR [--seed S] [--townships-per-county K] [--no-theme]');
      process.exit(args.help ? 0 : 2);
    }
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (existsSync(args.out) && !existsSync(join(args.out, 'site.toml')) && readdirSync(args.out).length) {
    console.error(`${args.out} exists and is not a generated corpus; refusing to replace it`);
    process.exit(2);
  }
  console.log(JSON.stringify(generate(args), null, 2));
}
