import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createParseWorkerClient } from '../../../electron/mail/sync/parseWorkerClient.js';
import { askingReceipt, mdnFromPetit, withXdm, XDM_PATIENT_ID } from '../../../electron/mail/sync/testMails.js';
import { silentLogger } from '../../../electron/policy/logger.js';

/**
 * The parse worker as the packaged app runs it: bundled by scripts/build.mjs into one CommonJS
 * file (jsdom's stylesheet inlined, css-tree's data bundled), copied alone into an empty folder
 * (no node_modules to fall back on), then fed real mails: sanitised HTML, a receipt request,
 * an MDN and an IHE_XDM archive come back as from the TypeScript worker.
 */
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-parse-bundle-'));

afterAll(async () => {
  const esbuild = await import('esbuild');
  await esbuild.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bundled mail parse worker', () => {
  it('parses mails from a folder of its own', async () => {
    const { buildMailParseWorker } = (await import(pathToFileURL(path.join(root, 'scripts', 'build.mjs')).href)) as { buildMailParseWorker(outfile: string): Promise<void> };
    const built = path.join(dir, 'build', 'mailParseWorker.cjs');
    await buildMailParseWorker(built);
    const alone = path.join(dir, 'alone', 'mailParseWorker.cjs');
    fs.mkdirSync(path.dirname(alone));
    fs.copyFileSync(built, alone);

    const worker = createParseWorkerClient({ workerFile: alone, log: silentLogger, timeoutMs: 30_000, idleMs: 1_000 });
    try {
      const html = Buffer.from('From: a@b.test\r\nSubject: t\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p onclick="x()">Bonjour <img src="https://pisteur.test/p.gif"></p>\r\n');
      const results = await worker.parse([
        { id: 1, date: 0, raw: html },
        { id: 2, date: 0, raw: await askingReceipt() },
        { id: 3, date: 0, raw: mdnFromPetit() },
        { id: 4, date: 0, raw: await withXdm() },
      ]);
      const [h, asking, mdn, xdm] = results.map((r) => r.completion);
      expect(h?.bodyHtml).toBe('<p>Bonjour <img data-blocked-src="https://pisteur.test/p.gif"></p>\n');
      expect(asking?.readReceiptAsked).toBe(true);
      expect(mdn?.receipt).toMatchObject({ originalMessageId: '<envoi-42@medecin.test>', disposition: 'processed' });
      expect(xdm?.xdm).toMatchObject({ match: 'pending', patientIds: [XDM_PATIENT_ID] });
    } finally {
      await worker.close();
    }
  }, 120_000);
});
