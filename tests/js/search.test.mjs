// The browser's search, run in node against the real index files.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { createSearch, fold, hash, normalize, snippet, tokenize } from '../../theme/static/search.js';
import { buildSite, exactMatches, fixtureCopy, openIndex, repo } from './site.mjs';

test('the tokenizer agrees with Rust on the shared vectors', () => {
  const cases = JSON.parse(readFileSync(join(repo, 'tests/search/vectors.json'), 'utf8'));
  assert.ok(cases.length >= 10);
  for (const c of cases) assert.deepEqual(tokenize(c.input), c.tokens, `input ${JSON.stringify(c.input)}`);
});

test('shard hashing and sound folding agree with Rust on the shared vectors', () => {
  const v = JSON.parse(readFileSync(join(repo, 'tests/search/sound-vectors.json'), 'utf8'));
  for (const c of v.hash) assert.equal(hash(c.text), c.hash, c.text);
  for (const c of v.fold) assert.equal(fold(c.syllable), c.folded, c.syllable);
});

test('snippets show the match with context', () => {
  const s = snippet('前面的文字很多很多很多很多很多很多，然后是低保审核，后面还有很多很多很多很多很多很多很多很多很多的文字', ['低保'], 20);
  assert.ok(s.includes('低保'), s);
  assert.ok(s.startsWith('…') && s.endsWith('…'), s);
  assert.equal(normalize('ＡＢＣ１'), 'abc1');
});

const BASE = '/zwgk/lzqd/';
const dist = buildSite({ basePath: BASE });
const matters = JSON.parse(readFileSync(join(dist, 'data/matters.json'), 'utf8'));
const { engine } = openIndex(dist, BASE);
const exact = async (q) => (await engine.all(q)).filter((r) => r.match === 'exact');

const QUERIES = [
  '低保', '宅基地', '高龄津贴', '秸秆禁烧', '疏附县水利局', '民政局', '疏附县民政局', '低', '局',
  '12345', '123', 'C', '村(社区)', '村（社区）', '消防', '疏附县农业农村局', '审计', '高龄 津贴',
  '宅基地 审批', '残疾人', '应急管理及消防', '党的建设', '待核实', '不存在的词语', '"两个维护"',
];

test('the exact results are exactly the matters that contain every part', async () => {
  for (const q of QUERIES) {
    const got = (await exact(q)).map((r) => r.url).sort();
    assert.deepEqual(got, exactMatches(matters, q, normalize), `query ${q}`);
  }
  assert.equal((await exact('低保')).length, 1);
  assert.ok((await exact('民政局')).length >= 5);
  assert.equal((await engine.all('不存在的词语')).length, 0);
});

test('a bigram coincidence is not a result', async () => {
  // Matters that mention 人民政府 and 财政局 hold 民政 and 政局 without 民政局.
  const coincidences = matters.filter((m) => {
    const t = JSON.stringify(m);
    return t.includes('人民政府') && t.includes('财政局') && !t.includes('民政局');
  });
  assert.ok(coincidences.length > 0, 'the content has such a matter');
  const got = new Set((await engine.all('民政局')).map((r) => r.id));
  for (const m of coincidences) assert.ok(!got.has(m.id), m.id);
});

test('titles come first, then category and department, then body', async () => {
  const results = await exact('民政局');
  const tier = (r) => (r.title.includes('民政局') ? 3 : r.departments.join('、').includes('民政局') ? 2 : 1);
  for (let i = 1; i < results.length; i++) assert.ok(tier(results[i - 1]) >= tier(results[i]), `${results[i - 1].title} before ${results[i].title}`);
  assert.equal(tier(results[0]), 2, 'no title names it; a department match comes first');
});

test('pinyin finds titles by whole words, after any character match', async () => {
  const titles = async (q) => (await engine.all(q)).map((r) => r.title);
  assert.ok((await titles('gaoling jintie')).some((t) => t.includes('高龄津贴')), 'gaoling jintie');
  assert.ok((await titles('dibao'))[0].includes('低保'), 'dibao');
  assert.ok((await titles('db')).some((t) => t.includes('低保')), 'db');
  assert.ok((await titles('zhaijidi'))[0].includes('宅基地'), 'zhaijidi');
  // 水源地保护 reads shui yuan di bao hu: "dibao" crosses a word boundary.
  assert.ok(!(await titles('dibao')).some((t) => t.includes('水源地保护')), 'no match across words');
  for (const r of await engine.all('dibao')) assert.equal(r.match, 'pinyin');
  // An ASCII part found in the text ranks before its pinyin readings.
  const app = await engine.all('app');
  assert.ok(app.length > 0 && app[0].match === 'exact');
});

