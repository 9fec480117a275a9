#!/usr/bin/env node
// What the kernel spends creating a built site's files: reads a built
// output folder into memory, then writes it again under `--to` (a new
// folder per run) with one thread, and reports the system CPU time and
// wall time of each run and their medians. Used in docs/benchmarks.md
// for what 3× Hugo would take. The copies are removed after the last run
// (not between runs: on ext4 a deletion slows the next file creations);
// `--keep` keeps them.
//
//   node tests/bench/write-cost.mjs --from OUT [--only matters] --to DIR [--runs 5] [--keep]

import { mkdirSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

import { median } from './stats.mjs';

const { values: opts } = parseArgs({
  options: {
    from: { type: 'string' },
    only: { type: 'string' },
    to: { type: 'string' },
    runs: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});
if (!opts.from || !opts.to) {
  console.error('usage: node tests/bench/write-cost.mjs --from OUT [--only SUBDIR] --to DIR [--runs 5]');
  process.exit(2);
}

const root = opts.only ? join(opts.from, opts.only) : opts.from;
const dirs = [];
const files = [];
(function walk(dir) {
  dirs.push(relative(root, dir));
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else files.push([relative(root, p), readFileSync(p)]);
  }
})(root);

// The results depend on the file system: name it.
const FS_TYPES = { 0xef53: 'ext2/3/4', 0x01021994: 'tmpfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs' };
mkdirSync(opts.to, { recursive: true });
const fsType = statfsSync(opts.to).type;
const system = [];
const wall = [];
const made = [];
for (let r = 0; r < Number(opts.runs); r++) {
  const dest = join(opts.to, `run-${process.pid}-${r}`);
  made.push(dest);
  const t0 = performance.now();
  const s0 = process.resourceUsage().systemCPUTime;
  for (const d of dirs) mkdirSync(join(dest, d), { recursive: true });
  for (const [p, bytes] of files) writeFileSync(join(dest, p), bytes);
  system.push((process.resourceUsage().systemCPUTime - s0) / 1000);
  wall.push(performance.now() - t0);
}
const ms = (xs) => xs.map((x) => Math.round(x)).join(', ');
console.log(`${files.length} files, ${dirs.length} folders from ${root} to ${opts.to} (${FS_TYPES[fsType] ?? `file system 0x${fsType.toString(16)}`})`);
console.log(`system CPU ms per run: ${ms(system)}; median ${Math.round(median(system))}`);
console.log(`wall ms per run: ${ms(wall)}; median ${Math.round(median(wall))}`);
if (!opts.keep) for (const dest of made) rmSync(dest, { recursive: true, force: true });
