#!/usr/bin/env node
// Citizen queries against the real search page, in headless Chromium on a
// phone-sized screen. An evaluation, not a test: it reports, never asserts.
//
//   target/release/qingdan build --output /tmp/qd-dist
//   node tests/bench/citizen-queries.mjs --dist /tmp/qd-dist --json /tmp/citizen.json > /tmp/citizen.md
//
// Builds nothing. Serves an already built site on loopback (under the base
// path the site was built for, read from its search page) and, for each
// query in tests/search/citizen-queries.json, opens search/?q=<query> the
// way a link or the search box would, waits for
// #search-results[data-state="ready"], then reads what a person sees:
// the number of results, the matters of the first three (from each
// result's first link, …/matters/basic-082/), each result's data-match
// attribute when the page sets one, the status line (#search-status, where
// suggestions are shown) and whether the first result's title is above
// the fold of a 375 × 812 screen. It drives the page only through its URL
// and DOM, never the script's functions, so it keeps working while the
// search is rewritten.
//
// Prints a Markdown table and totals; --json FILE also writes every detail.
// Exit status 0 whatever the answers are; 1 only when the site cannot be
// served or a search page does not load or never becomes ready.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launch, repo, serve } from '../js/site.mjs';

const USAGE = `usage: node tests/bench/citizen-queries.mjs [options]
  --dist DIR        a site built by qingdan (default: dist)
  --queries FILE    the queries (default: tests/search/citizen-queries.json)
  --json FILE       also write the results as JSON to FILE
  --timeout MS      how long to wait for one search page (default 20000)`;

export const VIEWPORT = { width: 375, height: 812 };
export const COLUMNS = ['query', 'kind', 'results', 'top 3', 'right in top 3?', 'first result above fold'];