test('a part that sounds like an indexed term is corrected', async () => {
  for (const [typed, meant, id] of [['低报', '低保', 'basic-036'], ['宅机地', '宅基地', 'basic-104']]) {
    const r = await engine.run(typed);
    assert.equal(r.corrected, meant, typed);
    const items = await r.items(20);
    assert.ok(items.some((x) => x.id === id), `${typed}: ${items.map((x) => x.id)}`);
    for (const x of items) assert.equal(x.match, 'suggested');
  }
  const none = await engine.run('不存在的词语');
  assert.equal(none.total, 0);
});

test('a typical query fetches a few small files', async () => {
  for (const q of ['低保', '民政局', '宅基地 审批', '消防', '高龄津贴']) {
    const fresh = openIndex(dist, BASE);
    await (await fresh.engine.run(q)).items(20);
    assert.ok(fresh.fetched.bytes <= 100 * 1024, `${q}: ${fresh.fetched.bytes} bytes in ${fresh.fetched.files} files`);
  }
});

test('stored texts come in bundles, each fetched once however many results it holds', async () => {
  const manifest = JSON.parse(readFileSync(join(dist, 'search/manifest.json'), 'utf8'));
  assert.equal(manifest.block, 4);
  const asked = new Map();
  const counting = createSearch((path) => {
    asked.set(path, (asked.get(path) || 0) + 1);
    return Promise.resolve(JSON.parse(readFileSync(join(dist, 'search', path), 'utf8')));
  }, BASE);
  // At the same time, with results in shared bundles (消防 has 19, 民政局 8).
  const queries = ['消防', '民政局', '宅基地 审批', '安全生产', '疏附县民政局'];
  const got = await Promise.all(queries.map(async (q) => (await counting.run(q)).items(Infinity)));
  for (const [path, n] of asked) assert.equal(n, 1, `${path} fetched ${n} times`);
  const bundles = [...asked.keys()].filter((p) => p.startsWith('d/'));
  const shown = new Set(got.flat().map((r) => r.number));
  assert.ok(bundles.length < shown.size, `${bundles.length} bundles for ${shown.size} results`);
  for (const p of bundles) assert.match(p, /^d\/[bcr]\d+\.json$/);
  // The same results and texts as the shared engine.
  for (const [i, q] of queries.entries()) assert.deepEqual(got[i], await engine.all(q), q);
  for (const r of got.flat()) {
    const m = matters.find((x) => x.id === r.id);
    assert.equal(r.title, m.title, r.id);
  }
});

test('an index of another layout or without its stored text is refused, not misread', async () => {
  const files = {
    'manifest.json': { ...JSON.parse(readFileSync(join(dist, 'search/manifest.json'), 'utf8')) },
  };
  const over = (changes) =>
    createSearch((path) => {
      if (Object.prototype.hasOwnProperty.call(changes, path)) return Promise.resolve(changes[path]);
      return Promise.resolve(JSON.parse(readFileSync(join(dist, 'search', path), 'utf8')));
    }, BASE);
  const m0 = files['manifest.json'];
  for (const manifest of [
    { ...m0, format: 3 },
    { ...m0, block: undefined },
    { ...m0, block: 0 },
    { ...m0, facets: undefined },
    { ...m0, facets: { ...m0.facets, departments: m0.facets.departments.slice(1) } },
  ]) {
    await assert.rejects(over({ 'manifest.json': manifest }).run('低保'), /search index format/);
  }
  // basic-036 is 低保's result: its bundle without it (or with it only
  // through Object.prototype) is an error, not a result without text.
  const bundle = `d/b${Math.floor(36 / 4)}.json`;
  const held = JSON.parse(readFileSync(join(dist, 'search', bundle), 'utf8'));
  assert.ok(Object.prototype.hasOwnProperty.call(held, '36'));
  const { 36: _, ...rest } = held;
  await assert.rejects(async () => (await over({ [bundle]: rest }).run('低保')).items(20), /no stored text/);
  Object.prototype['36'] = held['36'];
  try {
    await assert.rejects(async () => (await over({ [bundle]: rest }).run('低保')).items(20), /no stored text/);
  } finally {
    delete Object.prototype['36'];
  }
  // A facets file without the list the manifest sends a filter to is an
  // error, not a filter that lets nothing through.
  const dept = m0.departments.indexOf('疏附县民政局');
  assert.ok(dept >= 0);
  const facetFile = `f/${m0.facets.departments[dept]}.json`;
  const { [`d${dept}`]: _list, ...withoutIt } = JSON.parse(readFileSync(join(dist, 'search', facetFile), 'utf8'));
  await assert.rejects(over({ [facetFile]: withoutIt }).run('高龄', { department: '疏附县民政局' }), new RegExp(`no d${dept} in`));
});

test('a manifest that failed to download is fetched again by the next search', async () => {
  let failures = 1;
  const engine2 = createSearch((path) => {
    if (path === 'manifest.json' && failures-- > 0) return Promise.reject(new Error('offline'));
    return Promise.resolve(JSON.parse(readFileSync(join(dist, 'search', path), 'utf8')));
  }, BASE);
  await assert.rejects(engine2.run('低保'), /offline/);
  const r = await engine2.run('低保');
  assert.ok(r.total > 0);
  assert.deepEqual(
    (await r.items(Infinity)).map((x) => x.id),
    (await engine.all('低保')).map((x) => x.id),
  );
});

