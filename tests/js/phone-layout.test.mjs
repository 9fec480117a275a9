// The site on a phone (375 × 812, and 320 px wide) in headless Chromium, at
// the three text sizes of prefs.js: a short header with a 菜单 button that
// works by keyboard and without JavaScript, the first search result in view,
// jump links on list pages, tap targets of at least 44 px, a focus ring that
// stands out on every background, and axe-core with all its rules.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import { siteInBrowser } from './site.mjs';

const BASE = '/zwgk/lzqd/';
const PHONE = { width: 375, height: 812 };
const FONTS = { standard: '', large: 'large', xlarge: 'xlarge' };
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const PAGES = {
  home: '',
  list: 'basic/',
  'list (cooperative)': 'cooperative/',
  categories: 'categories/',
  category: 'categories/minsheng/',
  departments: 'departments/',
  department: 'departments/minzheng/',
  matter: 'matters/cooperative-020/',
  search: 'search/?q=%E4%BD%8E%E4%BF%9D',
  contact: 'contact/',
  sitemap: 'sitemap/',
  '404': 'no/such/page/',
};

const live = siteInBrowser(BASE);

/** A phone-sized page whose reader has chosen the text size `font` ('' is standard). */
async function phone(font = '', viewport = PHONE, options = {}) {
  const ctx = await live.browser.newContext({ viewport, ...options });
  if (font) await ctx.addInitScript((f) => window.localStorage.setItem('qingdan-font', f), font);
  const page = await ctx.newPage();
  page.close = () => ctx.close();
  return page;
}

async function open(page, path) {
  await page.goto(live.server.url + path);
  if (path.startsWith('search/')) await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
}

/** Bottom of the header (reading aids and the site's header), in px from the top of the page. */
const headerBottom = (page) => page.evaluate(() => document.querySelector('.site-header').getBoundingClientRect().bottom + window.scrollY);

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('the reading aids and the header together are at most 120 px high on a phone', async () => {
  const heights = {};
  for (const [name, font] of Object.entries(FONTS)) {
    const page = await phone(font);
    for (const path of ['', 'basic/', 'matters/basic-036/', 'search/']) {
      await open(page, path);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.font || ''), font);
      const top = await page.evaluate(() => document.querySelector('.a11y-bar').getBoundingClientRect().top);
      assert.equal(top, 0, 'the reading aids open the page');
      const h = await headerBottom(page);
      heights[name] = Math.max(heights[name] ?? 0, h);
      assert.ok(await page.isVisible('.menu-toggle'), `${path}: the 菜单 button`);
      assert.equal(await page.isVisible('.site-nav a'), false, `${path}: the navigation is folded away`);
      assert.ok((await overflow(page)) <= 0, `${name} ${path}: wider than the phone`);
    }
    await page.close();
  }
  assert.ok(heights.standard <= 120, `standard text: ${heights.standard}px`);
  // Larger text makes the header grow a little, never to half the screen.
  assert.ok(heights.large <= 150, `large text: ${heights.large}px`);
  assert.ok(heights.xlarge <= 170, `extra large text: ${heights.xlarge}px`);
  console.log(`# header height at 375 px: ${JSON.stringify(heights)}`);
});

test('the first search result is in view without scrolling, at every text size', async () => {
  const found = {};
  for (const [name, font] of Object.entries(FONTS)) {
    const page = await phone(font);
    for (const q of ['低保', '宅基地']) {
      await open(page, `search/?q=${encodeURIComponent(q)}`);
      const box = await page.locator('#search-results > li').first().locator('h2').boundingBox();
      assert.ok(box, `${q}: a result`);
      assert.equal(await page.evaluate(() => window.scrollY), 0);
      found[`${name} ${q}`] = Math.round(box.y + box.height);
      assert.ok(box.y + box.height <= PHONE.height, `${name} ${q}: first result ends at ${box.y + box.height}px`);
    }
    // The search box comes first, the three filters on one row below it.
    const input = await page.locator('#search-q').boundingBox();
    const selects = await page.locator('#search-form select').evaluateAll((ss) => ss.map((s) => s.getBoundingClientRect().top));
    assert.equal(selects.length, 3);
    assert.ok(selects.every((t) => t > input.y), 'the box above the filters');
    if (!font) assert.equal(new Set(selects.map(Math.round)).size, 1, 'the filters on one row');
    await page.close();
  }
  console.log(`# bottom of the first result's title at 375 × 812: ${JSON.stringify(found)}`);
});

