// Benchmark (not part of the test suite: these machines are shared and
// noisy, so timings are reported, never asserted). Run after
// `cargo build --release`:  node tests/bench.mjs
//
// Reports medians: a full build of the repository's site, and search
// queries over its index in node; plus the index's gzip -9 size.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';

import { search } from '../theme/static/search.js';
import { repo } from './js/site.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const bin = join(repo, 'target/release/qingdan');
const out = join(mkdtempSync(join(tmpdir(), 'qingdan-bench-')), 'dist');

const builds = [];
for (let i = 0; i < 11; i++) {
  const t = performance.now();
  execFileSync(bin, ['build', '--root', repo, '--output', out], { stdio: 'pipe' });
  builds.push(performance.now() - t);
}
console.log(`build (282 matters, release binary): median ${median(builds).toFixed(1)} ms over ${builds.length} runs`);

const raw = readFileSync(join(out, 'search/index.json'));
console.log(`search index: ${raw.length} bytes, ${gzipSync(raw, { level: 9 }).length} bytes gzip -9 (budget 163840)`);

const t0 = performance.now();
const index = JSON.parse(raw.toString('utf8'));
console.log(`index parse: ${(performance.now() - t0).toFixed(1)} ms`);
for (const q of ['低保', '民政局', '低', '局', '12345', '高龄 津贴', 'dibao', 'db', '不存在的词语']) {
  const times = [];
  let n = 0;
  for (let i = 0; i < 51; i++) {
    const t = performance.now();
    n = search(index, q).length;
    times.push(performance.now() - t);
  }
  console.log(`query ${JSON.stringify(q)}: ${n} results, median ${median(times).toFixed(2)} ms`);
}
