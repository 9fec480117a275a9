// Helpers for the JavaScript tests: build a site with the real binary,
// serve it on loopback under a base path, and drive headless Chromium.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createSearch } from '../../theme/static/search.js';

export const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function binary() {
  const candidates = [process.env.QINGDAN_BIN, join(repo, 'target/debug/qingdan'), join(repo, 'target/release/qingdan')];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error('qingdan binary not found: run `cargo build` first (or set QINGDAN_BIN)');
  return found;
}

/** Builds the site at `root` (default: the repository) into a new temporary folder. */
export function buildSite({ root = repo, basePath = '/' } = {}) {
  const out = mkdtempSync(join(tmpdir(), 'qingdan-js-'));
  const dist = join(out, 'dist');
  execFileSync(binary(), ['build', '--root', root, '--output', dist, '--base-path', basePath], { stdio: 'pipe' });
  return dist;
}

/** A copy of the fixture site with the repository's theme, to modify. */
export function fixtureCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'qingdan-fixture-'));
  cpSync(join(repo, 'tests/fixtures/site'), dir, { recursive: true });
  cpSync(join(repo, 'theme'), join(dir, 'theme'), { recursive: true });
  return dir;
}

/** A copy of the repository's site whose tables have `pageSize` rows a page. */
export function pagedCopy(pageSize = 20) {
  const dir = mkdtempSync(join(tmpdir(), 'qingdan-paged-'));
  for (const d of ['content', 'theme']) cpSync(join(repo, d), join(dir, d), { recursive: true });
  // Before the first [table], so the key is a top-level setting.
  writeFileSync(join(dir, 'site.toml'), `page_size = ${pageSize}\n${readFileSync(join(repo, 'site.toml'), 'utf8')}`);
  return dir;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Serves `dist` at http://127.0.0.1:PORT{basePath}; anything else is 404. */
export async function serve(dist, basePath = '/') {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = null;
    if (path.startsWith(basePath)) {
      const rel = normalize(path.slice(basePath.length)).replace(/^(\.\.[/\\])+/, '');
      file = join(dist, rel);
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    }
    if (file && existsSync(file)) {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(readFileSync(file));
    } else {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(readFileSync(join(dist, '404.html')));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${basePath}`, origin: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Headless Debian Chromium, started as the workplace requires; Playwright
 * gives every launch a fresh, empty profile (user data dir). */
export async function launch() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/**
 * For a test file: the repository's site built under `base`, served on
 * loopback, and headless Chromium, started before the file's tests and
 * closed after them. `server` and `browser` are set once the tests run.
 */
export function siteInBrowser(base, root = repo) {
  const live = { server: null, browser: null };
  before(async () => {
    live.server = await serve(buildSite({ root, basePath: base }), base);
    live.browser = await launch();
  });
  after(async () => {
    await live.browser?.close();
    await live.server?.close();
  });
  return live;
}

/**
 * The browser's search over a built site's search/ files, read from disk;
 * `fetched` counts the files and bytes it asked for (each file once: the
 * engine keeps what it read, as a page does).
 */
export function openIndex(dist, base = '/') {
  const fetched = { files: 0, bytes: 0 };
  const engine = createSearch((path) => {
    const bytes = readFileSync(join(dist, 'search', path));
    fetched.files += 1;
    fetched.bytes += bytes.length;
    return Promise.resolve(JSON.parse(bytes.toString('utf8')));
  }, base);
  return { engine, fetched };
}

/** The exact answer: matters whose title, category, departments or body contain every part. */
export function exactMatches(matters, query, normalizeFn) {
  const parts = normalizeFn(query).split(/\s+/).filter(Boolean);
  return matters
    .filter((m) => {
      const fields = [m.title, m.category, m.departments.join('、'), ...Object.entries(m.sections).map(([h, t]) => `${h}\n${t}`)].map(normalizeFn);
      return parts.every((p) => fields.some((f) => f.includes(p)));
    })
    .map((m) => m.url)
    .sort();
}

/** Starts `qingdan serve` on the site at `root` on a free port; resolves
 * once it prints its address. `stop()` ends it. */
export async function startServe({ root, basePath = '/' }) {
  const { spawn } = await import('node:child_process');
  const { createServer: netServer } = await import('node:net');
  const port = await new Promise((ok, fail) => {
    const probe = netServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address();
      probe.close(() => ok(p));
    });
  });
  const child = spawn(binary(), ['serve', '--root', root, '--port', String(port), '--base-path', basePath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not start: ${log}`)), 60000);
    const check = () => {
      if (log.includes('预览地址')) { clearTimeout(timer); ok(); }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`serve exited with ${code}: ${log}`)); });
  });
  child.removeAllListeners('exit');
  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    log: () => log,
    stop: () => new Promise((ok) => {
      if (child.exitCode !== null) return ok();
      child.once('exit', ok);
      child.kill('SIGINT');
    }),
  };
}
