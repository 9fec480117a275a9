// The site published as the portal publishes it: Debian's nginx with
// deploy/nginx.conf (the file docs/部署.md tells the web administrator to
// use, changed here only in its port and folder), the real site built for
// the column /zwgk/lzqd/ with the portal's url, on a free loopback port.
// Every file answers with the right type and headers, missing pages get the
// site's 404 page, the search data is sent compressed, a search engine finds
// every page once through robots.txt and sitemap.xml, and search in headless
// Chromium finds the same matters through nginx as through the test server.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';

import { normalize } from '../../theme/static/search.js';
import { buildSite, exactMatches, launch, repo, serve } from './site.mjs';

const BASE = '/zwgk/lzqd/';
const PORTAL = 'https://www.example.gov.cn';
const CONFIG = join(repo, 'deploy/nginx.conf');

/** What each kind of file must be sent as. */
const TYPES = {
  '.html': /^text\/html; charset=utf-8$/,
  '.css': /^text\/css; charset=utf-8$/,
  '.js': /^(text|application)\/javascript; charset=utf-8$/,
  '.json': /^application\/json; charset=utf-8$/,
  '.csv': /^text\/csv; charset=utf-8$/,
  '.xml': /^(text|application)\/xml; charset=utf-8$/,
  '.txt': /^text\/plain; charset=utf-8$/,
};
const LONG_CACHE = 'public, max-age=31536000, immutable';
const SHORT_CACHE = 'no-cache';

let dist;
let nginx;
let testServer;
let browser;

function nginxBinary() {
  const candidates = process.env.NGINX
    ? [process.env.NGINX]
    : ['/usr/sbin/nginx', ...(process.env.PATH ?? '').split(':').map((d) => join(d, 'nginx'))];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) {
    throw new Error(
      `nginx is not installed (looked for ${candidates.join(', ')}), so the published configuration ` +
        'deploy/nginx.conf cannot be tested: apt-get install nginx (tests/run.sh installs it), or set NGINX to the binary.',
    );
  }
  return found;
}

async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** The real site, built as published: base path and the portal's url set. */
function buildPublished() {
  const root = mkdtempSync(join(tmpdir(), 'qingdan-portal-'));
  cpSync(join(repo, 'content'), join(root, 'content'), { recursive: true });
  cpSync(join(repo, 'theme'), join(root, 'theme'), { recursive: true });
  writeFileSync(join(root, 'site.toml'), `url = "${PORTAL}"\n${readFileSync(join(repo, 'site.toml'), 'utf8')}`);
  return buildSite({ root, basePath: BASE });
}

/**
 * Starts nginx in the foreground with deploy/nginx.conf, as the portal's
 * http {} block would include it, its files in `/srv/www/zwgk/lzqd` made a
 * symbolic link to `dist` under a temporary root.
 */
