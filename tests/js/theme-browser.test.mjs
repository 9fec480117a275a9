// The theme as people meet it, in headless Chromium: accessibility (axe-core),
// phones down to 320 px, the reading aids, nothing fetched from elsewhere,
// the government footer and meta tags.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

import { buildSite, fixtureCopy, serve, siteInBrowser } from './site.mjs';

const BASE = '/zwgk/lzqd/';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const PAGES = {
  home: '',
  basic: 'basic/',
  cooperative: 'cooperative/',
  revoked: 'revoked/',
  categories: 'categories/',
  category: 'categories/minsheng/',
  departments: 'departments/',
  department: 'departments/minzheng/',
  'matter (cooperative)': 'matters/cooperative-020/',
  'matter (under review)': 'matters/cooperative-002/',
  'matter (revoked)': 'matters/revoked-001/',
  search: 'search/?q=%E4%BD%8E%E4%BF%9D',
  'search (many results)': 'search/?q=%E6%B0%91%E6%94%BF%E5%B1%80',
  '404': 'no/such/page/',
  sitemap: 'sitemap/',
  contact: 'contact/',
};

const live = siteInBrowser(BASE);

/** Opens `path`, recording requests and CSP violations; waits for search results. */
async function open(page, path) {
  const requests = [];
  const violations = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  await page.goto(live.server.url + path);
  if (path.startsWith('search/')) await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
  return { requests, violations };
}

for (const [name, path] of Object.entries(PAGES)) {
  test(`${name}: no axe violations, nothing from elsewhere, no CSP breach, one h1, meta tags`, async () => {
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const { requests, violations } = await open(page, path);
    await page.evaluate(axeSource);
    const result = await page.evaluate(() =>
      // eslint-disable-next-line no-undef
      axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
    );
    const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
    assert.deepEqual(found, [], `axe on ${path}`);
    assert.ok(result.passes.length > 10, 'axe ran its checks');
    const foreign = requests.filter((u) => !u.startsWith(live.server.origin));
    assert.deepEqual(foreign, [], 'requests to another origin');
    assert.deepEqual(violations, [], 'CSP violations');
    assert.equal(await page.locator('h1').count(), 1);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    for (const meta of ['SiteName', 'ColumnName', 'ColumnType', 'ArticleTitle', 'PubDate', 'ContentSource']) {
      assert.equal(await page.locator(`meta[name="${meta}"]`).count(), 1, `meta ${meta}`);
    }
    // The repository's site.toml sets neither url nor site_id_code: those
    // tags are left out, and no meta tag is ever written without a value.
    for (const meta of ['SiteDomain', 'SiteIDCode']) {
      assert.equal(await page.locator(`meta[name="${meta}"]`).count(), 0, `meta ${meta}`);
    }
    for (const content of await page.locator('meta[name]').evaluateAll((ms) => ms.map((m) => m.getAttribute('content')))) {
      assert.ok(content && content.trim(), `a meta tag with no value: ${content}`);
    }
    assert.match(await page.getAttribute('meta[name="PubDate"]', 'content'), /^\d{4}-\d{2}(-\d{2})?$/);
    assert.equal(await page.locator('[style]').count(), 0, 'no inline style attributes');
    assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
    await page.close();
  });
}

test('no horizontal scrolling at 320 px on any page type', async () => {
  const page = await live.browser.newPage({ viewport: { width: 320, height: 640 } });
  for (const [name, path] of Object.entries(PAGES)) {
    await open(page, path);
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    assert.ok(scroll <= client, `${name}: page is ${scroll}px wide in a ${client}px window`);
  }
  await page.close();
});

test('text size: three steps, the largest at least 20 px, kept across pages, by keyboard', async () => {
  const page = await live.browser.newPage();
  await open(page, '');
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  const standard = await size();
  await page.click('button[data-set-font="large"]');
  const large = await size();
  // Keyboard only: Tab to the button, press Enter.
  await page.focus('button[data-set-font="large"]');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  const xlarge = await size();
  assert.ok(standard < large && large < xlarge, `${standard} < ${large} < ${xlarge}`);
  assert.ok(xlarge >= 20, `largest body text ${xlarge}px`);
  assert.equal(await page.getAttribute('button[data-set-font="xlarge"]', 'aria-pressed'), 'true');
  await page.click('a[href$="/basic/"]');
  await page.waitForURL(/\/basic\/$/);
  assert.equal(await size(), xlarge, 'kept on the next page');
  assert.equal(await page.getAttribute('button[data-set-font="xlarge"]', 'aria-pressed'), 'true');
  await page.click('button[data-set-font=""]');
  assert.equal(await size(), standard);
  await page.close();
});

