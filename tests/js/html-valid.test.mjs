// Every page of the built site is valid HTML by the Nu Html Checker (the
// W3C validator, npm `vnu-jar`, run with Debian's Java): the real site and
// the fixture site as qingdan writes them, and the search page as the
// browser has it after search.js has written its results.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';

import { buildSite, fixtureCopy, launch, pagedCopy, serve } from './site.mjs';

const BASE = '/zwgk/lzqd/';
const vnuJar = join(dirname(createRequire(import.meta.url).resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');

function java() {
  const java = process.env.JAVA || 'java';
  const probe = spawnSync(java, ['-version'], { stdio: 'pipe' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`The HTML check needs Java to run the Nu Html Checker: apt-get install default-jre-headless (or set JAVA). ${probe.error?.message ?? ''}`);
  }
  return java;
}

function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.html'))
    .map((f) => join(dir, f));
}

/** Runs vnu on `dir` (every .html file below it); returns its error messages. */
function vnuErrors(dir) {
  // vnu writes its JSON report to stderr; exit status 1 means errors were found.
  const run = spawnSync(java(), ['-jar', vnuJar, '--errors-only', '--format', 'json', '--skip-non-html', dir], {
    stdio: 'pipe',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  let report;
  try {
    report = JSON.parse(run.stderr);
  } catch {
    throw new Error(`vnu did not answer with JSON (status ${run.status}):\n${run.stderr}\n${run.stdout}`);
  }
  return report.messages.filter((m) => m.type === 'error' || m.subType === 'fatal');
}

function describe(errors, root) {
  return errors
    .map((e) => `${relative(root, new URL(e.url).pathname)}:${e.lastLine}:${e.firstColumn ?? ''} ${e.message}\n    ${e.extract ?? ''}`)
    .join('\n');
}

function assertValid(dist, expectedPages) {
  const files = htmlFiles(dist);
  assert.ok(files.length >= expectedPages, `expected at least ${expectedPages} pages, found ${files.length}`);
  const errors = vnuErrors(dist);
  assert.equal(errors.length, 0, `Nu Html Checker found ${errors.length} error(s):\n${describe(errors, dist)}`);
}

test('every page of the real site is valid HTML (Nu Html Checker, 0 errors)', () => {
  assertValid(buildSite({ basePath: BASE }), 300);
});

test('every page of the real site split into pages of 20 rows is valid HTML (Nu Html Checker, 0 errors)', () => {
  assertValid(buildSite({ root: pagedCopy(20), basePath: BASE }), 320);
});

test('every page of the fixture site is valid HTML (Nu Html Checker, 0 errors)', () => {
  assertValid(buildSite({ root: fixtureCopy() }), 10);
});

test('the checker does find errors (the test can fail)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qingdan-vnu-'));
  writeFileSync(join(dir, 'bad.html'), '<!doctype html><html lang=zh-CN><title>x</title><div><p>x</span></html>');
  assert.ok(vnuErrors(dir).length > 0);
});

test('pages as the browser has them after search.js ran are valid HTML', async () => {
  const dist = buildSite({ basePath: BASE });
  const server = await serve(dist, BASE);
  const browser = await launch();
  const out = mkdtempSync(join(tmpdir(), 'qingdan-vnu-dom-'));
  try {
    const page = await browser.newPage();
    const pages = {
      'search-many': 'search/?q=%E6%B0%91%E6%94%BF%E5%B1%80',
      'search-filtered': 'search/?q=%E4%BD%8E%E4%BF%9D&list=basic',
      'search-none': 'search/?q=%E4%B8%8D%E5%AD%98%E5%9C%A8',
      home: '',
    };
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(server.url + path);
      if (name.startsWith('search')) await page.waitForSelector('#search-results[data-state="ready"]', { state: 'attached' });
      writeFileSync(join(out, `${name}.html`), `<!DOCTYPE html>\n${await page.evaluate(() => document.documentElement.outerHTML)}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const errors = vnuErrors(out);
  assert.equal(errors.length, 0, `Nu Html Checker found ${errors.length} error(s) in the DOM after scripts ran:\n${describe(errors, out)}`);
});
