// The browser's tokenizer and search, run in node against the real index.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { normalize, pinyinMatch, search, snippet, tokenize } from '../../theme/static/search.js';
import { buildSite, exactMatches, repo } from './site.mjs';

test('the tokenizer agrees with Rust on the shared vectors', () => {
  const cases = JSON.parse(readFileSync(join(repo, 'tests/search/vectors.json'), 'utf8'));
  assert.ok(cases.length >= 10);
  for (const c of cases) assert.deepEqual(tokenize(c.input), c.tokens, `input ${JSON.stringify(c.input)}`);
});

test('pinyin matches full syllables and initials', () => {
  assert.ok(pinyinMatch('wei cheng xiang zui di sheng huo bao zhang', 'zuidi'));
  assert.ok(pinyinMatch('lao nian ren gao ling jin tie', 'gaoling'));
  assert.ok(pinyinMatch('lao nian ren gao ling jin tie', 'gljt'));
  assert.ok(!pinyinMatch('lao nian ren gao ling jin tie', 'gaolin'), 'a cut syllable is not a match');
  assert.ok(!pinyinMatch('lao nian ren', 'l'), 'one letter is too little');
});

test('snippets show the match with context', () => {
  const s = snippet('前面的文字很多很多很多很多很多很多，然后是低保审核，后面还有很多很多很多很多很多很多很多很多很多的文字', ['低保'], 20);
  assert.ok(s.includes('低保'), s);
  assert.ok(s.startsWith('…') && s.endsWith('…'), s);
  assert.equal(normalize('ＡＢＣ１'), 'abc1');
});

const dist = buildSite({ basePath: '/zwgk/lzqd/' });
const index = JSON.parse(readFileSync(join(dist, 'search/index.json'), 'utf8'));
const matters = JSON.parse(readFileSync(join(dist, 'data/matters.json'), 'utf8'));

const QUERIES = [
  '低保', '宅基地', '高龄津贴', '秸秆禁烧', '疏附县水利局', '民政局', '疏附县民政局', '低', '局',
  '12345', '123', 'C', '村(社区)', '村（社区）', '消防', '疏附县农业农村局', '审计', '高龄 津贴',
  '宅基地 审批', '残疾人', '应急管理及消防', '党的建设', '待核实', '不存在的词语', '"两个维护"',
];

test('every query returns exactly the matters that contain it', () => {
  for (const q of QUERIES) {
    const got = search(index, q, '/zwgk/lzqd/').map((r) => r.url).sort();
    assert.deepEqual(got, exactMatches(matters, q, normalize), `query ${q}`);
  }
  assert.equal(search(index, '低保', '/zwgk/lzqd/').length, 1);
  assert.ok(search(index, '民政局', '/').length >= 5);
  assert.equal(search(index, '不存在的词语').length, 0);
});

test('a bigram coincidence is not a result', () => {
  // Matters that mention 人民政府 and 财政局 hold 民政 and 政局 without 民政局.
  const coincidences = matters.filter((m) => {
    const t = JSON.stringify(m);
    return t.includes('人民政府') && t.includes('财政局') && !t.includes('民政局');
  });
  assert.ok(coincidences.length > 0, 'the content has such a matter');
  const got = new Set(search(index, '民政局', '/').map((r) => r.ref));
  for (const m of coincidences) assert.ok(!got.has(m.id), m.id);
});

test('titles come first, then category and department, then body', () => {
  const results = search(index, '民政局', '/');
  const tier = (r) => (r.title.includes('民政局') ? 3 : r.departments.join('、').includes('民政局') ? 2 : 1);
  for (let i = 1; i < results.length; i++) assert.ok(tier(results[i - 1]) >= tier(results[i]), `${results[i - 1].title} before ${results[i].title}`);
  assert.equal(tier(results[0]), 2, 'no title names it; a department match comes first');
});

test('pinyin queries find the titles that read that way', () => {
  const titles = (q) => search(index, q, '/').map((r) => r.title);
  assert.ok(titles('gaoling jintie').some((t) => t.includes('高龄津贴')), 'gaoling jintie');
  assert.ok(titles('dibao').some((t) => t.includes('低保')), 'dibao');
  assert.ok(titles('db').some((t) => t.includes('低保')), 'db');
  assert.ok(titles('zhaijidi').some((t) => t.includes('宅基地')), 'zhaijidi');
});

test('the index stays within its size budget', async () => {
  const { gzipSync } = await import('node:zlib');
  const size = gzipSync(readFileSync(join(dist, 'search/index.json')), { level: 9 }).length;
  assert.ok(size <= 160 * 1024, `index is ${size} bytes gzipped`);
});