test('the 菜单 button opens and closes the navigation by keyboard', async () => {
  const page = await phone();
  await open(page, 'basic/');
  const button = page.locator('.menu-toggle');
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  const controls = await button.getAttribute('aria-controls');
  assert.equal(await page.locator(`#${controls} nav.site-nav`).count(), 1, 'aria-controls names the menu');
  // Tab from the site's name reaches the button.
  await page.focus('.site-title');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'menu-toggle');
  await page.keyboard.press('Enter');
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.isVisible('.site-nav a[href$="/cooperative/"]'));
  // The next Tabs go into the menu: the search box, its button, the links.
  const reached = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => document.activeElement.closest('#site-menu') !== null));
  }
  assert.deepEqual(reached, [true, true, true, true]);
  assert.equal(await page.evaluate(() => document.activeElement.closest('.site-nav') !== null), true, 'a navigation link has the focus');
  // Escape from inside closes the menu and gives the focus back to the button.
  await page.keyboard.press('Escape');
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.isVisible('.site-nav a'), false);
  assert.equal(await page.evaluate(() => document.activeElement.className), 'menu-toggle');
  // Space opens it too; Escape on the button closes it.
  await page.keyboard.press('Space');
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Escape');
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  // A link of the open menu leads to its page.
  await page.keyboard.press('Enter');
  await page.click('.site-nav a[href$="/categories/"]');
  await page.waitForURL(/\/categories\/$/);
  assert.equal(await page.getAttribute('.menu-toggle', 'aria-expanded'), 'false', 'closed on the next page');
  await page.close();
});

test('without JavaScript the navigation is a plain list of links, and no 菜单 button', async () => {
  const page = await phone('', PHONE, { javaScriptEnabled: false });
  await open(page, 'basic/');
  assert.equal(await page.isVisible('.menu-toggle'), false);
  const links = page.locator('.site-nav a');
  assert.equal(await links.count(), 7);
  for (let i = 0; i < 7; i++) assert.ok(await links.nth(i).isVisible(), `nav link ${i}`);
  assert.ok((await overflow(page)) <= 0);
  await page.close();
});

test('on a wide screen the navigation stays in view and the button is not shown', async () => {
  const page = await phone('', { width: 1280, height: 900 });
  await open(page, '');
  assert.equal(await page.isVisible('.menu-toggle'), false);
  for (const a of await page.locator('.site-nav a').all()) assert.ok(await a.isVisible());
  // Title and search box on one row, the navigation on the row below.
  const title = await page.locator('.site-title').boundingBox();
  const search = await page.locator('.site-search').boundingBox();
  const nav = await page.locator('.site-nav').boundingBox();
  assert.ok(search.x > title.x + title.width && search.y < title.y + title.height, 'search box beside the title');
  assert.ok(nav.y >= title.y + title.height - 1, 'navigation below');
  await page.close();
});

