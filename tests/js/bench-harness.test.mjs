// The benchmark harness (tests/bench/) at a tiny size, so that it cannot
// rot: the corpus generator's output passes `qingdan check` and builds,
// the Hugo twin is written, and `compare.mjs --smoke` produces a
// well-formed table and JSON. Timings are never asserted.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { COLUMNS, queryFetch, targets } from '../bench/compare.mjs';
import { generate, loadReal, splitCounts } from '../bench/corpus.mjs';
import { convert } from '../bench/hugo.mjs';
import { buildSite, repo } from './site.mjs';

const bin = [process.env.QINGDAN_BIN, join(repo, 'target/debug/qingdan'), join(repo, 'target/release/qingdan')].find((p) => p && existsSync(p));
const tmp = mkdtempSync(join(tmpdir(), 'qingdan-bench-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function treeHash(dir) {
  const h = createHash('sha256');
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(`${p.slice(dir.length)}\0`).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

test('the corpus is deterministic, proportioned like the real list, and passes check and build', () => {
  const a = join(tmp, 'a');
  const facts = generate({ matters: 60, out: a });
  assert.deepEqual(facts.lists, { basic: 28, cooperative: 22, revoked: 10 });
  const b = join(tmp, 'b');
  generate({ matters: 60, out: b });
  assert.equal(treeHash(a), treeHash(b), 'same seed and size, same files');
  const c = join(tmp, 'c');
  generate({ matters: 60, out: c, seed: 11 });
  assert.notEqual(treeHash(join(a, 'content')), treeHash(join(c, 'content')), 'another seed, other text');

  const check = spawnSync(bin, ['check', '--root', a], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr + check.stdout);
  assert.match(check.stdout + check.stderr, /0 个错误，0 条提示/);
  const dist = join(tmp, 'dist');
  execFileSync(bin, ['build', '--root', a, '--output', dist], { stdio: 'pipe' });
  assert.equal(readdirSync(join(dist, 'matters')).length, 60);
});

test('a full township has the real list counts and text volume; seq continues per list', () => {
  const real = loadReal();
  assert.deepEqual(splitCounts(282, real), { basic: 132, cooperative: 103, revoked: 47 });
  const facts = generate({ matters: 564, out: join(tmp, 'two'), theme: false });
  assert.deepEqual(facts.lists, { basic: 264, cooperative: 206, revoked: 94 });
  assert.equal(facts.max_seq, 264);
  assert.ok(existsSync(join(tmp, 'two/content/basic/264.md')));
  const ratio = facts.mean_matter_bytes / facts.real_mean_matter_bytes_without_review;
  assert.ok(ratio > 0.85 && ratio < 1.15, `mean bytes per matter ${facts.mean_matter_bytes} vs real ${facts.real_mean_matter_bytes_without_review}`);
});

test('the Hugo twin has a page source per matter and the templates', () => {
  const site = join(tmp, 'hugo');
  assert.equal(convert({ from: join(tmp, 'a'), out: site }), 60);
  for (const f of ['config.toml', 'layouts/_default/baseof.html', 'layouts/_default/single.html', 'layouts/_default/list.html', 'layouts/index.json', 'content/_index.md', 'content/basic/_index.md']) {
    assert.ok(existsSync(join(site, f)), f);
  }
  const m = readFileSync(join(site, 'content/cooperative/001.md'), 'utf8');
  assert.match(m, /^\+\+\+\ntitle = ".+"\nlist = "cooperative"\nseq = 1\nweight = 1\n/);
  assert.match(m, /\ndepartments = \[".+"\]\n/);
  assert.match(m, /## 上级部门职责/);
});

test('compare.mjs --smoke writes a well-formed table and JSON', () => {
  const json = join(tmp, 'smoke.json');
  const md = join(tmp, 'smoke.md');
  const r = spawnSync(process.execPath, [join(repo, 'tests/bench/compare.mjs'), '--smoke', '--qingdan', bin, '--work', join(tmp, 'work'), '--json', json, '--markdown', md], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  for (const k of ['nproc', 'cpu_model', 'memory_gib', 'qingdan_commit', 'hugo_version']) assert.ok(k in report.machine, k);
  assert.equal(report.results.length, 1);
  assert.ok(Array.isArray(report.targets), 'targets judged (none apply at 60 matters)');
  const res = report.results[0];
  assert.equal(res.matters, 60);
  assert.equal(res.qingdan.status, 'ok', JSON.stringify(res.qingdan));
  assert.equal(res.qingdan.runs.length, 1);
  assert.ok(res.qingdan.median_wall_s > 0);
  assert.ok(res.qingdan.output_bytes > 0);
  assert.ok(res.qingdan.search_index_bytes > 0);
  assert.match(res.qingdan.query_fetch_source, /^search\.js over search\//);
  assert.ok(res.qingdan.query_fetch_bytes > 0);
  for (const k of ['hugo_time_over_qingdan_time', 'qingdan_rss_over_hugo_rss']) assert.ok(k in res.ratios, k);
  if (report.machine.hugo_version) {
    assert.equal(res.hugo.status, 'ok', JSON.stringify(res.hugo));
    assert.ok(res.hugo.search_index_bytes > 0);
    assert.ok(res.ratios.hugo_time_over_qingdan_time > 0);
  }
  const lines = readFileSync(md, 'utf8').split('\n').filter((l) => l.startsWith('|'));
  assert.equal(lines.length, 3, 'header, rule, one row');
  const cells = (l) => l.slice(2, -2).split(' | ');
  assert.deepEqual(cells(lines[0]), COLUMNS);
  assert.equal(cells(lines[2]).length, COLUMNS.length);
  assert.equal(cells(lines[2])[0], '60');
  assert.match(r.stdout, /CPUs/);
});

test('per-query fetch: what the search script reads, else the whole old index', async () => {
  const dist = join(tmp, 'fetch');
  mkdirSync(join(dist, 'search'), { recursive: true });
  writeFileSync(join(dist, 'search/index.json'), 'x'.repeat(1000));
  assert.deepEqual(await queryFetch(dist), { bytes: 1000, source: 'search/index.json' });
  const real = buildSite();
  const q = await queryFetch(real);
  assert.ok(q.bytes > 1000 && q.bytes <= q.max_bytes, JSON.stringify(q));
});

test('targets are judged from the results, a refusal never counts as met', () => {
  const res = (matters, q, h, ratios) => ({ matters, qingdan: q, hugo: h, ratios });
  const list = targets([
    res(282, { status: 'ok', query_fetch_bytes: 90e3, median_wall_s: 1, median_peak_rss_mib: 50 }, { status: 'ok' }, { hugo_time_over_qingdan_time: 3.5, qingdan_rss_over_hugo_rss: 0.9 }),
    res(28200, { status: 'failed', error: 'seq = 10000 无效' }, { status: 'ok' }, { hugo_time_over_qingdan_time: null, qingdan_rss_over_hugo_rss: null }),
  ]);
  assert.deepEqual(list.map((t) => [t.matters, t.met]), [[282, true], [282, true], [282, true], [28200, false], [28200, false], [28200, false]]);
});

test('write-cost.mjs writes a copy of a built site, run by run, and reports the kernel time', (t) => {
  const out = buildSite();
  t.after(() => rmSync(join(out, '..'), { recursive: true, force: true }));
  const to = join(tmp, 'wc-to');
  const r = spawnSync(process.execPath, [join(repo, 'tests/bench/write-cost.mjs'), '--from', out, '--only', 'matters', '--to', to, '--runs', '2', '--keep'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^282 files, 283 folders from .* \((ext2\/3\/4|tmpfs|xfs|btrfs|overlayfs|file system 0x[0-9a-f]+)\)$/m);
  assert.match(r.stdout, /^system CPU ms per run: \d+, \d+; median \d+$/m);
  const runs = readdirSync(to);
  assert.equal(runs.length, 2);
  for (const run of runs) assert.equal(treeHash(join(to, run)), treeHash(join(out, 'matters')));
  // Without --keep the copies go once the runs are done.
  const gone = join(tmp, 'wc-gone');
  const again = spawnSync(process.execPath, [join(repo, 'tests/bench/write-cost.mjs'), '--from', out, '--only', 'matters', '--to', gone, '--runs', '1'], { encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(readdirSync(gone), []);
});
