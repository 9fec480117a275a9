// The site behind Debian's Apache httpd with deploy/apache.conf as it
// stands (only the folder /srv/www/zwgk/lzqd is replaced), included in a
// minimal server configuration on a free loopback port: the syntax check
// passes, every file answers with its type in UTF-8, missing pages get the
// site's 404 page, the cache, compression and security headers are right.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';

import {
  BASE,
  LONG_CACHE,
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
import { repo } from './site.mjs';

const CONFIG = join(repo, 'deploy/apache.conf');
const MODULES = '/usr/lib/apache2/modules';

let dist;
let policy;
let apache;

before(async () => {
  const bin = findBinary('APACHE2', ['/usr/sbin/apache2'], 'apt-get install apache2 (tests/run.sh installs it); deploy/apache.conf cannot be tested without it');
  dist = buildPublished();
  policy = metaPolicy(dist);

  const prefix = mkdtempSync(join(tmpdir(), 'qingdan-apache-'));
  const column = join(prefix, 'www', BASE).replace(/\/$/, '');
  mkdirSync(dirname(column), { recursive: true });
  symlinkSync(dist, column, 'dir');
  mkdirSync(join(prefix, 'logs'));
  mkdirSync(join(prefix, 'empty'));
  // Apache started by root serves as `nobody`: the files must be readable by others.
  for (const dir of [prefix, join(prefix, 'www'), dirname(column), dirname(dist)]) chmodSync(dir, 0o755);

  const original = readFileSync(CONFIG, 'utf8');
  assert.match(original, /\/srv\/www\/zwgk\/lzqd/);
  writeFileSync(join(prefix, 'site.conf'), original.replaceAll('/srv/www/zwgk/lzqd', column));
  const port = await freePort();
  const modules = ['mpm_event', 'authz_core', 'alias', 'dir', 'mime', 'headers', 'filter', 'deflate'];
  // What a Debian or CentOS server has around the portal's virtual host.
  writeFileSync(
    join(prefix, 'httpd.conf'),
    `ServerRoot ${prefix}
ServerName 127.0.0.1
Listen 127.0.0.1:${port}
PidFile ${prefix}/httpd.pid
DefaultRuntimeDir ${prefix}
Mutex file:${prefix} default
ErrorLog ${prefix}/logs/error.log
LogLevel warn
${process.getuid?.() === 0 ? 'User nobody\nGroup nogroup\n' : ''}${modules.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`).join('\n')}
TypesConfig /etc/mime.types
DocumentRoot ${prefix}/empty
<Directory />
    Require all denied
    AllowOverride None
</Directory>
Include ${prefix}/site.conf
`,
  );
  const args = ['-f', join(prefix, 'httpd.conf')];
  const check = run(bin, [...args, '-t'], 'apache2 -t');
  assert.match(check, /Syntax OK/);
  assert.doesNotMatch(check, /AH\d+/, `apache2 -t warns about deploy/apache.conf:\n${check}`);
  // -X: one process in the foreground; SIGTERM stops it.
  const origin = `http://127.0.0.1:${port}`;
  apache = { ...(await startServer({ bin, args: [...args, '-X'], url: `${origin}${BASE}`, errorLog: join(prefix, 'logs/error.log'), signal: 'SIGTERM' })), url: `${origin}${BASE}` };
});

after(async () => {
  if (apache) {
    const how = await apache.stop();
    assert.ok(how.code === 0 || how.signal === 'SIGTERM', `apache2 did not stop cleanly: ${JSON.stringify(how)}\n${apache.log()}`);
  }
});

test('every file of dist answers 200 through Apache with its type in UTF-8, its bytes and the headers', async () => {
  const files = siteFiles(dist);
  assert.ok(files.length > 300, `${files.length} files`);
  for (const file of files) {
    const urls = [`${apache.url}${file}`];
    if (file.endsWith('index.html')) urls.push(`${apache.url}${file.slice(0, -'index.html'.length)}`);
    for (const url of urls) {
      const res = await get(url);
      assert.equal(res.status, 200, `${url}: ${res.status}`);
      assert.match(res.headers['content-type'] ?? '', TYPES[extname(file)], `${url}: Content-Type`);
      assert.ok(res.body.equals(readFileSync(join(dist, file))), `${url}: the body is not the file`);
      assertSecurityHeaders(res, policy, url);
      assert.equal(res.headers['cache-control'], file.startsWith('static/') ? LONG_CACHE : SHORT_CACHE, `${url}: Cache-Control`);
    }
  }
});

test("a missing page answers 404 through Apache with the site's 404 page", async () => {
  const page404 = readFileSync(join(dist, '404.html'));
  for (const path of ['no/such/page/', 'matters/basic-999/', 'nothing.html', 'static/style.0000000000.css']) {
    const res = await get(`${apache.url}${path}`);
    assert.equal(res.status, 404, path);
    assert.match(res.headers['content-type'], TYPES['.html'], path);
    assert.ok(res.body.equals(page404), `${path}: the body is not the site's 404.html`);
    assertSecurityHeaders(res, policy, path);
    assert.equal(res.headers['cache-control'], SHORT_CACHE, path);
  }
  // A folder without index.html: 403 or 404 (with or without mod_autoindex), the 404 page either way.
  const folder = await get(`${apache.url}data/`);
  assert.ok([403, 404].includes(folder.status), `data/: ${folder.status}`);
  assert.ok(folder.body.equals(page404));
});

test('hidden files (the build marker, leftovers) are not served by Apache', async () => {
  await assertHiddenFilesNotServed(dist, apache.url, policy);
});

test('a page asked for without its final slash is redirected to it', async () => {
  const res = await get(`${apache.url}basic`);
  assert.equal(res.status, 301);
  assert.equal(new URL(res.headers.location).pathname, `${BASE}basic/`);
  const column = await get(apache.url.replace(/\/$/, ''));
  assert.equal(column.status, 301, 'the column without its final slash');
  assert.equal(new URL(column.headers.location, apache.url).pathname, BASE);
});

test('the search data is sent gzip-encoded through Apache when the client accepts gzip', async () => {
  for (const path of ['search/t/0.json', 'data/matters.csv', 'matters/basic-001/']) {
    const file = join(dist, path.endsWith('/') ? `${path}index.html` : path);
    const zipped = await get(`${apache.url}${path}`, { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip', `${path}: not gzip-encoded`);
    assert.ok(gunzipSync(zipped.body).equals(readFileSync(file)), path);
    assert.match(zipped.headers.vary ?? '', /Accept-Encoding/i, path);
    const plain = await get(`${apache.url}${path}`);
    assert.equal(plain.headers['content-encoding'], undefined, path);
  }
});
