// A county-sized list is split into pages (site.toml `page_size`): on the
// real content with 20 rows a page, a reader on a phone pages through a
// list, follows a jump link to a category that begins on another page, and
// every control is large enough to tap; axe finds nothing on a later page.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import { pagedCopy, siteInBrowser } from './site.mjs';

const BASE = '/zwgk/lzqd/';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const live = siteInBrowser(BASE, pagedCopy(20));

async function phone(width = 375) {
  const ctx = await live.browser.newContext({ viewport: { width, height: 812 } });
  const page = await ctx.newPage();
  page.close = () => ctx.close();
  return page;
}

const firstSeq = (page) => page.locator('table.matters tbody tr .col-seq').first().textContent();

test('a reader pages through the basic list with 下一页, the page numbers and 上一页', async () => {
  const page = await phone();
  await page.goto(`${live.server.url}basic/`);
  assert.match(await page.locator('.page-date').textContent(), /共 132 项 · 第 1 页，共 7 页/);
  assert.equal(await firstSeq(page), '1');
  await page.getByRole('link', { name: '下一页' }).click();
  assert.equal(new URL(page.url()).pathname, `${BASE}basic/page/2/`);
  assert.equal(await firstSeq(page), '21');
  assert.equal(await page.locator('h1').textContent(), '基本履职事项清单（第 2 页）');
  assert.match(await page.title(), /^基本履职事项清单（第 2 页） - /);
  await page.getByRole('link', { name: '第 7 页' }).click();
  assert.equal(await firstSeq(page), '121');
  assert.equal(await page.locator('table.matters tbody tr').count(), 12);
  assert.equal(await page.getByRole('link', { name: '下一页' }).count(), 0, 'no next page after the last');
  await page.getByRole('link', { name: '上一页' }).click();
  assert.equal(new URL(page.url()).pathname, `${BASE}basic/page/6/`);
  // The current page is marked for screen readers, and the breadcrumb leads back to the first page.
  assert.equal(await page.locator('.pagination a[aria-current="page"]').textContent(), '6');
  await page.locator('.breadcrumbs a', { hasText: '基本履职事项清单' }).click();
  assert.equal(new URL(page.url()).pathname, `${BASE}basic/`);
  await page.close();
});

test('a jump link leads to the page where its category begins, scrolled to it', async () => {
  const page = await phone();
  await page.goto(`${live.server.url}basic/`);
  await page.click('.jump summary');
  // 综合政务 begins at 125, on page 7.
  await page.locator('.jump a', { hasText: '综合政务' }).click();
  assert.equal(new URL(page.url()).pathname, `${BASE}basic/page/7/`);
  assert.equal(new URL(page.url()).hash, '#cat-zhengwu');
  await page.waitForLoadState('load');
  // The browser scrolls to the fragment once the page is laid out.
  const scrolled = await page
    .waitForFunction(() => Math.abs(document.querySelector('#cat-zhengwu').getBoundingClientRect().top) < 60, null, { timeout: 5000 })
    .then(() => true, () => false);
  const top = await page.evaluate(() => document.querySelector('#cat-zhengwu').getBoundingClientRect().top);
  assert.ok(scrolled, `scrolled to the category (${top})`);
  assert.equal(await page.locator('#cat-zhengwu .col-seq').textContent(), '125');
  await page.close();
});

test('a county department pages through what it shares with the township, and its counts lead to each part', async () => {
  const page = await phone();
  // 疏附县住房和城乡建设局: 12 cooperative and 12 revoked matters, 5 a page.
  await page.goto(`${live.server.url}departments/zhujian/`);
  assert.match(await page.locator('.page-date').textContent(), /第 1 页，共 5 页/);
  assert.equal(await page.locator('article.xref').count(), 5);
  await page.getByRole('link', { name: /收回事项 12 项/ }).click();
  assert.equal(new URL(page.url()).pathname, `${BASE}departments/zhujian/page/3/`);
  assert.equal(new URL(page.url()).hash, '#rev-h');
  assert.equal(await page.locator('#rev-h').textContent(), '上级部门收回事项（12 项）');
  // The cooperative part ends on this page, above the revoked one.
  assert.equal(await page.locator('#coop-h').textContent(), '配合履职事项（12 项，续上页）');
  await page.getByRole('link', { name: '下一页' }).click();
  assert.equal(new URL(page.url()).pathname, `${BASE}departments/zhujian/page/4/`);
  assert.equal(await page.locator('h1').textContent(), '疏附县住房和城乡建设局（第 4 页）');
  assert.equal(await page.locator('#rev-h').textContent(), '上级部门收回事项（12 项，续上页）');
  // The counts are the department's whole on every page; the cooperative
  // one leads back to the first page.
  await page.getByRole('link', { name: /配合履职事项 12 项/ }).click();
  assert.equal(new URL(page.url()).pathname, `${BASE}departments/zhujian/`);
  await page.close();
});

test('pagers are large enough to tap, fit a 320 px phone, and axe finds no violation', async () => {
  for (const width of [375, 320]) {
    const page = await phone(width);
    for (const path of ['basic/page/3/', 'categories/dangjian/page/2/', 'cooperative/', 'departments/zhujian/page/3/']) {
      await page.goto(`${live.server.url}${path}`);
      const sizes = await page.locator('.pagination a').evaluateAll((as) => as.map((a) => [a.textContent, a.getBoundingClientRect().width, a.getBoundingClientRect().height]));
      assert.ok(sizes.length >= 3, `${path}: pager links`);
      for (const [text, w, h] of sizes) assert.ok(w >= 44 && h >= 44, `${path} at ${width}px: “${text}” is ${w}×${h}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${path}: wider than ${width}px`);
      if (width === 375) {
        await page.evaluate(axeSource);
        const violations = await page.evaluate(async () => {
          /* eslint-disable no-undef */
          const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
          /* eslint-enable no-undef */
          return r.violations.map((v) => `${v.id}: ${v.help}`);
        });
        assert.deepEqual(violations, [], `axe on ${path}`);
      }
    }
    await page.close();
  }
});