test('list pages: jump links to each category, back to the top, cards that lead with the title', async () => {
  const page = await phone();
  for (const path of ['basic/', 'cooperative/', 'revoked/']) {
    await open(page, path);
    const targets = await page.locator('.jump a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(targets.length > 3, `${path}: jump links`);
    for (const t of targets) assert.equal(await page.locator(t).count(), 1, `${path}: ${t} exists`);
    // The <details> opens without JavaScript's help, and a link jumps.
    await page.click('.jump summary');
    await page.click(`.jump a[href="${targets[2]}"]`);
    const top = await page.evaluate((t) => document.querySelector(t).getBoundingClientRect().top, targets[2]);
    assert.ok(top >= -1 && top < 50, `${path}: scrolled to ${targets[2]} (${top})`);
    // Every card: the title above the number and the category.
    const order = await page.locator('table.matters tbody tr').first().evaluate((tr) => {
      const y = (s) => tr.querySelector(s).getBoundingClientRect().top;
      return { title: y('th[scope="row"]'), seq: y('.col-seq'), cat: y('.col-cat') };
    });
    assert.ok(order.title < order.seq && order.title < order.cat, `${path}: ${JSON.stringify(order)}`);
    await page.click('.back-to-top a');
    assert.equal(await page.evaluate(() => window.scrollY), 0, `${path}: back at the top`);
  }
  for (const path of ['categories/minsheng/', 'departments/minzheng/', 'sitemap/']) {
    await open(page, path);
    const targets = await page.locator('.jump a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(targets.length >= 2, `${path}: jump links`);
    for (const t of targets) assert.equal(await page.locator(t).count(), 1, `${path}: ${t} exists`);
    assert.equal(await page.locator('.back-to-top a[href="#top"]').count(), 1);
    assert.equal(await page.locator('#top').count(), 1);
  }
  await page.close();
});

test('tap targets are at least 44 px high', async () => {
  const page = await phone();
  const check = async (path, selectors, prepare) => {
    await open(page, path);
    if (prepare) await prepare();
    for (const sel of selectors) {
      const heights = await page.locator(sel).evaluateAll((els) =>
        els.filter((e) => e.getClientRects().length).slice(0, 40).map((e) => [e.textContent.trim().slice(0, 12), e.getBoundingClientRect().height]),
      );
      assert.ok(heights.length > 0, `${path}: ${sel} present`);
      for (const [text, h] of heights) assert.ok(h >= 44, `${path}: ${sel} “${text}” is ${h}px high`);
    }
  };
  const openMenu = () => page.click('.menu-toggle');
  await check('', ['.a11y-tools button', '.menu-toggle', '.site-title', '.site-nav a', '.site-search input', '.site-search button', '.home-search input', '.home-search button', '.cards a', '.chips a', '.footer-links a', '.footer-data a'], openMenu);
  await check('basic/', ['.breadcrumbs a', '.jump summary', '.jump a', 'table.matters th[scope="row"] > a', 'table.matters td a', '.back-to-top a'], () => page.click('.jump summary'));
  await check('categories/minsheng/', ['.jump a', 'table.matters th[scope="row"] > a']);
  await check('departments/minzheng/', ['.jump a', '.xref h3 a', '.xref .meta a', '.back-to-top a']);
  await check('search/?q=%E5%AE%85%E5%9F%BA%E5%9C%B0', ['#search-q', '#search-form button', '#search-form select']);
  await check('matters/cooperative-020/', ['.pager a', '.breadcrumbs a']);
  await page.close();
});

/** WCAG relative luminance contrast of two rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('the focus ring has at least 3:1 contrast on every background it appears on', async () => {
  const results = {};
  for (const contrastMode of ['', 'high']) {
    const page = await phone();
    if (contrastMode) await page.context().addInitScript(() => window.localStorage.setItem('qingdan-contrast', 'high'));
    await open(page, 'basic/');
    await page.click('.menu-toggle');
    const places = {
      'reading aids': '.a11y-tools button[data-set-font="large"]',
      header: '.site-title',
      'header menu': '.site-nav a[href$="/cooperative/"]',
      page: 'table.matters th[scope="row"] > a',
      footer: '.footer-links a',
    };
    for (const [place, sel] of Object.entries(places)) {
      // Reach the element by keyboard so :focus-visible applies.
      await page.locator(sel).first().evaluate((el) => el.focus());
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const s = await page.evaluate(() => {
        const el = document.activeElement;
        const cs = getComputedStyle(el);
        // The background behind the element: the first opaque one above it.
        let bg = 'rgb(255, 255, 255)';
        for (let n = el.parentElement; n; n = n.parentElement) {
          const c = getComputedStyle(n).backgroundColor;
          if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; }
        }
        return { visible: el.matches(':focus-visible'), outline: cs.outlineColor, style: cs.outlineStyle, width: parseFloat(cs.outlineWidth), shadow: cs.boxShadow, bg, text: el.textContent.trim().slice(0, 8) };
      });
      assert.ok(s.visible, `${place}: focus-visible on ${s.text}`);
      assert.equal(s.style, 'solid');
      assert.ok(s.width >= 2, `${place}: outline ${s.width}px`);
      const ring = (s.shadow.match(/rgba?\([^)]*\)/) || [])[0];
      assert.ok(ring, `${place}: a ring around the outline (${s.shadow})`);
      const inner = contrast(s.outline, ring);
      const onBg = Math.max(contrast(s.outline, s.bg), contrast(ring, s.bg));
      results[`${contrastMode || 'normal'} ${place}`] = { bg: s.bg, outlineOnBg: +contrast(s.outline, s.bg).toFixed(2), ringOnBg: +contrast(ring, s.bg).toFixed(2), outlineOnRing: +inner.toFixed(2) };
      assert.ok(inner >= 3, `${place}: the two rings ${s.outline} / ${ring}: ${inner}`);
      assert.ok(onBg >= 3, `${place}: the focus ring on ${s.bg}: ${onBg}`);
    }
    await page.close();
  }
  console.log(`# focus contrast: ${JSON.stringify(results)}`);
});

test('nothing is wider than a 320 px phone, at every text size, menu open or not', async () => {
  for (const [name, font] of Object.entries(FONTS)) {
    const page = await phone(font, { width: 320, height: 640 });
    for (const [pname, path] of Object.entries(PAGES)) {
      await open(page, path);
      assert.ok((await overflow(page)) <= 0, `${name} ${pname}: wider than 320 px`);
    }
    await page.click('.menu-toggle');
    assert.ok((await overflow(page)) <= 0, `${name}: menu open, wider than 320 px`);
    await page.close();
  }
});

test('axe-core, every rule including best practices: no violations on any page type at 375 px', async () => {
  const page = await phone();
  const run = async (label) => {
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () => {
      /* eslint-disable no-undef */
      const all = await axe.run(document);
      const tagged = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
      /* eslint-enable no-undef */
      return { violations: [...all.violations, ...tagged.violations], passes: all.passes.length };
    });
    const found = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
    assert.deepEqual([...new Set(found)], [], `axe on ${label}`);
    assert.ok(result.passes > 10);
  };
  for (const [name, path] of Object.entries(PAGES)) {
    await open(page, path);
    await run(name);
  }
  await open(page, 'basic/');
  await page.click('.menu-toggle');
  await page.click('.jump summary');
  await run('list with the menu and the jump links open');
  await page.close();
});
