// The three server configurations in deploy/ say the same thing: the
// Content-Security-Policy of the theme's <meta> (plus frame-ancestors), the
// same security headers and the column's 404 page. nginx and Apache are run
// by their own tests; this keeps the IIS file, which no test can run, in
// step with them and with the theme.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { repo } from './site.mjs';

const read = (p) => readFileSync(join(repo, p), 'utf8');
const meta = read('theme/templates/base.html').match(/http-equiv="Content-Security-Policy" content="([^"]+)"/);
const POLICY = `${meta?.[1]}; frame-ancestors 'self'`;
const FILES = {
  'deploy/nginx.conf': { csp: (p) => `add_header Content-Security-Policy "${p}" always;`, times: 2 },
  'deploy/apache.conf': { csp: (p) => `Header always set Content-Security-Policy "${p}"`, times: 1 },
  'deploy/web.config': { csp: (p) => `<add name="Content-Security-Policy" value="${p}" />`, times: 1 },
};

test("every deploy file sends the theme's CSP as a header", () => {
  assert.ok(meta, 'theme/templates/base.html has no CSP <meta>');
  for (const [file, { csp, times }] of Object.entries(FILES)) {
    const text = read(file);
    assert.equal(text.split(csp(POLICY)).length - 1, times, `${file}: the CSP header is not the theme's policy (${POLICY})`);
  }
});

test('every deploy file sends the same other headers and the 404 page', () => {
  for (const file of Object.keys(FILES)) {
    const text = read(file);
    for (const needle of ['nosniff', 'strict-origin-when-cross-origin', 'SAMEORIGIN', '/zwgk/lzqd/404.html', 'immutable', 'no-cache', 'text/csv']) {
      assert.ok(text.includes(needle), `${file} lacks ${needle}`);
    }
  }
});

test('web.config is well-formed enough for IIS: no "--" inside comments, tags balanced', () => {
  const text = read('deploy/web.config');
  for (const comment of text.match(/<!--[\s\S]*?-->/g) ?? []) {
    assert.ok(!comment.slice(4, -3).includes('--'), `"--" inside an XML comment: ${comment.slice(0, 80)}`);
  }
  const body = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?xml[^>]*\?>/, '');
  const stack = [];
  for (const [, close, name, self] of body.matchAll(/<(\/?)([A-Za-z.]+)[^>]*?(\/?)>/g)) {
    if (self) continue;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else stack.push(name);
  }
  assert.deepEqual(stack, []);
});

test('docs/部署.md shows deploy/nginx.conf word for word', () => {
  const guide = read('docs/部署.md');
  const block = guide.match(/\*\*`deploy\/nginx\.conf`\*\*[^\n]*\n+```nginx\n([\s\S]*?)```\n/);
  assert.ok(block, 'docs/部署.md has no ```nginx block after **`deploy/nginx.conf`**');
  assert.equal(block[1], read('deploy/nginx.conf'), 'the nginx configuration in docs/部署.md differs from deploy/nginx.conf: copy the file into the guide');
  for (const file of ['deploy/apache.conf', 'deploy/web.config']) assert.ok(guide.includes(file), `docs/部署.md does not mention ${file}`);
});
