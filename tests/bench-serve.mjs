// Save-to-reload time of `qingdan serve` on the real site (never asserted:
// machines are shared and noisy). Copies the repository's site to a
// temporary folder, serves it with the release binary, opens a matter in
// headless Chromium and, N times, rewrites the matter's title and measures
// from just before the write until the reloaded page shows the new title
// (DOMContentLoaded of the reloaded page, read in node on the same clock).
//
//     cargo build --release && node tests/bench-serve.mjs [N]

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, repo, startServe } from './js/site.mjs';

process.env.QINGDAN_BIN ||= join(repo, 'target/release/qingdan');
const N = Number(process.argv[2] || 15);
const site = mkdtempSync(join(tmpdir(), 'qingdan-bench-serve-'));
for (const part of ['content', 'theme', 'site.toml']) cpSync(join(repo, part), join(site, part), { recursive: true });
const file = join(site, 'content/cooperative/013.md');
const original = readFileSync(file, 'utf8');
const title = /^title = "(.*)"$/m.exec(original)[1];

const server = await startServe({ root: site, basePath: '/zwgk/lzqd/' });
const browser = await launch();
const page = await browser.newPage();
await page.goto(`${server.url}matters/cooperative-013/`);
const connected = () => page.waitForFunction(() => document.documentElement.dataset.qingdanReload === 'connected', null, { timeout: 60000 });
await connected();

// An event stream of our own, to split the time into rebuild and page reload.
const { get } = await import('node:http');
const events = [];
get(`${server.url}_qingdan/events`, (res) => {
  res.on('data', (chunk) => { if (String(chunk).includes('event: reload')) events.push(performance.now()); });
});
await new Promise((r) => setTimeout(r, 500));
const times = [];
const eventTimes = [];
for (let i = 1; i <= N; i += 1) {
  const next = `${title}（第${i}次）`;
  const shown = new Promise((ok) => {
    const onLoad = async () => {
      const at = performance.now();
      const h1 = await page.locator('h1').first().textContent();
      if (h1 === next) { page.off('domcontentloaded', onLoad); ok(at); }
    };
    page.on('domcontentloaded', onLoad);
  });
  const start = performance.now();
  const seenEvents = events.length;
  writeFileSync(file, original.replace(`title = "${title}"`, `title = "${next}"`));
  const end = await shown;
  times.push(end - start);
  if (events.length > seenEvents) eventTimes.push(events[seenEvents] - start);
  await connected();
  await new Promise((r) => setTimeout(r, 300));
}
writeFileSync(file, original);
await browser.close();
await server.stop();
const sorted = [...times].sort((a, b) => a - b);
const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(0);
console.log(`save-to-reload over ${N} edits of a matter on the real site: median ${q(0.5)} ms, min ${q(0)} ms, 90th percentile ${q(0.9)} ms`);
console.log(`each: ${times.map((t) => t.toFixed(0)).join(', ')}`);
console.log(`save to reload event: ${eventTimes.map((t) => t.toFixed(0)).join(', ')}`);
const rebuilds = server.log().match(/（\d+ ms）/g) || [];
console.log(`rebuild times reported by serve: ${rebuilds.slice(1).map((s) => s.replace(/\D/g, '')).join(', ')}`);
