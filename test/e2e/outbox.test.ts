/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForDelivery } from '../integration/outbox/support.js';
import { startMailServer, type TestMailServer, type TestMailUser } from '../peers/mail/mailServer.js';
import { createTestCard, type TestCard } from '../peers/softhsm/createTestCard.js';
import { closeBrowser, screenshot, seriousA11yViolations, signIn, webVariant, type LaunchedApp } from './harness.js';

/**
 * « Envois en attente » end to end (issue 5, point 4): the web host in normal mode on the
 * SoftHSM2 test card, sending through the real test mail operator (Dovecot + Postfix). The
 * server stops; four messages are written and "sent" (queued), one is cancelled after a
 * confirmation; the status bar and the screen say offline; the server comes back, "Réessayer
 * maintenant" sends, the list empties; the recipient's INBOX holds the three, once each.
 */

let dir: string;
let server: TestMailServer;
let card: TestCard;
let app: LaunchedApp | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-e2e-outbox-'));
  server = await startMailServer({ dir: path.join(dir, 'mail') });
  card = await createTestCard(path.join(dir, 'card'), 'valid');
});

afterAll(async () => {
  await app?.close();
  await closeBrowser();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function user(address: string): TestMailUser {
  const found = server.users.find((u) => u.address === address);
  if (found === undefined) throw new Error(`test user ${address}`);
  return found;
}

/** Message-ID → subject of every message in `folder` (the server's view, not the app's). */
async function envelopes(mailbox: TestMailUser, folder: string): Promise<Map<string, string>> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: server.imapPort,
    secure: false,
    doSTARTTLS: true,
    tls: { ca: server.tls.caPem, servername: 'localhost', minVersion: 'TLSv1.2' },
    auth: { user: mailbox.address, pass: mailbox.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  const out = new Map<string, string>();
  try {
    const box = await client.mailboxOpen(folder, { readOnly: true });
    if (box.exists > 0) {
      for await (const msg of client.fetch('1:*', { envelope: true })) out.set(msg.envelope?.messageId ?? '', msg.envelope?.subject ?? '');
    }
  } finally {
    await client.logout();
  }
  return out;
}

async function expectA11y(page: Page, state: string): Promise<void> {
  expect(await seriousA11yViolations(page), `axe : ${state}`).toEqual([]);
}

async function compose(page: Page, to: string, subject: string, text: string): Promise<void> {
  await page.getByTestId('compose-to').fill(to);
  await page.getByTestId('compose-subject').fill(subject);
  await page.getByTestId('messagerie-draft').fill(text);
  await page.getByTestId('compose-send').click();
}

describe('envois en attente : hors connexion puis retour du serveur (web, SoftHSM2, Dovecot + Postfix)', () => {
  it('queues while the server is down, says so, shows each job, cancels one after confirming, sends the rest once, when it is back', async () => {
    const martin = user('dr.martin@medecin.test');
    const durand = user('dr.durand@hopital.test');
    const endpoint = (port: number) => ({ host: '127.0.0.1', port, caFile: server.tls.caFile, servername: 'localhost' });
    process.env['SOFTHSM2_CONF'] = card.softhsmConf;
    app = await webVariant.launch({
      mode: 'normal',
      dataDir: path.join(dir, 'data'),
      card: { modulePath: card.modulePath, anchorFolders: [card.anchorsDir], crlSources: [card.crlPath], rescan: true, pollIntervalMs: 300 },
      mail: {
        address: martin.address,
        submission: endpoint(server.submissionPort),
        imap: endpoint(server.imapPort),
        auth: { type: 'password', user: martin.address, password: martin.password },
        serverFilesSentCopy: true,
        // The X-MSS-NIL product reference (a test value): normal mode refuses to send without one.
        productReference: 'CADUCEE-TEST-NIL',
        settleMs: 2_000,
      },
    });
    const { page } = app;
    await signIn(page, card.pin);

    // Signed in, nothing waiting: the honest empty state.
    await page.getByTestId('nav-outbox').click();
    await page.getByTestId('outbox-empty').waitFor();
    expect(await page.getByTestId('outbox-not-configured').count()).toBe(0);

    // The network goes: the operator's server is stopped.
    await server.stop();

    // The compose checks addresses in French, and keeps the text when it refuses.
    await page.getByTestId('nav-messagerie').click();
    await page.getByTestId('mail-new').click();
    await compose(page, 'dr.durand@hopital.test, durand hopital.test', 'Adresse fautive', 'Texte à garder');
    const toError = page.getByTestId('compose-to-error');
    await expect.poll(() => toError.innerText()).toMatch(/L’adresse «\u00a0durand hopital\.test\u00a0» n’est pas valide/);
    expect(await page.getByTestId('compose-to').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('messagerie-draft').inputValue()).toBe('Texte à garder');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compose-to');

    // Four messages "sent" offline: each is queued, the form empties and says so.
    const stamp = Date.now().toString(36);
    const subjects = [1, 2, 3, 4].map((i) => `Courrier hors ligne ${i} (${stamp})`);
    for (const subject of subjects) {
      await compose(page, durand.address, subject, `Bonjour,\n\n${subject}.\n\nDr Martin`);
      await expect.poll(() => page.getByTestId('compose-to').inputValue()).toBe('');
      await expect.poll(() => page.getByTestId('compose-queued').innerText()).toMatch(/Message placé dans les envois en attente\u00a0: il part dès que possible/);
      expect(await page.getByTestId('messagerie-draft').inputValue()).toBe('');
    }
    expect(await page.getByTestId('compose-to-error').count()).toBe(0);

    // The status bar: offline, said plainly, and the count of what waits.
    await expect.poll(() => page.getByTestId('status-network').innerText()).toMatch(/Réseau\u00a0: hors ligne — les envois attendront/);
    await expect.poll(() => page.getByTestId('status-pending').innerText()).toMatch(/Envois en attente\u00a0: 4/);
    await screenshot(page, 'web', 'outbox-compose-offline');
    await expectA11y(page, 'messagerie, envois hors connexion');

    // « Envois en attente »: the banner, each job with its recipients, subject, state, last error.
    await page.getByTestId('nav-outbox').click();
    await page.getByTestId('outbox-offline').waitFor();
    expect(await page.getByTestId('outbox-offline').innerText()).toMatch(/Hors connexion\u00a0: les envois partiront dès le retour du réseau/);
    const jobs = page.getByTestId('outbox-job');
    await expect.poll(() => jobs.count()).toBe(4);
    expect((await page.getByTestId('outbox-job-subject').allInnerTexts()).sort()).toEqual([...subjects].sort());
    expect(new Set(await page.getByTestId('outbox-job-to').allInnerTexts())).toEqual(new Set([durand.address]));
    for (const state of await page.getByTestId('outbox-job-state').allInnerTexts()) expect(state).toMatch(/^(à envoyer|nouvel essai prévu à \d\d:\d\d)$/);
    // The job that met the refused connection carries main's French reason; the ones queued after
    // it were never tried (the queue waits for the server) and have none.
    await expect.poll(() => page.getByTestId('outbox-job-error').first().innerText()).toMatch(/injoignable/);
    await screenshot(page, 'web', 'outbox-offline-list');
    await expectA11y(page, 'envois en attente, hors connexion');

    // Cancelling asks first; "Non, garder l’envoi" keeps it (and gets the focus back to Annuler).
    const fourth = jobs.filter({ hasText: subjects[3] ?? '' });
    await fourth.getByTestId('outbox-cancel').click();
    const confirmation = fourth.getByTestId('outbox-cancel-confirmation');
    await confirmation.waitFor();
    expect(await confirmation.innerText()).toMatch(/Annuler cet envoi\u00a0\?/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('outbox-cancel-keep');
    await screenshot(page, 'web', 'outbox-cancel-confirm');
    await expectA11y(page, 'confirmation d’annulation');
    await fourth.getByTestId('outbox-cancel-keep').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('outbox-cancel');
    expect(await jobs.count()).toBe(4);
    // …"Oui, annuler l’envoi" cancels it: it moves to the recent ones as « annulé ».
    await fourth.getByTestId('outbox-cancel').click();
    await fourth.getByTestId('outbox-cancel-confirm').click();
    await expect.poll(() => jobs.count()).toBe(3);
    const finished = page.getByTestId('outbox-finished-job');
    await expect.poll(() => finished.filter({ hasText: subjects[3] ?? '' }).getByTestId('outbox-job-state').innerText()).toBe('annulé');
    expect(await finished.getByTestId('outbox-cancel').count()).toBe(0);
    await expect.poll(() => page.getByTestId('outbox-notice').innerText()).toMatch(/Envoi annulé/);
    // The status bar counts what still waits: three.
    await expect.poll(() => page.getByTestId('status-pending').innerText()).toMatch(/Envois en attente\u00a0: 3/);

    // The server is back; "Réessayer maintenant" on one probes now, and the queue resumes by itself.
    await server.start();
    const retry = jobs.first().getByTestId('outbox-retry');
    await retry.click({ timeout: 5_000 }).catch(async (error: unknown) => {
      // Only acceptable if the automatic probe was faster and the jobs are already leaving.
      if ((await jobs.count()) === 3) throw error;
    });
    // Each item leaves the waiting list as it is sent; then the empty state, online, nothing waiting,
    // and the three among the recent ones as « envoyé ».
    await page.getByTestId('outbox-empty').waitFor({ timeout: 30_000 });
    expect(await jobs.count()).toBe(0);
    const finishedStates = async () =>
      Object.fromEntries(await Promise.all(subjects.map(async (subject) => [subject, await finished.filter({ hasText: subject }).getByTestId('outbox-job-state').innerText()])));
    expect(await finishedStates()).toEqual(Object.fromEntries(subjects.map((subject, i) => [subject, i < 3 ? 'envoyé' : 'annulé'])));
    expect(await page.getByTestId('outbox-offline').count()).toBe(0);
    await expect.poll(() => page.getByTestId('status-network').innerText()).toMatch(/Réseau\u00a0: en ligne/);
    await expect.poll(() => page.getByTestId('status-pending').innerText()).toMatch(/Envois en attente\u00a0: 0/);
    await screenshot(page, 'web', 'outbox-sent');
    await expectA11y(page, 'envois partis');

    // On the server: Dr Durand's INBOX holds exactly the three, once each; the cancelled one never left.
    const inbox = await waitForDelivery(server, durand, 3);
    expect([...inbox.values()]).toEqual([1, 1, 1]);
    const received = await envelopes(durand, 'INBOX');
    expect([...received.values()].sort()).toEqual(subjects.slice(0, 3).sort());
    // The same Message-IDs as the operator's copies in Dr Martin's Sent (what the app submitted).
    const sent = await envelopes(martin, 'Sent');
    expect([...received.keys()].sort()).toEqual([...sent.keys()].sort());
  }, 90_000);
});
