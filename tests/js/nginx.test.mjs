// The site published as the portal publishes it: Debian's nginx with
// deploy/nginx.conf (the file docs/部署.md tells the web administrator to
// use, changed here only in its port and folder), the real site built for
// the column /zwgk/lzqd/ with the portal's url, on a free loopback port.
// Every file answers with the right type and headers, missing pages get the
// site's 404 page, the search data is sent compressed, a search engine finds
// every page once through robots.txt and sitemap.xml, and search in headless
// Chromium finds the same matters through nginx as through the test server.

import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';

import { normalize } from '../../theme/static/search.js';
import {
  BASE,
  LONG_CACHE,
  PORTAL,
  SHORT_CACHE,
  TYPES,
  assertHiddenFilesNotServed,
  assertSecurityHeaders,
  buildPublished,
  findBinary,
  freePort,
  get,
  metaPolicy,
  run,
  siteFiles,
  startServer,
} from './published.mjs';
import { exactMatches, launch, repo, serve } from './site.mjs';

const CONFIG = join(repo, 'deploy/nginx.conf');

let dist;
let policy;
let nginx;
let testServer;
let browser;

/**
 * Starts nginx in the foreground with deploy/nginx.conf, as the portal's
 * http {} block would include it, its files in `/srv/www/zwgk/lzqd` made a
 * symbolic link to `dist` under a temporary root.
 */
async function startNginx(dist) {
  const bin = findBinary('NGINX', ['/usr/sbin/nginx'], 'apt-get install nginx (tests/run.sh installs it); deploy/nginx.conf cannot be tested without it');
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
  const portalLine = "    # ... the portal's own configuration (its root, other columns) stays ...";
  assert.ok(original.includes(portalLine), `deploy/nginx.conf must contain the line: ${portalLine}`);
  mkdirSync(join(prefix, 'portal'));
  const site = original
    .replace(/^(\s*)listen 80;$/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^(\s*)root \/srv\/www;$/m, `$1root ${www};`)
    // The portal's own configuration, as portals have it: a root of its own
    // and a regular-expression location for styles and scripts, which must
    // not take the column's files.
    .replace(
      portalLine,
      `    root ${join(prefix, 'portal')};
    location ~* \\.(css|js|json|html|xml|txt|csv)$ {
        add_header X-Portal "regex location" always;
        expires 30d;
    }`,
    );
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

  const check = run(bin, [...args, '-t'], 'nginx -t');
  assert.doesNotMatch(check, /\[(warn|emerg|alert|crit|error)\]/, `nginx -t warns about deploy/nginx.conf:\n${check}`);

  const origin = `http://127.0.0.1:${port}`;
  // SIGQUIT: nginx's graceful stop.
  const server = await startServer({ bin, args, url: `${origin}${BASE}`, errorLog: join(prefix, 'logs/error.log'), signal: 'SIGQUIT' });
  return { ...server, origin, url: `${origin}${BASE}` };
}

before(async () => {
  dist = buildPublished();
  policy = metaPolicy(dist);
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
      assertSecurityHeaders(res, policy, url);
      assert.equal(res.headers['x-portal'], undefined, `${url}: answered by the portal's own location`);
      const cache = file.startsWith('static/') ? LONG_CACHE : SHORT_CACHE;
      assert.equal(res.headers['cache-control'], cache, `${url}: Cache-Control`);
    }
  }
});

test('the hashed assets are the only ones cached for a year', async () => {
  const assets = readdirSync(join(dist, 'static'));
  assert.ok(assets.length >= 3);
  for (const name of assets) {
    assert.match(name, /\.[0-9a-f]{10}\.(css|js|svg)$/, `static/${name} has no content hash in its name`);
    const res = await get(`${nginx.url}static/${name}`);
    assert.equal(res.headers['cache-control'], LONG_CACHE);
  }
  for (const path of ['', 'basic/', 'search/t/0.json', 'data/matters.csv', 'sitemap.xml', '404.html']) {
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
    assertSecurityHeaders(res, policy, path);
    // A 404 must not be cached for a year, not even under static/.
    assert.equal(res.headers['cache-control'], SHORT_CACHE, path);
  }
});

