// Benchmark (not part of the test suite: these machines are shared and
// noisy, so timings are reported, never asserted). Run after
// `cargo build --release`:  node tests/bench.mjs
//
// Reports medians: a full build of the repository's site, and search
// queries over its index in node, with the files and bytes each reads.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { openIndex, repo } from './js/site.mjs';

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

for (const q of ['低保', '民政局', '低', '局', '12345', '高龄 津贴', 'dibao', 'db', '宅机地', '不存在的词语']) {
  const times = [];
  let n = 0;
  let fetched = null;
  for (let i = 0; i < 21; i++) {
    // A cold start each time: a new page load fetches the files again.
    const { engine, fetched: f } = openIndex(out);
    const t = performance.now();
    n = (await engine.run(q)).total;
    times.push(performance.now() - t);
    fetched = f;
  }
  console.log(`query ${JSON.stringify(q)}: ${n} results, median ${median(times).toFixed(2)} ms (files read from disk), ${fetched.files} files, ${fetched.bytes} bytes`);
}
