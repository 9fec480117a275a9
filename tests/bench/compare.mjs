#!/usr/bin/env node
// qingdan against Hugo on the same generated corpus, alternating runs.
//
//   cargo build --release --locked
//   node tests/bench/compare.mjs                       # 282, 2,820, 28,200
//   node tests/bench/compare.mjs --sizes 282000 --runs 1
//   node tests/bench/compare.mjs --smoke               # what the test suite runs
//
// For each size: generates the corpus (tests/bench/corpus.mjs) and its
// Hugo twin (tests/bench/hugo.mjs), then runs `qingdan build` and
// `hugo --quiet --ignoreCache` (with a new, empty --cacheDir) one after the
// other, qingdan first, each into an emptied output folder, under
// `/usr/bin/time -v`. Reports per tool the median wall time (monotonic
// clock, around the process), median CPU time (user + sys, less disturbed
// by other work on a shared machine), median peak RSS, output size,
// search index size and the bytes a browser downloads for a typical search,
// and the ratios Hugo time / qingdan time and qingdan RSS / Hugo RSS.
// A build that fails (as qingdan did at 28,200 until b2ba6fd lifted the seq limit) is
// reported with its message, not worked around.
//
// Prints the machine facts and a Markdown table; writes results.json and
// results.md into the work folder (default: a new folder under /tmp), or
// to --json / --markdown. Timings are reported, never asserted.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, lstatSync } from 'node:fs';
import { availableParallelism, tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { DEFAULT_SEED, generate, repo } from './corpus.mjs';
import { convert } from './hugo.mjs';
import { TYPICAL_QUERIES } from './fetch.mjs';
import { median } from './stats.mjs';
import { PAGE } from '../../theme/static/search.js';
import { openIndex } from '../js/site.mjs';

const USAGE = `usage: node tests/bench/compare.mjs [options]
  --sizes 282,2820,28200   corpus sizes in matters, comma-separated (28_200 is fine,
                           28,200 is two sizes); 282000 on request
  --runs N                 runs per tool at sizes under 10,000 (default 5)
  --runs-large N           runs per tool at 10,000 and more (default 3)
  --seed S                 corpus seed (default ${DEFAULT_SEED})
  --qingdan PATH           binary (default $QINGDAN_BIN or target/release/qingdan)
  --hugo PATH              hugo binary (default: hugo on PATH, if any)
  --no-hugo                run qingdan only
  --work DIR               where corpora and outputs go (default: a new folder in /tmp)
  --keep                   keep corpora and outputs (default: removed, except results)
  --json FILE              also write the results as JSON to FILE
  --markdown FILE          also write the Markdown table to FILE
  --browser                also measure searches in headless Chromium (tests/bench/fetch.mjs):
                           bytes fetched per typical query, longest main-thread task
  --smoke                  one run at 60 matters (the test suite's check that this still works)`;

export const COLUMNS = [
  'matters',
  'qingdan wall (median)',
  'Hugo wall (median)',
  'Hugo/qingdan time',
  'qingdan CPU',
  'Hugo CPU',
  'qingdan peak RSS',
  'Hugo peak RSS',
  'qingdan/Hugo RSS',
  'qingdan output',
  'Hugo output',
  'qingdan search index',
  'Hugo index.json',
  'query fetch (qingdan)',
  'runs',
];

function parseArgs(argv) {
  const a = { sizes: [282, 2820, 28200], runs: 5, runsLarge: 3, seed: DEFAULT_SEED, hugo: undefined, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${f} needs a value`);
      return argv[++i];
    };
    const int = (s) => {
      const n = Number(String(s).replaceAll('_', ''));
      if (!Number.isInteger(n) || n < 1) throw new Error(`${f}: ${s} is not a positive integer`);
      return n;
    };
    if (f === '--sizes') a.sizes = val().split(/[,\s]+/).filter(Boolean).map(int);
    else if (f === '--runs') a.runs = int(val());
    else if (f === '--runs-large') a.runsLarge = int(val());
    else if (f === '--seed') a.seed = int(val());
    else if (f === '--qingdan') a.qingdan = resolve(val());
    else if (f === '--hugo') a.hugo = val();
    else if (f === '--no-hugo') a.hugo = null;
    else if (f === '--work') a.work = resolve(val());
    else if (f === '--keep') a.keep = true;
    else if (f === '--json') a.json = resolve(val());
    else if (f === '--markdown') a.markdown = resolve(val());
    else if (f === '--smoke') a.smoke = true;
    else if (f === '--browser') a.browser = true;
    else if (f === '--help' || f === '-h') a.help = true;
    else throw new Error(`unknown argument ${f}`);
  }
  if (a.smoke) {
    if (!argv.includes('--sizes')) a.sizes = [60];
    a.runs = 1;
    a.runsLarge = 1;
  }
  return a;
}

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });
const which = (name) => {
  const r = run('sh', ['-c', `command -v ${name}`]);
  return r.status === 0 ? r.stdout.trim() : null;
};

/** Facts about the machine and the two programs, printed with the results. */
export function machineFacts({ qingdan, hugo }) {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const meminfo = existsSync('/proc/meminfo') ? readFileSync('/proc/meminfo', 'utf8') : '';
  const memKb = Number((meminfo.match(/^MemTotal:\s+(\d+)/m) || [])[1] || 0);
  const git = (...args) => {
    const r = run('git', ['-C', repo, ...args]);
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const nproc = which('nproc') ? Number(run('nproc', []).stdout.trim()) : availableParallelism();
  return {
    date: new Date().toISOString(),
    nproc,
    cpu_model: (cpuinfo.match(/^model name\s*:\s*(.*)$/m) || [])[1] || 'unknown',
    memory_gib: Math.round((memKb / 1048576) * 10) / 10,
    load_average_at_start: loadavg().map((x) => Math.round(x * 100) / 100),
    qingdan_binary: qingdan,
    qingdan_commit: git('rev-parse', 'HEAD'),
    qingdan_commit_subject: git('log', '-1', '--format=%s'),
    // The last commit that changed what the binary is built from.
    qingdan_src_commit: git('log', '-1', '--format=%H', '--', 'src', 'Cargo.toml', 'Cargo.lock'),
    qingdan_worktree_clean: git('status', '--porcelain', '--', 'src', 'Cargo.toml', 'Cargo.lock') === '',
    hugo_version: hugo ? run(hugo, ['version']).stdout.trim() : null,
    node_version: process.version,
  };
}

/** Sum of file sizes under `dir`, as `du -sb` (which also counts directories) when available. */
function duBytes(dir) {
  const r = run('du', ['-sb', dir]);
  if (r.status === 0) return Number(r.stdout.split(/\s/)[0]);
  let total = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else total += lstatSync(p).size;
    }
  };
  walk(dir);
  return total;
}

function countFiles(dir) {
  let n = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else n++;
    }
  };
  walk(dir);
  return n;
}

const size = (p) => (existsSync(p) ? statSync(p).size : null);

/**
 * The bytes a browser downloads for a typical search of qingdan's site in
 * `dist`: the page's own search script (theme/static/search.js) run in node
 * over the built files, counting every file it reads, for each of
 * TYPICAL_QUERIES from a cold start (first page of results shown), median.
 * A site from before the sharded index (one `search/index.json`, which
 * every search downloaded) counts that file.
 */
export async function queryFetch(dist) {
  if (!existsSync(join(dist, 'search/manifest.json'))) {
    return { bytes: size(join(dist, 'search/index.json')), source: 'search/index.json' };
  }
  const per = [];
  for (const q of TYPICAL_QUERIES) {
    const { engine, fetched } = openIndex(dist);
    await (await engine.run(q)).items(PAGE);
    per.push(fetched.bytes);
  }
  return { bytes: median(per), max_bytes: Math.max(...per), source: `search.js over search/ (median of ${per.length} typical queries)` };
}

/** Search files: all of search/ except the page itself, raw and gzip -9 of index.json. */
function searchIndexBytes(dist) {
  const dir = join(dist, 'search');
  if (!existsSync(dir)) return { bytes: null };
  let bytes = 0;
  let files = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.(html|gz|br)$/.test(e.name)) {
        bytes += statSync(p).size;
        files++;
      }
    }
  };
  walk(dir);
  const index = join(dir, 'index.json');
  const gzip = existsSync(index) && size(index) < 512 * 1024 * 1024 ? gzipSync(readFileSync(index), { level: 9 }).length : null;
  return { bytes, files, index_json_gzip_bytes: gzip };
}

const TIME = '/usr/bin/time';

/** Runs `cmd args` under /usr/bin/time -v; output goes to files in `logDir`. */
function measure(name, cmd, args, logDir, i) {
  const base = join(logDir, `${name}-${i}`);
  const out = openSync(`${base}.out`, 'w');
  const err = openSync(`${base}.err`, 'w');
  const timed = existsSync(TIME);
  const t0 = process.hrtime.bigint();
  const r = timed
    ? spawnSync(TIME, ['-v', '-o', `${base}.time`, cmd, ...args], { stdio: ['ignore', out, err] })
    : spawnSync(cmd, args, { stdio: ['ignore', out, err] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(out);
  closeSync(err);
  const tv = timed && existsSync(`${base}.time`) ? readFileSync(`${base}.time`, 'utf8') : '';
  const num = (re) => {
    const m = tv.match(re);
    return m ? Number(m[1]) : null;
  };
  const user = num(/User time \(seconds\): ([\d.]+)/);
  const sys = num(/System time \(seconds\): ([\d.]+)/);
  const rssKb = num(/Maximum resident set size \(kbytes\): (\d+)/);
  const status = r.status ?? num(/Exit status: (\d+)/);
  return {
    wall_s: Math.round(wall * 1000) / 1000,
    cpu_s: user != null && sys != null ? Math.round((user + sys) * 100) / 100 : null,
    rss_mib: rssKb != null ? Math.round((rssKb / 1024) * 10) / 10 : null,
    exit: r.error ? String(r.error.message) : status,
    log: base,
  };
}

/** What a failed build said: its first error (without the file name) and how many errors. */
function failure(m) {
  const read = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
  const lines = (read(`${m.log}.err`) + read(`${m.log}.out`)).split('\n').filter(Boolean);
  const first = lines.find((l) => /错误|error/i.test(l)) || lines[0] || `exit ${m.exit}`;
  const message = first.replace(/^\s*(错误\s*)?error:\s*/i, '').replace(/^\S+:\d+(:\d+)?:\s*/, '').trim();
  const count = [...lines].reverse().map((l) => l.match(/(\d+) 个错误/)).find(Boolean);
  return count ? `${message} (${count[1]} errors)` : message;
}

async function summarize(runs, dist, kind) {
  const ok = runs.filter((r) => r.exit === 0);
  const s = {
    status: ok.length === runs.length ? 'ok' : ok.length ? 'some runs failed' : 'failed',
    runs: runs.map(({ log, out, ...r }) => r),
    median_wall_s: median(ok.map((r) => r.wall_s)),
    median_cpu_s: median(ok.map((r) => r.cpu_s)),
    median_peak_rss_mib: median(ok.map((r) => r.rss_mib)),
    max_peak_rss_mib: ok.length && ok.some((r) => r.rss_mib != null) ? Math.max(...ok.map((r) => r.rss_mib ?? 0)) : null,
  };
  if (ok.length < runs.length) s.error = failure(runs.find((r) => r.exit !== 0));
  if (ok.length && existsSync(dist)) {
    s.output_bytes = duBytes(dist);
    s.output_files = countFiles(dist);
    if (kind === 'qingdan') {
      const idx = searchIndexBytes(dist);
      s.search_index_bytes = idx.bytes;
      s.search_index_files = idx.files;
      s.search_index_json_gzip_bytes = idx.index_json_gzip_bytes;
      const q = await queryFetch(dist);
      s.query_fetch_bytes = q.bytes;
      s.query_fetch_max_bytes = q.max_bytes;
      s.query_fetch_source = q.source;
    } else {
      s.search_index_bytes = size(join(dist, 'index.json'));
      s.query_fetch_bytes = s.search_index_bytes;
      s.query_fetch_source = 'index.json';
    }
  }
  return s;
}

/** Benchmarks one size; returns its result object. */
export async function benchSize(n, opts, log = () => {}) {
  const started = process.hrtime.bigint();
  const dir = join(opts.work, `n${n}`);
  mkdirSync(dir, { recursive: true });
  const corpus = join(dir, 'corpus');
  const hugoSite = join(dir, 'hugo-site');
  const t0 = process.hrtime.bigint();
  const facts = generate({ matters: n, out: corpus, seed: opts.seed });
  if (opts.hugo) convert({ from: corpus, out: hugoSite });
  const genS = Number(process.hrtime.bigint() - t0) / 1e9;
  log(`  ${n} matters: corpus and Hugo site written in ${genS.toFixed(1)} s (max seq ${facts.max_seq}, ${facts.departments} departments)`);

  const runsN = n >= 10000 ? opts.runsLarge : opts.runs;
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  // Each run writes into a new folder; all are deleted only after the
  // size's last run. Deleting tens of thousands of files just before a run
  // slows the file creation of that run (measured on an ext4 root: the
  // inode allocator skips inodes deleted in the last minutes, and system
  // time grew with every run, 0.7 s to 3.8 s at 2,820 matters).
  const qOuts = [];
  const hOuts = [];
  const hCaches = [];
  const qRuns = [];
  const hRuns = [];
  for (let i = 0; i < runsN; i++) {
    // qingdan: once it has refused, it refuses again (same input); later
    // runs are skipped and the refusal reported.
    if (!qRuns.length || qRuns.some((r) => r.exit === 0)) {
      const qOut = join(dir, `qingdan-out-${i}`);
      rmSync(qOut, { recursive: true, force: true });
      qOuts.push(qOut);
      const q = measure('qingdan', opts.qingdan, ['build', '--root', corpus, '--output', qOut], logs, i);
      q.out = qOut;
      qRuns.push(q);
      log(`    qingdan run ${i + 1}/${runsN}: ${q.exit === 0 ? `${q.wall_s.toFixed(2)} s, ${q.rss_mib} MiB` : `failed (exit ${q.exit})`}`);
    }
    if (opts.hugo) {
      const hOut = join(dir, `hugo-out-${i}`);
      const hCache = join(dir, `hugo-cache-${i}`);
      rmSync(hOut, { recursive: true, force: true });
      rmSync(hCache, { recursive: true, force: true });
      hOuts.push(hOut);
      hCaches.push(hCache);
      const h = measure('hugo', opts.hugo, ['--source', hugoSite, '--destination', hOut, '--quiet', '--ignoreCache', '--cacheDir', hCache], logs, i);
      h.out = hOut;
      hRuns.push(h);
      log(`    hugo    run ${i + 1}/${runsN}: ${h.exit === 0 ? `${h.wall_s.toFixed(2)} s, ${h.rss_mib} MiB` : `failed (exit ${h.exit})`}`);
    }
  }
  // Sizes are taken from the last successful run's output.
  const lastOk = (runs) => [...runs].reverse().find((r) => r.exit === 0)?.out ?? join(dir, 'none');
  const qOut = lastOk(qRuns);
  const hOut = lastOk(hRuns);
  const result = {
    matters: n,
    corpus: { ...facts, generate_s: Math.round(genS * 10) / 10 },
    runs_per_tool: runsN,
    qingdan: await summarize(qRuns, qOut, 'qingdan'),
    hugo: opts.hugo ? await summarize(hRuns, hOut, 'hugo') : null,
  };
  const q = result.qingdan;
  const h = result.hugo;
  const ratio = (a, b) => (a != null && b != null && b > 0 ? Math.round((a / b) * 100) / 100 : null);
  result.ratios = {
    hugo_time_over_qingdan_time: h ? ratio(h.median_wall_s, q.median_wall_s) : null,
    hugo_cpu_over_qingdan_cpu: h ? ratio(h.median_cpu_s, q.median_cpu_s) : null,
    qingdan_rss_over_hugo_rss: h ? ratio(q.median_peak_rss_mib, h.median_peak_rss_mib) : null,
  };
  if (opts.browser && q.status !== 'failed' && existsSync(qOut)) {
    const { browserFetch } = await import('./fetch.mjs');
    q.browser = await browserFetch(qOut);
    log(`    browser: typical query fetches ${fmtBytes(q.browser.median_fetch_bytes)} (median), longest main-thread task ${q.browser.max_longest_task_ms} ms`);
  }
  result.load_average_after = loadavg().map((x) => Math.round(x * 100) / 100);
  result.elapsed_s = Math.round((Number(process.hrtime.bigint() - started) / 1e9) * 10) / 10;
  if (!opts.keep) {
    for (const p of [corpus, hugoSite, ...qOuts, ...hOuts, ...hCaches]) rmSync(p, { recursive: true, force: true });
  }
  return result;
}

const fmtS = (s) => (s == null ? '–' : s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`);
const fmtMiB = (m) => (m == null ? '–' : `${Math.round(m).toLocaleString('en')} MiB`);
const fmtBytes = (b) => {
  if (b == null) return '–';
  if (b < 1024 * 1024) return `${Math.round(b / 1024).toLocaleString('en')} KiB`;
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(2)} GiB`;
  return `${(b / 1048576).toFixed(1)} MiB`;
};
const fmtX = (x) => (x == null ? '–' : `${x.toFixed(2)}×`);

/** The Markdown table of `results` (one row per size). */
export function markdownTable(results) {
  const rows = results.map((r) => {
    const q = r.qingdan;
    const h = r.hugo || {};
    const qWall = q.status === 'failed' ? `failed: ${q.error}` : fmtS(q.median_wall_s);
    return [
      r.matters.toLocaleString('en'),
      qWall.replaceAll('|', '\\|'),
      r.hugo ? (h.status === 'failed' ? `failed: ${h.error}` : fmtS(h.median_wall_s)) : 'not run',
      fmtX(r.ratios.hugo_time_over_qingdan_time),
      fmtS(q.median_cpu_s),
      fmtS(h.median_cpu_s),
      fmtMiB(q.median_peak_rss_mib),
      fmtMiB(h.median_peak_rss_mib),
      fmtX(r.ratios.qingdan_rss_over_hugo_rss),
      fmtBytes(q.output_bytes),
      fmtBytes(h.output_bytes),
      fmtBytes(q.search_index_bytes),
      fmtBytes(h.search_index_bytes),
      fmtBytes(q.query_fetch_bytes),
      String(r.runs_per_tool),
    ];
  });
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(COLUMNS), line(COLUMNS.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The searches measured in Chromium (--browser), if any. */
export function browserTable(results) {
  const rows = results.filter((r) => r.qingdan.browser);
  if (!rows.length) return null;
  const head = '| matters | queries | fetched per query (median) | (max) | longest main-thread task | results shown after (median) |';
  const body = rows.map((r) => {
    const b = r.qingdan.browser;
    const shown = [...b.queries.map((q) => q.results_shown_ms)].sort((x, y) => x - y)[Math.floor(b.queries.length / 2)];
    return `| ${r.matters.toLocaleString('en')} | ${b.queries.map((q) => q.query).join('、')} | ${fmtBytes(b.median_fetch_bytes)} | ${fmtBytes(b.max_fetch_bytes)} | ${b.max_longest_task_ms} ms | ${shown} ms |`;
  });
  return [head, '| --- | --- | --- | --- | --- | --- |', ...body].join('\n');
}

export function markdownFacts(m) {
  return [
    `- machine: ${m.nproc} CPUs (${m.cpu_model}), ${m.memory_gib} GiB memory; load average at start ${m.load_average_at_start.join(', ')}`,
    `- qingdan: ${m.qingdan_commit ? m.qingdan_commit.slice(0, 12) : 'unknown commit'} (${m.qingdan_commit_subject || ''}); src/ last changed in ${m.qingdan_src_commit ? m.qingdan_src_commit.slice(0, 12) : '?'}${m.qingdan_worktree_clean ? '' : ', with uncommitted changes under src/'}; binary ${m.qingdan_binary}`,
    `- hugo: ${m.hugo_version || 'not run'}`,
    `- date: ${m.date}; node ${m.node_version}`,
  ].join('\n');
}

/**
 * Issue 10's targets, judged on `results` (only those the measured sizes
 * bear on). KB and GB are decimal here (100 KB = 100,000 bytes), the
 * stricter reading. Per-query fetch uses the browser measurement (median
 * over the queries) when there is one, else the file-size rule.
 */
export function targets(results) {
  const out = [];
  const add = (size, target, value, met) => out.push({ matters: size, target, value, met });
  for (const r of results) {
    const q = r.qingdan;
    const failed = q.status === 'failed';
    if (r.hugo && [282, 2820, 28200].includes(r.matters)) {
      add(r.matters, 'at least 3× faster than Hugo (wall time)', failed ? `qingdan failed: ${q.error}` : fmtX(r.ratios.hugo_time_over_qingdan_time), !failed && r.ratios.hugo_time_over_qingdan_time >= 3);
      add(r.matters, "peak RSS no more than Hugo's", failed ? 'qingdan failed' : fmtX(r.ratios.qingdan_rss_over_hugo_rss), !failed && r.ratios.qingdan_rss_over_hugo_rss <= 1);
    }
    if (r.matters === 282000) {
      add(r.matters, '≤ 60 s wall time', failed ? `qingdan failed: ${q.error}` : fmtS(q.median_wall_s), !failed && q.median_wall_s <= 60);
      add(r.matters, '≤ 2 GB peak RSS', failed ? 'qingdan failed' : fmtMiB(q.median_peak_rss_mib), !failed && q.median_peak_rss_mib * 1048576 <= 2e9);
    }
    const limit = { 282: 100e3, 28200: 300e3 }[r.matters];
    if (limit) {
      const bytes = q.browser ? q.browser.median_fetch_bytes : q.query_fetch_bytes;
      add(r.matters, `a typical query fetches ≤ ${limit / 1000} KB`, failed ? 'qingdan failed' : `${(bytes ?? 0).toLocaleString('en')} bytes${q.browser ? ' (browser)' : ''}`, !failed && bytes != null && bytes <= limit);
    }
    if (q.browser) add(r.matters, 'no main-thread task over 50 ms while searching', `${q.browser.max_longest_task_ms} ms`, q.browser.max_longest_task_ms <= 50);
  }
  return out;
}

export function targetsList(list) {
  if (!list.length) return null;
  return ['Targets of issue 10:', '', ...list.map((t) => `- ${t.met ? 'met' : 'NOT met'}: ${t.matters.toLocaleString('en')} matters, ${t.target}: ${t.value}`)].join('\n');
}

export async function main(argv) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  opts.qingdan ||= process.env.QINGDAN_BIN ? resolve(process.env.QINGDAN_BIN) : join(repo, 'target/release/qingdan');
  if (!existsSync(opts.qingdan)) {
    console.error(`qingdan binary not found at ${opts.qingdan}: run \`cargo build --release --locked\` (or pass --qingdan)`);
    return 2;
  }
  if (opts.hugo === undefined) opts.hugo = which('hugo');
  else if (opts.hugo && !opts.hugo.includes('/')) opts.hugo = which(opts.hugo);
  if (!existsSync(TIME)) console.error(`${TIME} not found: peak RSS and CPU time are not measured (apt-get install time)`);
  const ownWork = !opts.work;
  opts.work ||= mkdtempSync(join(tmpdir(), 'qingdan-compare-'));
  mkdirSync(opts.work, { recursive: true });

  const machine = machineFacts(opts);
  console.log(`qingdan vs ${opts.hugo ? 'Hugo' : '(Hugo not run: qingdan only)'}, sizes ${opts.sizes.join(', ')}; work folder ${opts.work}`);
  console.log(markdownFacts(machine));
  const results = [];
  for (const n of opts.sizes) {
    results.push(await benchSize(n, opts, (s) => console.log(s)));
  }
  const report = {
    machine,
    method: {
      alternating: true,
      order: 'qingdan then hugo, each run into an emptied output folder',
      qingdan_command: `${opts.qingdan} build --root CORPUS --output OUT`,
      hugo_command: opts.hugo ? `${opts.hugo} --source SITE --destination OUT --quiet --ignoreCache --cacheDir NEW_EMPTY_DIR` : null,
      wall: 'monotonic clock around the process; median of the runs',
      cpu: 'user + system seconds from /usr/bin/time -v; median',
      rss: '"Maximum resident set size" from /usr/bin/time -v; median of the runs',
      seed: opts.seed,
    },
    results,
    targets: targets(results),
  };
  const browser = browserTable(results);
  const goals = targetsList(report.targets);
  const tail = [browser, goals].filter(Boolean).map((x) => `\n${x}\n`).join('');
  const md = `${markdownFacts(machine)}\n\n${markdownTable(results)}\n${tail}`;
  console.log(`\n${markdownTable(results)}\n${tail}`);
  writeFileSync(join(opts.work, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(opts.work, 'results.md'), md);
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
  if (opts.markdown) writeFileSync(opts.markdown, md);
  console.log(`\nresults: ${join(opts.work, 'results.json')} and results.md${opts.json ? `, ${opts.json}` : ''}`);
  if (opts.smoke && ownWork && !opts.keep) {
    for (const n of opts.sizes) rmSync(join(opts.work, `n${n}`), { recursive: true, force: true });
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