test('high contrast: switches the page, kept across pages, passes axe', async () => {
  const page = await live.browser.newPage();
  await open(page, 'matters/cooperative-013/');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(await bg(), 'rgb(255, 255, 255)');
  await page.focus('#contrast-toggle');
  await page.keyboard.press('Space');
  assert.equal(await bg(), 'rgb(0, 0, 0)');
  assert.equal(await page.getAttribute('#contrast-toggle', 'aria-pressed'), 'true');
  await open(page, 'departments/minzheng/');
  assert.equal(await bg(), 'rgb(0, 0, 0)', 'kept on the next page');
  await page.evaluate(axeSource);
  // eslint-disable-next-line no-undef
  const result = await page.evaluate(() => axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } }));
  assert.deepEqual(result.violations.map((v) => v.nodes.map((n) => n.target.join(' '))), []);
  await page.click('#contrast-toggle');
  assert.equal(await bg(), 'rgb(255, 255, 255)');
  await page.close();
});

test('a phone-sized list shows matters as cards with their labels', async () => {
  const page = await live.browser.newPage({ viewport: { width: 375, height: 800 } });
  await open(page, 'cooperative/');
  const display = await page.evaluate(() => getComputedStyle(document.querySelector('table.matters tbody tr')).display);
  // A card (a flex box, so that its title can come first), not a table row.
  assert.equal(display, 'flex');
  const label = await page.evaluate(() => getComputedStyle(document.querySelector('table.matters td.col-seq'), '::before').content);
  assert.equal(label, '"序号："');
  await page.close();
});

test('the footer shows the government facts that are configured, and only those', async () => {
  const site = fixtureCopy();
  const toml = readFileSync(join(site, 'site.toml'), 'utf8').replace(
    /\[government\][\s\S]*$/,
    `[government]
sponsor = "示例县人民政府"
organizer = "示例镇人民政府"
address = "示例县示例镇人民路1号"
phone = "0998-1234567"
email = "office@example.gov.cn"
site_id_code = "6531210001"
icp = "新ICP备00000000号"
police_record = "新公网安备 65312102000001号"
`,
  );
  writeFileSync(join(site, 'site.toml'), toml);
  const local = await serve(buildSite({ root: site, basePath: '/' }), '/');
  const page = await live.browser.newPage();
  await page.goto(`${local.url}matters/basic-001/`);
  const footer = await page.textContent('footer');
  for (const text of ['主办单位：示例县人民政府', '承办单位：示例镇人民政府', '示例县示例镇人民路1号', '0998-1234567', 'office@example.gov.cn', '网站标识码：6531210001', '新ICP备00000000号', '新公网安备 65312102000001号', '网站地图', '联系我们']) {
    assert.ok(footer.includes(text), `footer has ${text}`);
  }
  assert.equal(await page.getAttribute('footer a:has-text("新ICP备")', 'href'), 'https://beian.miit.gov.cn/');
  assert.match(await page.getAttribute('footer a:has-text("公网安备")', 'href'), /^https:\/\/beian\.mps\.gov\.cn\//);
  assert.equal(await page.getAttribute('meta[name="SiteIDCode"]', 'content'), '6531210001');
  await page.click('footer a:has-text("联系我们")');
  assert.match(await page.textContent('main'), /0998-1234567/);
  await page.close();
  await local.close();

  // The repository's site.toml sets only the organizer: the rest is left out cleanly.
  const p2 = await live.browser.newPage();
  await p2.goto(live.server.url);
  const f2 = await p2.textContent('footer');
  assert.ok(f2.includes('承办单位：疏附县吾库萨克镇人民政府'));
  assert.ok(!f2.includes('主办单位') && !f2.includes('ICP') && !f2.includes('undefined'), f2);
  await p2.close();
});

test('a matter prints without navigation', async () => {
  const page = await live.browser.newPage();
  await open(page, 'matters/cooperative-013/');
  await page.emulateMedia({ media: 'print' });
  for (const sel of ['.site-header', '.site-footer', '.breadcrumbs', '.a11y-bar', '.pager']) {
    assert.equal(await page.evaluate((s) => getComputedStyle(document.querySelector(s)).display, sel), 'none', sel);
  }
  assert.ok(await page.isVisible('h1'));
  await page.close();
});

test("a department's duties sit beside the township's on a wide screen, above them on a phone", async () => {
  const tops = async (width) => {
    const page = await live.browser.newPage({ viewport: { width, height: 900 } });
    await open(page, 'departments/minzheng/');
    const [a, b] = await page.$$eval('.xref .duty', (els) => els.slice(0, 2).map((e) => e.getBoundingClientRect().top));
    await page.close();
    return [a, b];
  };
  const [wa, wb] = await tops(1280);
  assert.equal(wa, wb, 'side by side at 1280 px');
  const [na, nb] = await tops(375);
  assert.ok(nb > na, 'stacked at 375 px');
});