function parseArgs(argv) {
  const opts = { dist: 'dist', queries: join(repo, 'tests/search/citizen-queries.json'), json: null, timeout: 20000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (a === '--dist') opts.dist = value();
    else if (a === '--queries') opts.queries = value();
    else if (a === '--json') opts.json = value();
    else if (a === '--timeout') opts.timeout = Number(value());
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  return opts;
}

/** The base path the site was built for, from its search page. */
export function basePathOf(dist) {
  const page = join(dist, 'search/index.html');
  if (!existsSync(page)) throw new Error(`${page} not found: is ${dist} a site built by qingdan?`);
  // The results list carries it (data-base), quoted or not (the HTML is minified).
  const tag = readFileSync(page, 'utf8').match(/<ol\b[^>]*\bid=["']?search-results\b[^>]*>/);
  const m = tag && tag[0].match(/\bdata-base=(?:"([^"]*)"|'([^']*)'|([^\s>]+))/);
  if (!m) throw new Error(`${page}: no #search-results[data-base]; cannot tell the site's base path`);
  return m[1] ?? m[2] ?? m[3];
}

/** `basic-082` from `/zwgk/lzqd/matters/basic-082/` (or null). */
export function matterId(href) {
  const m = /\/matters\/([a-z]+-\d+)\/?(?:[?#].*)?$/.exec(href || '');
  return m ? m[1] : null;
}

/** What the page shows for one query, read from the DOM. */
async function observe(page, url, q, timeout) {
  const errors = [];
  const onError = (e) => errors.push(String(e.message || e));
  const onConsole = (m) => {
    // The loopback port changes every run; keep only the path.
    const where = m.location()?.url ? ` (${m.location().url.replace(/^https?:\/\/[^/]+/, '')})` : '';
    if (m.type() === 'error') errors.push(`${m.text()}${where}`);
  };
  page.on('pageerror', onError);
  page.on('console', onConsole);
  const started = Date.now();
  try {
    const response = await page.goto(`${url}search/?q=${encodeURIComponent(q)}`, { timeout, waitUntil: 'domcontentloaded' });
    if (!response || !response.ok()) throw new Error(`search page answered ${response ? response.status() : 'nothing'}`);
    await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached', timeout });
    const ms = Date.now() - started;
    const seen = await page.evaluate((foldAt) => {
      const items = [...document.querySelectorAll('#search-results > li')];
      const results = items.map((li) => {
        const a = li.querySelector('a[href]');
        const marked = li.hasAttribute('data-match') ? li : li.querySelector('[data-match]');
        return {
          href: a ? a.getAttribute('href') : null,
          title: a ? a.textContent.trim() : li.textContent.trim().slice(0, 80),
          match: marked ? marked.getAttribute('data-match') : null,
        };
      });
      let fold = null;
      if (items.length) {
        const title = items[0].querySelector('h2, h3') || items[0].querySelector('a[href]') || items[0];
        const box = title.getBoundingClientRect();
        fold = { top: box.top, bottom: box.bottom, scrollY: window.scrollY, above: box.top >= 0 && box.bottom <= foldAt };
      }
      const status = document.getElementById('search-status');
      return { results, fold, status: status ? status.textContent.trim() : null };
    }, VIEWPORT.height);
    return { ...seen, ms, errors };
  } finally {
    page.off('pageerror', onError);
    page.off('console', onConsole);
  }
}

/** One row of the evaluation. */
export function judge(entry, seen) {
  const ids = seen.results.map((r) => matterId(r.href));
  const top3 = ids.slice(0, 3);
  const firstRight = ids.findIndex((id) => entry.right.includes(id));
  return {
    query: entry.query,
    kind: entry.kind,
    right: entry.right,
    count: seen.results.length,
    top3,
    top3Titles: seen.results.slice(0, 3).map((r) => r.title),
    top3Match: seen.results.slice(0, 3).map((r) => r.match),
    matches: seen.results.map((r) => r.match),
    rightInTop3: top3.some((id) => entry.right.includes(id)),
    firstRightRank: firstRight >= 0 ? firstRight + 1 : null,
    aboveFold: seen.fold ? seen.fold.above : null,
    fold: seen.fold,
    status: seen.status,
    ms: seen.ms,
    errors: seen.errors,
  };
}

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdown(rows, meta) {
  const lines = [];
  lines.push(`Site: \`${meta.dist}\` (base path \`${meta.basePath}\`) · ${meta.queries} queries · headless Chromium ${meta.browser} at ${VIEWPORT.width} × ${VIEWPORT.height}, deviceScaleFactor 2, mobile, touch · ${meta.date}`);
  lines.push('');
  lines.push(`| ${COLUMNS.join(' | ')} |`);
  lines.push(`|${COLUMNS.map((c) => (c === 'results' ? '---:' : '---')).join('|')}|`);
  for (const r of rows) {
    const top = r.top3.length
      ? r.top3.map((id, i) => `${id ?? '?'}${r.top3Match[i] ? ` (${r.top3Match[i]})` : ''}`).join(', ')
      : '—';
    const right = r.rightInTop3 ? 'yes' : r.firstRightRank ? `no (first right at ${r.firstRightRank})` : 'no';
    const fold = r.aboveFold === null ? '—' : r.aboveFold ? 'yes' : `no (bottom ${Math.round(r.fold.bottom)} px)`;
    lines.push(`| ${cell(r.query)} | ${r.kind} | ${r.count} | ${top} | ${right} | ${fold} |`);
  }
  lines.push('');
  const t = totals(rows);
  lines.push(`**Right in top 3: ${t.right}/${t.total}.** By kind: ${Object.entries(t.byKind).map(([k, v]) => `${k} ${v.right}/${v.total}`).join(', ')}.`);
  lines.push('');
  lines.push(`Zero-result queries: ${t.zero.length}/${t.total}${t.zero.length ? ` (${t.zero.join('、')})` : ''}.`);
  lines.push('');
  lines.push(`First result's title above the fold: ${t.aboveFold}/${t.withResults} queries with results.`);
  const marked = rows.filter((r) => r.matches.some(Boolean)).length;
  lines.push('');
  lines.push(`Results carrying data-match: ${marked ? `${marked} queries` : 'none'}.`);
  const errs = rows.filter((r) => r.errors.length);
  if (errs.length) {
    lines.push('');
    lines.push(`Page errors: ${errs.map((r) => `${r.query}: ${r.errors.join('; ')}`).join(' / ')}`);
  }
  lines.push('');
  lines.push('Status line per query (#search-status):');
  lines.push('');
  for (const r of rows) lines.push(`- ${cell(r.query)}: ${r.status ? cell(r.status) : '(none)'}`);
  return lines.join('\n');
}

export function totals(rows) {
  const byKind = {};
  for (const r of rows) {
    byKind[r.kind] ??= { right: 0, total: 0 };
    byKind[r.kind].total++;
    if (r.rightInTop3) byKind[r.kind].right++;
  }
  return {
    total: rows.length,
    right: rows.filter((r) => r.rightInTop3).length,
    byKind,
    zero: rows.filter((r) => r.count === 0).map((r) => r.query),
    withResults: rows.filter((r) => r.count > 0).length,
    aboveFold: rows.filter((r) => r.aboveFold).length,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dist = resolve(opts.dist);
  const queries = JSON.parse(readFileSync(opts.queries, 'utf8'));
  const basePath = basePathOf(dist);
  const server = await serve(dist, basePath);
  const browser = await launch();
  const rows = [];
  let failed = null;
  try {
    const context = await browser.newContext({
      viewport: VIEWPORT,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = await context.newPage();
    for (const entry of queries) {
      try {
        rows.push(judge(entry, await observe(page, server.url, entry.query, opts.timeout)));
      } catch (e) {
        failed = `query ${entry.query}: ${e.message}`;
        break;
      }
    }
    await context.close();
  } finally {
    const version = browser.version();
    await browser.close();
    await server.close();
    const meta = { dist: opts.dist, basePath, queries: queries.length, browser: version, date: new Date().toISOString().slice(0, 10) };
    if (rows.length) console.log(markdown(rows, meta));
    if (opts.json) writeFileSync(opts.json, JSON.stringify({ ...meta, viewport: VIEWPORT, totals: totals(rows), rows }, null, 2) + '\n');
  }
  if (failed) {
    console.error(`citizen-queries: the search page failed: ${failed}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`citizen-queries: ${e.message}`);
    process.exit(1);
  });
}
