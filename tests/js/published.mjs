// Helpers for the tests of the site behind the web servers it is published
// with (nginx.test.mjs, apache.test.mjs): the site built as published, a
// raw HTTP client, and the checks every response of the column must pass.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildSite, repo } from './site.mjs';

export const BASE = '/zwgk/lzqd/';
export const PORTAL = 'https://www.example.gov.cn';

/** What each kind of file must be sent as. */
export const TYPES = {
  '.html': /^text\/html; charset=utf-8$/i,
  '.css': /^text\/css; charset=utf-8$/i,
  '.js': /^(text|application)\/javascript; charset=utf-8$/i,
  '.json': /^application\/json; charset=utf-8$/i,
  '.csv': /^text\/csv; charset=utf-8$/i,
  '.xml': /^(text|application)\/xml; charset=utf-8$/i,
  '.txt': /^text\/plain; charset=utf-8$/i,
  // The favicon (nginx and Apache send SVG without a charset).
  '.svg': /^image\/svg\+xml(; charset=utf-8)?$/i,
  // Precompressed copies the build writes beside the big data files.
  // (Apache's mod_mime also applies the charset of .csv in matters.csv.gz.)
  '.gz': /^application\/(x-)?gzip(; charset=utf-8)?$/i,
};
export const LONG_CACHE = 'public, max-age=31536000, immutable';
export const SHORT_CACHE = 'no-cache';

/** A server binary: `env` (e.g. NGINX) if set, else the first candidate that exists. */
export function findBinary(env, candidates, howToInstall) {
  const tried = process.env[env]
    ? [process.env[env]]
    : [...candidates, ...(process.env.PATH ?? '').split(':').map((d) => join(d, candidates[0].split('/').pop()))];
  const found = tried.find((p) => p && existsSync(p));
  if (!found) {
    throw new Error(`${candidates[0].split('/').pop()} is not installed (looked for ${tried.join(', ')}): ${howToInstall}, or set ${env} to the binary.`);
  }
  return found;
}

export async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** The real site, built as published: the column's base path and the portal's url set. */
export function buildPublished() {
  const root = mkdtempSync(join(tmpdir(), 'qingdan-portal-'));
  cpSync(join(repo, 'content'), join(root, 'content'), { recursive: true });
  cpSync(join(repo, 'theme'), join(root, 'theme'), { recursive: true });
  writeFileSync(join(root, 'site.toml'), `url = "${PORTAL}"\n${readFileSync(join(repo, 'site.toml'), 'utf8')}`);
  return buildSite({ root, basePath: BASE });
}

/** A raw GET: status, headers and the body exactly as sent (not decompressed). */
export function get(url, headers = {}) {
  return new Promise((ok, fail) => {
    const req = request(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

/** Waits until `url` answers, failing early when the server has exited. */
export async function waitFor(url, exited, describe) {
  for (let i = 0; ; i++) {
    if (exited()) throw new Error(`the server exited at start:\n${describe()}`);
    try {
      await get(url);
      return;
    } catch {
      if (i > 100) throw new Error(`no answer on ${url}:\n${describe()}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
}

/**
 * Every file of the built site, as paths relative to it (a/b/index.html).
 * Hidden files (a name starting with a dot, e.g. the build's marker
 * `.qingdan-site`) are not part of the site; `hiddenFiles` lists them.
 */
export function siteFiles(dir) {
  return allFiles(dir).filter((f) => !isHidden(f));
}

export function hiddenFiles(dir) {
  return allFiles(dir).filter(isHidden);
}

const isHidden = (f) => f.split(/[\\/]/).some((part) => part.startsWith('.'));

function allFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/** A CSP as a map directive → value. */
export function directives(policy) {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name.toLowerCase(), values.join(' ')];
      }),
  );
}

/** The CSP of the pages' <meta> in `dist`. */
export function metaPolicy(dist) {
  const home = readFileSync(join(dist, 'index.html'), 'utf8');
  const meta = home.match(/<meta content="([^"]+)" http-equiv=Content-Security-Policy>/) ?? home.match(/http-equiv="?Content-Security-Policy"? content="([^"]+)"/);
  assert.ok(meta, 'the home page has no CSP <meta>');
  return directives(meta[1]);
}

/** The header CSP carries every directive of the <meta> one, and the other security headers are there. */
export function assertSecurityHeaders(res, policy, what) {
  const csp = res.headers['content-security-policy'];
  assert.ok(csp, `${what}: no Content-Security-Policy header`);
  assert.ok(!Array.isArray(csp) && !csp.includes(','), `${what}: more than one Content-Security-Policy`);
  const sent = directives(csp);
  for (const [name, value] of policy) {
    assert.equal(sent.get(name), value, `${what}: the header's ${name} differs from the pages' <meta> CSP`);
  }
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
  assert.ok(res.headers['referrer-policy'], `${what}: no Referrer-Policy`);
}

/** Hidden files of `dist` (the build marker), a planted leftover and a
 * repository's file all answer 404 with the site's 404 page and the headers. */
export async function assertHiddenFilesNotServed(dist, url, policy) {
  const page404 = readFileSync(join(dist, '404.html'));
  const planted = join(dist, 'static/.leftover');
  writeFileSync(planted, 'not for the public');
  try {
    for (const file of [...hiddenFiles(dist), 'static/.leftover', '.git/config']) {
      const res = await get(`${url}${file}`);
      assert.equal(res.status, 404, file);
      assert.ok(res.body.equals(page404), `${file}: the body is not the site's 404.html`);
      assertSecurityHeaders(res, policy, file);
    }
  } finally {
    rmSync(planted);
  }
}

/** Runs `bin args` and returns its output, failing with it when the status is not 0. */
export function run(bin, args, what) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${what} failed (${r.error?.message ?? r.status}):\n${r.stdout}${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

/**
 * Starts a server in the foreground as a child process and waits until `url`
 * answers. `stop()` sends `signal` (the server's graceful stop) and resolves
 * with how it exited; `log()` reads its error log.
 */
export async function startServer({ bin, args, url, errorLog, signal }) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let gone = false;
  const exited = new Promise((ok) =>
    child.on('exit', (code, sig) => {
      gone = true;
      ok({ code, signal: sig });
    }),
  );
  const log = () => (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '');
  const stop = async () => {
    if (!gone) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const how = await exited;
    clearTimeout(timer);
    return how;
  };
  try {
    await waitFor(url, () => gone, () => `${output}\n${log()}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return { stop, log };
}
