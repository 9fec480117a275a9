// What a browser downloads for a search, measured in headless Chromium
// (compare.mjs --browser): serves a built qingdan site on loopback, opens
// /search/?q=… for each typical query in a fresh browser context (empty
// cache), waits until the results are shown, and counts the bytes of every
// response the search script fetched (fetch/XHR: the index, its shards, the
// stored text), whatever the index layout is. Also records the longest
// main-thread task while the page loaded and answered (PerformanceObserver
// "longtask": tasks over 50 ms), and the time until results were shown.
// Needs playwright-core (npm ci) and Debian's chromium, as the browser tests.

import { launch, serve } from '../js/site.mjs';
import { median } from './stats.mjs';

export const TYPICAL_QUERIES = ['低保', '民政局', '宅基地 审批', '消防', '高龄津贴'];


export async function browserFetch(dist, queries = TYPICAL_QUERIES, { timeoutMs = 300000 } = {}) {
  const server = await serve(dist, '/');
  const browser = await launch();
  const perQuery = [];
  try {
    for (const q of queries) {
      const context = await browser.newContext();
      await context.addInitScript(() => {
        window.__longTasks = [];
        try {
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) window.__longTasks.push(e.duration);
          }).observe({ type: 'longtask', buffered: true });
        } catch {
          /* no longtask support */
        }
      });
      const page = await context.newPage();
      const bodies = [];
      page.on('response', (res) => {
        const type = res.request().resourceType();
        // The body's size as transferred (Chromium's DevTools keeps no copy
        // of a large body, so res.body() would fail above about 10 MB).
        if (type === 'fetch' || type === 'xhr') {
          bodies.push(
            res
              .request()
              .sizes()
              .then((z) => ({ url: res.url(), bytes: z.responseBodySize }))
              .catch(() => ({ url: res.url(), bytes: Number(res.headers()['content-length'] || 0) })),
          );
        }
      });
      const t0 = Date.now();
      await page.goto(`${server.url}search/?q=${encodeURIComponent(q)}`, { waitUntil: 'load', timeout: timeoutMs });
      await page.waitForSelector('#search-results[data-state="ready"], #search-results[data-state="error"]', { timeout: timeoutMs });
      const shownMs = Date.now() - t0;
      await page.waitForTimeout(100); // let the last long task be reported
      const longTasks = await page.evaluate(() => window.__longTasks);
      const results = await page.locator('#search-results > li').count();
      const state = await page.locator('#search-results').getAttribute('data-state');
      const fetched = await Promise.all(bodies);
      perQuery.push({
        query: q,
        state,
        results,
        fetch_bytes: fetched.reduce((a, f) => a + f.bytes, 0),
        fetch_files: fetched.length,
        longest_task_ms: longTasks.length ? Math.round(Math.max(...longTasks)) : 0,
        results_shown_ms: shownMs,
      });
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return {
    queries: perQuery,
    median_fetch_bytes: median(perQuery.map((p) => p.fetch_bytes)),
    max_fetch_bytes: Math.max(...perQuery.map((p) => p.fetch_bytes)),
    max_longest_task_ms: Math.max(...perQuery.map((p) => p.longest_task_ms)),
  };
}