test('hidden files (the build marker, leftovers) are not served', async () => {
  await assertHiddenFilesNotServed(dist, nginx.url, policy);
});

test('a page asked for without its final slash is redirected to it', async () => {
  const res = await get(`${nginx.url}basic`);
  assert.equal(res.status, 301);
  assert.equal(res.headers.location, `${BASE}basic/`);
  assertSecurityHeaders(res, policy, 'redirect');
  // The column itself, typed or linked without the slash.
  const column = await get(`${nginx.url.replace(/\/$/, '')}?x=1`);
  assert.equal(column.status, 301, 'the column without its final slash');
  assert.equal(column.headers.location, `${BASE}?x=1`);
});

test('the search data and other text are sent gzip-encoded when the client accepts gzip', async () => {
  for (const path of ['search/t/0.json', 'data/matters.json', 'data/matters.csv', 'sitemap.xml', 'matters/basic-001/']) {
    const file = join(dist, path.endsWith('/') ? `${path}index.html` : path);
    const zipped = await get(`${nginx.url}${path}`, { 'accept-encoding': 'gzip' });
    assert.equal(zipped.status, 200, path);
    assert.equal(zipped.headers['content-encoding'], 'gzip', `${path}: not gzip-encoded`);
    assert.match(zipped.headers.vary ?? '', /Accept-Encoding/i, `${path}: no Vary: Accept-Encoding`);
    const content = readFileSync(file);
    assert.ok(gunzipSync(zipped.body).equals(content), `${path}: the gzip body is not the file`);
    if (path === 'search/t/0.json') assert.ok(zipped.body.length < content.length / 2, `search shard: ${zipped.body.length} of ${content.length} bytes`);
    const plain = await get(`${nginx.url}${path}`);
    assert.equal(plain.headers['content-encoding'], undefined, `${path}: encoded for a client that did not ask`);
    assert.ok(plain.body.equals(content), path);
  }
});

test('the precompressed files the build writes (name.gz beside name) are sent as they are', async () => {
  for (const path of ['search/t/0.json', 'data/matters.json', 'data/matters.csv']) {
    const res = await get(`${nginx.url}${path}`, { 'accept-encoding': 'gzip, br' });
    assert.equal(res.headers['content-encoding'], 'gzip', path);
    assert.ok(res.body.equals(readFileSync(join(dist, `${path}.gz`))), `${path}: not the prebuilt .gz (gzip_static)`);
    assert.ok(gunzipSync(res.body).equals(readFileSync(join(dist, path))), `${path}: the .gz is not the file`);
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
    const links = (sel) => page.$$eval(sel, (as) => as.map((a) => a.getAttribute('href')));
    return { all: await links('#search-results .result h2 a'), exact: (await links('#search-results .result[data-match="exact"] h2 a')).sort() };
  }
  for (const q of ['低保', '宅基地', '高龄津贴', '疏附县水利局', '消防 宣传', 'dibao', '不存在的词语']) {
    const throughNginx = await resultsAt(nginx.url, q);
    const throughTest = await resultsAt(testServer.url, q);
    assert.deepEqual(throughNginx, throughTest, `query ${q}`);
    assert.deepEqual(throughNginx.exact, exactMatches(matters, q, normalize), `query ${q}`);
  }
  assert.ok((await resultsAt(nginx.url, '低保')).all.length > 0);
  assert.ok((await resultsAt(nginx.url, 'dibao')).all.length > 0);
  // A page opened through nginx loads its style and scripts under the
  // header CSP as well as the <meta> one.
  await page.goto(`${nginx.url}matters/basic-001/`);
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).lineHeight), 'normal');
  await page.close();
  assert.deepEqual(problems, []);
});
