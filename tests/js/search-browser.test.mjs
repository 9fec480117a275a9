// A person searching in headless Chromium: type, read the results, filter,
// use the keyboard and the back button, under a base path.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { normalize } from '../../theme/static/search.js';
import { buildSite, exactMatches, fixtureCopy, launch, serve } from './site.mjs';

const BASE = '/zwgk/lzqd/';
let server;
let browser;
let matters;

before(async () => {
  const dist = buildSite({ basePath: BASE });
  matters = JSON.parse(readFileSync(join(dist, 'data/matters.json'), 'utf8'));
  server = await serve(dist, BASE);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the search page for `q` and returns the result links once ready. */
async function resultsFor(page, q, extra = '') {
  await page.goto(`${server.url}search/?q=${encodeURIComponent(q)}${extra}`);
  await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
  return page.$$eval('#search-results .result h2 a', (as) => as.map((a) => a.getAttribute('href')));
}

/** The results found with every part as typed (`data-match="exact"`). */
async function exactFor(page, q) {
  await resultsFor(page, q);
  return page.$$eval('#search-results .result[data-match="exact"] h2 a', (as) => as.map((a) => a.getAttribute('href')));
}

test('queries in the browser return exactly the matters that contain them', async () => {
  const page = await browser.newPage();
  for (const q of ['低保', '宅基地', '高龄津贴', '秸秆禁烧', '疏附县水利局', '民政局', '低', '12345', '消防 宣传', '不存在的词语']) {
    const got = (await exactFor(page, q)).sort();
    assert.deepEqual(got, exactMatches(matters, q, normalize), `query ${q}`);
    const kinds = await page.$$eval('#search-results > li', (lis) => lis.map((li) => li.dataset.match));
    for (const k of kinds) assert.ok(['exact', 'synonym', 'pinyin', 'suggested'].includes(k), `${q}: data-match=${k}`);
    // Exact results lead.
    assert.deepEqual(kinds.slice(0, got.length), got.map(() => 'exact'), q);
  }
  const status = await page.textContent('#search-status');
  assert.match(status, /没有找到包含“不存在的词语”的事项/);
  // Nothing found: the page offers the indexes and the contact page.
  for (const path of ['categories/', 'departments/', 'contact/']) assert.ok(await page.$(`.no-results a[href="${BASE}${path}"]`), path);
  await page.close();
});

test('a mistyped word is corrected: 宅机地 shows 宅基地 and its results', async () => {
  const page = await browser.newPage();
  const got = await resultsFor(page, '宅机地');
  assert.ok(got.includes(`${BASE}matters/basic-104/`), got.join(' '));
  assert.match(await page.textContent('#search-status'), /您是不是要找：“宅基地”/);
  const kinds = await page.$$eval('#search-results > li', (lis) => lis.map((li) => li.dataset.match));
  assert.ok(kinds.every((k) => k === 'suggested'), kinds.join(' '));
  // The suggestion is a link to that search.
  await page.click('.suggestions a');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === '宅基地');
  await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
  const exactNow = await page.$$eval('#search-results .result[data-match="exact"] h2 a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(exactNow.sort(), exactMatches(matters, '宅基地', normalize));
  await page.close();
});

test('results show title, list, category, departments and a highlighted snippet', async () => {
  const page = await browser.newPage();
  await resultsFor(page, '秸秆禁烧');
  const first = page.locator('#search-results .result').first();
  assert.match(await first.locator('.result-meta').textContent(), /配合履职事项 第 \d+ 项/);
  assert.ok((await first.locator('mark').count()) > 0);
  assert.match(await page.textContent('#search-status'), /找到 \d+ 个包含“秸秆禁烧”的事项/);
  await page.close();
});

test('a matter still under review is marked 核对中 in the results, as in the tables, and no other', async () => {
  const page = await browser.newPage();
  const status = Object.fromEntries(matters.map((m) => [m.url, m.status]));
  let marked = 0;
  let plain = 0;
  for (const q of ['民政局', '安全', '村', '服务']) {
    await resultsFor(page, q);
    const rows = await page.$$eval('#search-results .result h2', (hs) =>
      hs.map((h) => [h.querySelector('a').getAttribute('href'), h.querySelector('.badge')?.textContent ?? null]));
    assert.ok(rows.length > 0, q);
    for (const [href, badge] of rows) {
      assert.ok(status[href], `${q}: ${href} is a matter`);
      if (status[href] === 'reviewing') {
        assert.equal(badge, '核对中（部分内容正在与原件核对）', `${q}: ${href}`);
        marked += 1;
      } else {
        assert.equal(badge, null, `${q}: ${href}`);
        plain += 1;
      }
    }
  }
  assert.ok(marked >= 5 && plain >= 5, `${marked} marked, ${plain} not`);
  // Screen readers hear why; the eye sees the short mark, as in the tables.
  await resultsFor(page, '民政局');
  const hidden = await page.$eval('#search-results .result h2 .badge', (b) => b.querySelector('.visually-hidden')?.textContent);
  assert.equal(hidden, '（部分内容正在与原件核对）');
  await page.close();
});

test('filters narrow the results and are kept in the URL', async () => {
  const page = await browser.newPage();
  const all = await resultsFor(page, '民政局');
  await page.selectOption('select[name="list"]', 'revoked');
  await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
  const revoked = await page.$$eval('#search-results .result h2 a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(revoked.length > 0 && revoked.length < all.length);
  assert.ok(revoked.every((u) => u.includes('/matters/revoked-')));
  assert.match(page.url(), /list=revoked/);
  const byDept = await resultsFor(page, '高龄', '&department=' + encodeURIComponent('疏附县民政局'));
  assert.ok(byDept.length >= 1);
  await page.close();
});

test('pinyin finds 低保 and the home box leads to the results', async () => {
  const page = await browser.newPage();
  const got = await resultsFor(page, 'dibao');
  assert.ok(got.includes(`${BASE}matters/basic-036/`), got.join(' '));
  await page.goto(server.url);
  await page.fill('#home-q', '宅基地');
  await page.press('#home-q', 'Enter');
  await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
  assert.equal(new URL(page.url()).pathname, `${BASE}search/`);
  assert.equal(new URL(page.url()).searchParams.get('q'), '宅基地');
  assert.ok((await page.$$('#search-results .result')).length >= 1);
  await page.close();
});

test('the keyboard alone: / focuses the box, arrows move, Enter opens', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}search/`);
  await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
  await page.locator('h1').click();
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search-q');
  await page.keyboard.type('宅基地');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#search-results .result'));
  await page.keyboard.press('ArrowDown');
  const href = await page.evaluate(() => document.activeElement.getAttribute('href'));
  assert.match(href, /\/matters\//);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === href);
  await page.close();
});

test('the back button returns to the previous query', async () => {
  const page = await browser.newPage();
  await resultsFor(page, '低保');
  await page.fill('#search-q', '宅基地');
  await page.press('#search-q', 'Enter');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === '宅基地');
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#search-q').value === '低保');
  await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
  assert.match(await page.textContent('#search-status'), /低保/);
  await page.close();
});

test('without JavaScript the page says so and links to the indexes', async () => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`${server.url}search/?q=低保`);
  assert.match(await page.textContent('main'), /需要浏览器启用 JavaScript/);
  assert.ok(await page.$(`main a[href="${BASE}categories/"]`));
  assert.ok(await page.$(`main a[href="${BASE}departments/"]`));
  await ctx.close();
});

test('a title with markup is shown as text', async () => {
  const site = fixtureCopy();
  writeFileSync(
    join(site, 'content/basic/003.md'),
    '+++\nlist = "basic"\nseq = 3\ncategory = "民生服务"\ntitle = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>测试事项"\n+++\n',
  );
  const dist = buildSite({ root: site, basePath: '/' });
  const local = await serve(dist, '/');
  const page = await browser.newPage();
  await page.goto(`${local.url}search/?q=测试事项`);
  await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
  const text = await page.textContent('#search-results .result h2 a');
  assert.ok(text.includes('<script>window.pwned=1</script>'), text);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await page.close();
  await local.close();
});