test('every search file has a gzip copy and no shard is large', () => {
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const files = walk(join(dist, 'search')).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 100);
  const names = new Set(walk(join(dist, 'search')));
  for (const f of files) {
    assert.ok(names.has(`${f}.gz`), `${f}.gz`);
    assert.ok(statSync(f).size <= 64 * 1024, `${f}: ${statSync(f).size} bytes`);
  }
});

test('found in review: odd queries neither throw nor loop nor lose results', async () => {
  // A key of Object.prototype is no index entry.
  for (const q of ['constructor', 'ＣＯＮＳＴＲＵＣＴＯＲ', 'constructor 低保', '__proto__', 'hasOwnProperty']) {
    const r = await engine.run(q);
    assert.equal(r.total, 0, q);
  }
  // A part of punctuation alone narrows nothing: the text decides.
  for (const q of ['低保 、', '工 会 、', '民政局 （']) {
    const got = (await exact(q)).map((r) => r.url).sort();
    assert.deepEqual(got, exactMatches(matters, q, normalize), q);
  }
  // A suggestion that itself finds nothing is not followed (it looped).
  for (const q of ['之建设', '织建设党']) {
    const r = await Promise.race([engine.run(q), new Promise((_, no) => setTimeout(() => no(new Error(`${q}: no answer in 10 s`)), 10000))]);
    for (const s of r.suggestions) assert.ok((await engine.all(s)).length > 0, `${q}: suggestion ${s} finds nothing`);
  }
  // Suggestions are searches that find something.
  const two = await engine.run('宅机地 低报');
  assert.ok(two.suggestions.length > 0);
  for (const s of two.suggestions) assert.ok((await engine.all(s)).length > 0, s);
});

test('counts agree with the results, synonyms and filters included', async () => {
  for (const q of ['办医保', '医保', '户口', '民政局', '消防']) {
    const r = await engine.run(q);
    const all = await r.items(Infinity);
    assert.equal(r.total, all.length, q);
    assert.equal(r.approximate, false, q);
  }
  const r = await engine.run('民政局', { list: 'revoked' });
  const shown = await r.items(Infinity);
  assert.ok(shown.every((x) => x.list === 'revoked'));
  assert.equal(shown.length + r.filteredOut, (await engine.all('民政局')).length, 'filtered out: only real matches');
  // The synonyms named are those in the results.
  const m = await engine.run('办医保');
  const items = await m.items(20);
  for (const t of m.synonyms) assert.ok(items.some((x) => normalize([x.title, x.category, x.departments.join('、'), x.body].join('\n')).includes(t)), t);
});

test('every category and department filter lets through exactly its matters', async () => {
  const m = JSON.parse(readFileSync(join(dist, 'search/manifest.json'), 'utf8'));
  // The lists share files: fewer files than filter values.
  const files = new Set([...m.facets.categories, ...m.facets.departments]);
  assert.ok(files.size < m.categories.length + m.departments.length, `${files.size} facet files`);
  const q = '负责';
  const everything = await engine.all(q);
  assert.ok(everything.length > 50, `${everything.length} results for ${q}`);
  let narrowed = 0;
  for (const [key, names, holds] of [
    ['category', m.categories, (r, n) => r.category === n],
    ['department', m.departments, (r, n) => r.departments.includes(n)],
  ]) {
    for (const name of names) {
      const r = await engine.run(q, { [key]: name });
      const shown = await r.items(Infinity);
      const want = everything.filter((x) => holds(x, name)).map((x) => x.id).sort();
      assert.deepEqual(shown.map((x) => x.id).sort(), want, `${key} ${name}`);
      assert.equal(r.filteredOut, everything.length - want.length, `${key} ${name}`);
      if (want.length > 0 && want.length < everything.length) narrowed++;
    }
  }
  // Not vacuous: most values keep some results and drop others.
  assert.ok(narrowed > (m.categories.length + m.departments.length) / 2, `${narrowed} filters narrowed`);
});

test('part of a long ASCII word is found past the indexed letters', async () => {
  const site = fixtureCopy();
  const word = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH';
  writeFileSync(join(site, 'content/basic/003.md'), `+++\nlist = "basic"\nseq = 3\ncategory = "民生服务"\ntitle = "测试 ${word} 事项"\n+++\n`);
  const local = openIndex(buildSite({ root: site }), '/');
  for (const q of ['456789', '6789abcdefgh', word.toLowerCase()]) {
    const got = (await local.engine.all(q)).map((r) => r.id);
    assert.deepEqual(got, ['basic-003'], q);
  }
  assert.deepEqual(await local.engine.all('456789x'), []);
});