async function startNginx(dist) {
  const bin = nginxBinary();
  const prefix = mkdtempSync(join(tmpdir(), 'qingdan-nginx-'));
  const www = join(prefix, 'www');
  const column = join(www, BASE).replace(/\/$/, '');
  mkdirSync(dirname(column), { recursive: true });
  symlinkSync(dist, column, 'dir');
  // nginx started by root serves as `nobody`, as the portal's serves as
  // www-data: the files must be readable by others, as on the server.
  for (const dir of [prefix, www, dirname(dist)]) chmodSync(dir, 0o755);
  mkdirSync(join(prefix, 'logs'));
  mkdirSync(join(prefix, 'temp'));
  cpSync('/etc/nginx/mime.types', join(prefix, 'mime.types'));

  const port = await freePort();
  const original = readFileSync(CONFIG, 'utf8');
  assert.match(original, /^\s*listen 80;$/m, 'deploy/nginx.conf must contain `listen 80;`');
  assert.match(original, /^\s*root \/srv\/www;$/m, 'deploy/nginx.conf must contain `root /srv/www;`');
  const site = original.replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`).replace(/^(\s*)root \/srv\/www;$/m, `$1root ${www};`);
  writeFileSync(join(prefix, 'site.conf'), site);
  // What Debian's /etc/nginx/nginx.conf has around it, in a private prefix.
  const t = join(prefix, 'temp');
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs/error.log')} warn;
events { worker_connections 256; }
http {
    sendfile on;
    include mime.types;
    default_type application/octet-stream;
    access_log ${join(prefix, 'logs/access.log')};
    client_body_temp_path ${t}/body;
    proxy_temp_path ${t}/proxy;
    fastcgi_temp_path ${t}/fastcgi;
    uwsgi_temp_path ${t}/uwsgi;
    scgi_temp_path ${t}/scgi;
    include site.conf;
}
`,
  );
  const args = ['-p', `${prefix}/`, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'logs/error.log')];

  const check = spawnSync(bin, [...args, '-t'], { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx -t failed:\n${check.stderr}`);
  assert.doesNotMatch(check.stderr, /\[(warn|emerg|alert|crit|error)\]/, `nginx -t warns about deploy/nginx.conf:\n${check.stderr}`);

  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
  let gone = false;
  exited.then(() => (gone = true));

  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (gone) throw new Error(`nginx exited at start:\n${output}\n${readLog(prefix)}`);
    try {
      await fetch(`${origin}${BASE}`);
      break;
    } catch {
      if (i > 100) throw new Error(`nginx did not answer on ${origin}:\n${output}\n${readLog(prefix)}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  return {
    origin,
    url: `${origin}${BASE}`,
    prefix,
    log: () => readLog(prefix),
    /** Graceful stop (SIGQUIT), then the exit status. */
    async stop() {
      if (!gone) child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const how = await exited;
      clearTimeout(timer);
      return how;
    },
  };
}

function readLog(prefix) {
  const file = join(prefix, 'logs/error.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** A raw GET: status, headers and the body exactly as sent (not decompressed). */
function get(url, headers = {}) {
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

/** Every file of the built site, as paths relative to it (a/b/index.html). */
function siteFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/** The CSP of the pages' <meta>, as a map directive → value. */
function directives(policy) {
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
let metaPolicy;

function assertSecurityHeaders(res, what) {
  const csp = res.headers['content-security-policy'];
  assert.ok(csp, `${what}: no Content-Security-Policy header`);
  const sent = directives(csp);
  for (const [name, value] of metaPolicy) {
    assert.equal(sent.get(name), value, `${what}: the header's ${name} differs from the pages' <meta> CSP`);
  }
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
  assert.ok(res.headers['referrer-policy'], `${what}: no Referrer-Policy`);
}

before(async () => {
  dist = buildPublished();
  const home = readFileSync(join(dist, 'index.html'), 'utf8');
  const meta = home.match(/<meta content="([^"]+)" http-equiv=Content-Security-Policy>/) ?? home.match(/http-equiv="?Content-Security-Policy"? content="([^"]+)"/);
  assert.ok(meta, 'the home page has a CSP <meta>');
  metaPolicy = directives(meta[1]);
  nginx = await startNginx(dist);
});

after(async () => {
  await browser?.close();
  await testServer?.close();
  if (nginx) {
    const how = await nginx.stop();
    // A graceful stop exits with status 0 (SIGQUIT is handled by nginx).
    assert.equal(how.code, 0, `nginx did not stop cleanly: ${JSON.stringify(how)}\n${nginx.log()}`);
  }
});

test('every file of dist answers 200 with its type in UTF-8, its bytes, and the security headers', async () => {
  const files = siteFiles(dist);
  assert.ok(files.length > 300, `${files.length} files`);
  for (const file of files) {
    const type = TYPES[extname(file)];
    assert.ok(type, `a file nginx is not tested for: ${file}`);
    const urls = [`${nginx.url}${file}`];
    if (file.endsWith('index.html')) urls.push(`${nginx.url}${file.slice(0, -'index.html'.length)}`);
    for (const url of urls) {
      const res = await get(url);
      assert.equal(res.status, 200, `${url}: ${res.status}`);
      assert.match(res.headers['content-type'] ?? '', type, `${url}: Content-Type`);
      assert.ok(res.body.equals(readFileSync(join(dist, file))), `${url}: the body is not the file`);
      assertSecurityHeaders(res, url);
      const cache = file.startsWith('static/') ? LONG_CACHE : SHORT_CACHE;
      assert.equal(res.headers['cache-control'], cache, `${url}: Cache-Control`);
    }
  }
});

test('the hashed assets are the only ones cached for a year', async () => {
  const assets = readdirSync(join(dist, 'static'));
  assert.ok(assets.length >= 3);
  for (const name of assets) {
    assert.match(name, /\.[0-9a-f]{10}\.(css|js)$/, `static/${name} has no content hash in its name`);
    const res = await get(`${nginx.url}static/${name}`);
    assert.equal(res.headers['cache-control'], LONG_CACHE);
  }
  for (const path of ['', 'basic/', 'search/index.json', 'data/matters.csv', 'sitemap.xml', '404.html']) {
    assert.equal((await get(`${nginx.url}${path}`)).headers['cache-control'], SHORT_CACHE, path);
  }
});

test("a missing page answers 404 with the site's 404 page and the headers", async () => {
  const page404 = readFileSync(join(dist, '404.html'));
  for (const path of ['no/such/page/', 'matters/basic-999/', 'nothing.html', 'static/style.0000000000.css', 'data/']) {
    const res = await get(`${nginx.url}${path}`);
    assert.equal(res.status, 404, path);
    assert.match(res.headers['content-type'], TYPES['.html'], path);
    assert.ok(res.body.equals(page404), `${path}: the body is not the site's 404.html`);
    assertSecurityHeaders(res, path);
    // A 404 must not be cached for a year, not even under static/.
    assert.equal(res.headers['cache-control'], SHORT_CACHE, path);
  }
});

test('a page asked for without its final slash is redirected to it', async () => {
  const res = await get(`${nginx.url}basic`);
  assert.equal(res.status, 301);
  assert.equal(res.headers.location, `${BASE}basic/`);
  assertSecurityHeaders(res, 'redirect');
});

test('the search data and other text are sent gzip-encoded when the client accepts gzip', async () => {
  for (const path of ['search/index.json', 'data/matters.json', 'data/matters.csv', 'sitemap.xml', 'matters/basic-001/']) {
    const file = join(dist, path.endsWith('/') ? `${path}index.html` : path);
    const zipped = await get(`${nginx.url}${path}`, { 'accept-encoding': 'gzip' });
    assert.equal(zipped.status, 200, path);
    assert.equal(zipped.headers['content-encoding'], 'gzip', `${path}: not gzip-encoded`);
    assert.match(zipped.headers.vary ?? '', /Accept-Encoding/i, `${path}: no Vary: Accept-Encoding`);
    const content = readFileSync(file);
    assert.ok(gunzipSync(zipped.body).equals(content), `${path}: the gzip body is not the file`);
    if (path === 'search/index.json') assert.ok(zipped.body.length < content.length / 2, `search index: ${zipped.body.length} of ${content.length} bytes`);
    const plain = await get(`${nginx.url}${path}`);
    assert.equal(plain.headers['content-encoding'], undefined, `${path}: encoded for a client that did not ask`);
    assert.ok(plain.body.equals(content), path);
  }
});

test('a precompressed file (name.gz beside name) is sent as it is', async () => {
  // The build does not write .gz files yet; the configuration is ready for
  // them (gzip_static). A file written here stands in for one.
  const file = join(dist, 'search/index.json');
  const gz = `${file}.gz`;
  const bytes = gzipSync(readFileSync(file), { level: 9 });
  writeFileSync(gz, bytes);
  try {
    const res = await get(`${nginx.url}search/index.json`, { 'accept-encoding': 'gzip, br' });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.headers['content-length'], String(bytes.length), 'not the precompressed file');
    assert.ok(res.body.equals(bytes));
    assert.match(res.headers['content-type'], TYPES['.json']);
    assertSecurityHeaders(res, 'precompressed');
  } finally {
    rmSync(gz);
  }
});

test("a search engine's view: robots.txt leads to sitemap.xml, which lists every page exactly once with its full URL", async () => {
  const robots = (await get(`${nginx.url}robots.txt`)).body.toString('utf8');
  const line = robots.match(/^Sitemap:\s*(\S+)\s*$/m);
  assert.ok(line, robots);
  assert.equal(line[1], `${PORTAL}${BASE}sitemap.xml`);
  const sitemapUrl = new URL(line[1]);
  const sitemap = await get(`${nginx.origin}${sitemapUrl.pathname}`);
  assert.equal(sitemap.status, 200);
  const xml = sitemap.body.toString('utf8');
  assert.match(xml, /<urlset xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/);
  const locs = [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  assert.equal(new Set(locs).size, locs.length, 'a URL is listed twice');
  for (const loc of locs) assert.ok(loc.startsWith(`${PORTAL}${BASE}`), `not a full URL of the column: ${loc}`);
  const pages = siteFiles(dist)
    .filter((f) => f.endsWith('index.html'))
    .map((f) => `${PORTAL}${BASE}${f.slice(0, -'index.html'.length)}`)
    .sort();
  assert.deepEqual([...locs].sort(), pages, 'the sitemap does not list exactly the pages of the site');
  for (const loc of locs) {
    const res = await get(`${nginx.origin}${new URL(loc).pathname}`);
    assert.equal(res.status, 200, loc);
    assert.match(res.headers['content-type'], TYPES['.html'], loc);
  }
});

test('search in Chromium finds the same matters through nginx as through the test server', async () => {
  const matters = JSON.parse(readFileSync(join(dist, 'data/matters.json'), 'utf8'));
  testServer = await serve(dist, BASE);
  browser = await launch();
  const problems = [];
  const page = await browser.newPage();
  // The browser's own request for /favicon.ico at the origin's root is the
  // portal's business (outside the column), so it is not counted.
  page.on('console', (m) => {
    if (m.type() === 'error' && new URL(m.location().url || 'about:blank').pathname !== '/favicon.ico') problems.push(`console: ${m.text()} ${m.location().url}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()}: ${r.url()}`));
  async function resultsAt(url, q) {
    await page.goto(`${url}search/?q=${encodeURIComponent(q)}`);
    await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
    return (await page.$$eval('#search-results .result h2 a', (as) => as.map((a) => a.getAttribute('href')))).sort();
  }
  for (const q of ['低保', '宅基地', '高龄津贴', '疏附县水利局', '消防 宣传', 'dibao', '不存在的词语']) {
    const throughNginx = await resultsAt(nginx.url, q);
    const throughTest = await resultsAt(testServer.url, q);
    assert.deepEqual(throughNginx, throughTest, `query ${q}`);
    if (q !== 'dibao') assert.deepEqual(throughNginx, exactMatches(matters, q, normalize), `query ${q}`);
  }
  assert.ok((await resultsAt(nginx.url, '低保')).length > 0);
  // A page opened through nginx loads its style and scripts under the
  // header CSP as well as the <meta> one.
  await page.goto(`${nginx.url}matters/basic-001/`);
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).lineHeight), 'normal');
  await page.close();
  assert.deepEqual(problems, []);
});
