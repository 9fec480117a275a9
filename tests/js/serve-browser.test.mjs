// `qingdan serve` in headless Chromium: a page reloads itself after an
// edit, shows the error page while the file is broken and comes back once
// fixed; the reload script obeys the site's Content-Security-Policy.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { fixtureCopy, launch, startServe } from './site.mjs';

const BASE = '/zwgk/lzqd/';
const WAIT = 60000;

let site;
let server;
let browser;

before(async () => {
  site = fixtureCopy();
  server = await startServe({ root: site, basePath: BASE });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function edit(file, from, to) {
  const path = join(site, file);
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(from), `${file} has ${from}`);
  writeFileSync(path, text.replace(from, to));
}

test('an open page reloads itself after an edit, and after a broken file is fixed', async () => {
  const page = await browser.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await page.goto(`${server.url}matters/basic-001/`);
  assert.equal(await page.locator('h1').first().textContent(), '加强基层党组织建设');
  // The stream is open before the edit (the script connects on load).
  await page.waitForFunction(() => document.documentElement.dataset.qingdanReload === 'connected', null, { timeout: WAIT });

  edit('content/basic/001.md', '加强基层党组织建设', '加强和改进基层党组织建设');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === '加强和改进基层党组织建设', null, { timeout: WAIT });
  // A new document, loaded by location.reload(), not the old one patched.
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.type), 'reload');

  // Broken: the page turns into the error page by itself ...
  edit('content/basic/001.md', 'seq = 1', 'seq = "一"');
  await page.waitForFunction(() => document.body?.classList.contains('qd-error-page'), null, { timeout: WAIT });
  const error = await page.locator('main').textContent();
  assert.match(error, /content\/basic\/001\.md:3/);
  assert.match(error, /怎样改/);
  // ... and back once fixed.
  edit('content/basic/001.md', 'seq = "一"', 'seq = 1');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === '加强和改进基层党组织建设', null, { timeout: WAIT });
  assert.deepEqual(violations, []);
  await page.close();
});

test('the worklist and the note box render in the browser', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}_review/`);
  assert.equal(await page.locator('h1').first().textContent(), '待核实清单');
  await page.getByRole('link', { name: /收养登记/ }).click();
  await page.waitForURL(/matters\/revoked-001\/$/);
  const note = page.locator('.qd-note');
  assert.match(await note.textContent(), /事项类别原文为空，待核实。/);
  assert.ok(await note.isVisible());
  await page.close();
});

test('a tab in the background lets go of its stream and reloads when shown again', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}matters/basic-002/`);
  const connected = () => page.waitForFunction(() => document.documentElement.dataset.qingdanReload === 'connected', null, { timeout: WAIT });
  await connected();
  const setHidden = (hidden) => page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
  await setHidden(true);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.qingdanReload), undefined);
  edit('content/basic/002.md', '临时救助的申请受理、初审', '临时救助的申请受理和初审');
  // The server has rebuilt; the hidden tab, without a stream, has not reloaded.
  const deadline = Date.now() + WAIT;
  while (!(await (await fetch(`${server.url}matters/basic-002/`)).text()).includes('临时救助的申请受理和初审')) {
    assert.ok(Date.now() < deadline, 'the edit was never served');
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(await page.locator('h1').first().textContent(), '临时救助的申请受理、初审');
  // Shown again: it learns of the rebuild on reconnecting and reloads.
  await setHidden(false);
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === '临时救助的申请受理和初审', null, { timeout: WAIT });
  await page.close();
});
