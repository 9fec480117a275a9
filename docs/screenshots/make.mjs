// Regenerates the screenshots of docs/编辑指南.md from the real site, so
// they never go stale:
//
//     cargo build --release && npm ci && node docs/screenshots/make.mjs
//
// The public pages come from `qingdan build` of the repository's site; the
// preview pages (note box, worklist, error page) from `qingdan serve` on a
// temporary copy of it, where one matter is broken on purpose. Nothing in
// the repository is changed but the PNG files beside this script.

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildSite, launch, repo, serve, startServe } from '../../tests/js/site.mjs';

process.env.QINGDAN_BIN ||= join(repo, 'target/release/qingdan');
const here = fileURLToPath(new URL('.', import.meta.url));
const BASE = '/zwgk/lzqd/';

const browser = await launch();
async function shoot(url, file, { width = 1000, height = 720, phone = false, ready } = {}) {
  const page = await browser.newPage({
    viewport: phone ? { width: 390, height: 760 } : { width, height },
    deviceScaleFactor: 1,
  });
  await page.goto(url);
  if (ready) await ready(page);
  await page.screenshot({ path: join(here, file), type: 'png' });
  await page.close();
  console.log(`${file} ← ${url}`);
}

// The public site, as readers see it.
const site = await serve(buildSite({ basePath: BASE }), BASE);
await shoot(site.url, 'home.png');
await shoot(`${site.url}cooperative/`, 'list.png');
await shoot(`${site.url}matters/cooperative-013/`, 'matter.png');
await shoot(`${site.url}matters/cooperative-013/`, 'matter-phone.png', { phone: true });
await site.close();

// The preview, as the clerk sees it.
const copy = mkdtempSync(join(tmpdir(), 'qingdan-screenshots-'));
for (const part of ['content', 'theme', 'site.toml']) cpSync(join(repo, part), join(copy, part), { recursive: true });
const preview = await startServe({ root: copy, basePath: BASE });
await shoot(`${preview.url}_review/`, 'worklist.png');
await shoot(`${preview.url}matters/basic-011/`, 'review-note.png', {
  ready: (page) => page.locator('.qd-note').scrollIntoViewIfNeeded(),
});
const broken = join(copy, 'content/basic/001.md');
writeFileSync(broken, readFileSync(broken, 'utf8').replace(/^seq = 1$/m, 'seq = "一"'));
await shoot(`${preview.url}matters/basic-002/`, 'error.png', {
  ready: (page) => page.waitForSelector('.qd-error-page', { timeout: 60000 }),
});
await preview.stop();
await browser.close();
