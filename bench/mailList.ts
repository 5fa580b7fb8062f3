/**
 * Benchmark (not a test): the virtualized message list at 100,000 messages. A real vault (worker,
 * encrypted file) holds 100,000 messages in INBOX; the web host in demo mode serves the built
 * renderer in Debian's Chromium (1280×720), and its `mail.folders`/`mail.list` answer from that
 * vault through the same repository and views as the product's handlers. The list is scrolled
 * to the end (large jumps, then wheel scrolling, then the End key); measured: rows in the DOM,
 * frame intervals, long tasks, `mail.list` calls and their time. Prints the figures and writes
 * bench/results/mailList.json.
 * Run: node scripts/build.mjs && npx tsx bench/mailList.ts
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { summaryView } from '../electron/host/mailViews.js';
import { startWebHost } from '../electron/host/webHost.js';
import { openVault } from '../electron/vault/client.js';

const TOTAL = 100_000;
const repoRoot = path.resolve(import.meta.dirname, '..');
const rendererDir = path.join(repoRoot, 'dist', 'renderer');
if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('dist/renderer absent : lancez `node scripts/build.mjs` avant le banc.');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-bench-maillist-'));

// 1. The vault: 100,000 messages, newest first by date, one transaction per 5,000.
const vault = await openVault({ file: path.join(tmp, 'vault.db'), key: randomBytes(32), synchronous: 'NORMAL' });
const seedStart = performance.now();
const now = Date.now();
const names = ['Dr Alice EXEMPLE', 'Laboratoire FICTIF', 'Centre hospitalier IMAGINAIRE', 'Dr Bruno MODÈLE', 'Cabinet de radiologie TEST'];
for (let start = 0; start < TOTAL; start += 5_000) {
  const batch = Array.from({ length: Math.min(5_000, TOTAL - start) }, (_, k) => {
    const i = start + k;
    return {
      folder: 'INBOX',
      uid: i + 1,
      messageId: `<bench-${i}@bench.invalid>`,
      date: now - i * 60_000,
      from: `${names[i % names.length]} <expediteur${i % 97}@bench.invalid>`,
      to: ['moi@bench.invalid'],
      subject: `Message fictif n° ${i + 1} : compte rendu`,
      bodyText: `Bonjour,\n\nCeci est le message fictif numéro ${i + 1} du banc d’essai de la liste.\n\nCordialement`,
      flags: i % 3 === 0 ? [] : ['\\Seen'],
    };
  });
  await vault.insertMessages(batch);
}
const seedMs = performance.now() - seedStart;

// 2. The web host; the list methods read the bench vault.
const web = await startWebHost({ rendererDir, port: 0, hostConfig: { mode: 'demo', dataDir: path.join(tmp, 'data'), appVersion: 'bench', platform: process.platform } });
const listCalls: { offset: number; ms: number }[] = [];
const call = web.host.router.call.bind(web.host.router);
web.host.router.call = async (method, input, ctx) => {
  if (method === 'mail.folders') {
    const first = await vault.mailboxWindow({ folder: 'INBOX', offset: 0, limit: 1 });
    return { ok: true, value: { folders: [{ path: 'INBOX', name: 'INBOX', specialUse: '\\Inbox', total: first.total, unread: Math.ceil(TOTAL / 3) }] } };
  }
  if (method === 'mail.list') {
    const { folder, offset, limit } = input as { folder: string; offset: number; limit: number };
    const t = performance.now();
    const page = await vault.mailboxWindow({ folder, offset, limit });
    listCalls.push({ offset, ms: performance.now() - t });
    return { ok: true, value: { total: page.total, items: page.items.map(summaryView) } };
  }
  return call(method, input, ctx);
};

// 3. Chromium at 1280×720, signed in with the demo card.
const browser = await chromium.launch({
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'fr-FR' });
const page = await context.newPage();
await page.goto(web.url);
await page.getByTestId('pin-input').fill('1234');
await page.getByTestId('pin-submit').click();
await page.getByTestId('lock-screen').waitFor({ state: 'detached', timeout: 20_000 });
const recovery = page.getByTestId('recovery-dialog');
if (await recovery.isVisible()) {
  await page.getByTestId('recovery-noted').check();
  await page.getByTestId('recovery-continue').click();
  await recovery.waitFor({ state: 'detached' });
}
await page.getByTestId('nav-messagerie').click();
const list = page.getByTestId('mail-list');
await list.waitFor();
await page.getByTestId('mail-row').first().waitFor();
const firstPaintCalls = listCalls.length;

// 4. Frames and long tasks, watched in the page.
// A string, not a function: tsx would add its `__name` helper, unknown in the page.
await page.evaluate(`(() => {
  const w = window;
  w.__bench = { frames: [], longTasks: [], maxRows: 0, run: true };
  new PerformanceObserver((entries) => {
    for (const e of entries.getEntries()) w.__bench.longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: false });
  let last = performance.now();
  const tick = (t) => {
    w.__bench.frames.push(t - last);
    last = t;
    w.__bench.maxRows = Math.max(w.__bench.maxRows, document.querySelectorAll('[data-testid="mail-list"] [role="option"]').length);
    if (w.__bench.run) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`);

const scrollStart = performance.now();
// Large jumps (the scrollbar dragged): 60 steps from top to bottom, one per frame pair.
const height = await list.evaluate((el) => el.scrollHeight - el.clientHeight);
for (let step = 1; step <= 60; step += 1) {
  await list.evaluate((el, top) => {
    el.scrollTop = top;
  }, Math.round((height * step) / 60));
  await page.waitForTimeout(16);
}
// Back to the middle, then 200 wheel notches (a user scrolling fast by hand).
await list.evaluate((el) => {
  el.scrollTop = el.scrollHeight / 2;
});
await list.hover();
for (let i = 0; i < 200; i += 1) await page.mouse.wheel(0, 400);
// The keyboard: End goes to the last message, which must be shown with its content.
await list.focus();
await page.keyboard.press('End');
const lastRow = page.locator(`[data-testid="mail-row"][aria-posinset="${TOTAL}"]`);
await lastRow.waitFor({ timeout: 10_000 });
const lastText = await lastRow.innerText();
const scrollMs = performance.now() - scrollStart;
const rowsAtEnd = await page.locator('[data-testid="mail-list"] [role="option"]').count();

const watched = (await page.evaluate(`(() => {
  window.__bench.run = false;
  return window.__bench;
})()`)) as { frames: number[]; longTasks: number[]; maxRows: number };
await context.close();
await browser.close();
await web.close();
await vault.close();
fs.rmSync(tmp, { recursive: true, force: true });

const sorted = [...watched.frames].sort((a, b) => a - b);
const pct = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN) * 10) / 10;
const listMs = listCalls.map((c) => c.ms).sort((a, b) => a - b);
const result = {
  messages: TOTAL,
  seedSeconds: Math.round(seedMs / 100) / 10,
  viewport: '1280x720',
  domRowsMax: watched.maxRows,
  domRowsAtEnd: rowsAtEnd,
  lastRowShown: lastText.includes(`n° ${TOTAL}`),
  frames: watched.frames.length,
  frameMsP50: pct(50),
  frameMsP95: pct(95),
  frameMsMax: pct(100),
  framesOver50ms: watched.frames.filter((f) => f > 50).length,
  longTasks: watched.longTasks.length,
  longTaskMsMax: Math.round(Math.max(0, ...watched.longTasks)),
  longTaskMsTotal: Math.round(watched.longTasks.reduce((a, b) => a + b, 0)),
  listCallsFirstPaint: firstPaintCalls,
  listCallsTotal: listCalls.length,
  listCallMsP50: Math.round((listMs[Math.floor(listMs.length / 2)] ?? NaN) * 10) / 10,
  listCallMsMax: Math.round((listMs.at(-1) ?? NaN) * 10) / 10,
  listCallMsAtEnd: Math.round((listCalls.filter((c) => c.offset >= TOTAL - 200).map((c) => c.ms)[0] ?? NaN) * 10) / 10,
  scrollSeconds: Math.round(scrollMs / 100) / 10,
};
console.table(result);
fs.mkdirSync(path.join(repoRoot, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(repoRoot, 'bench', 'results', 'mailList.json'), JSON.stringify(result, null, 2) + '\n');
// The claims of this bench, checked: a small DOM whatever the folder size, the end reachable.
const problems = [
  ...(result.domRowsMax > 60 ? [`${result.domRowsMax} rows in the DOM (at most 60 expected)`] : []),
  ...(!result.lastRowShown ? ['the last message was not shown after End'] : []),
];
if (problems.length > 0) {
  console.error(`mailList bench: ${problems.join('; ')}`);
  process.exitCode = 1;
}
