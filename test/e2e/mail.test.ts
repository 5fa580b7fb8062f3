/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPdf } from '../../electron/demo/demoMailbox.js';
import { startMailServer, type TestMailServer, type TestMailUser } from '../peers/mail/mailServer.js';
import { createTestCard, type TestCard } from '../peers/softhsm/createTestCard.js';
import { closeBrowser, screenshot, seriousA11yViolations, signIn, webVariant, type LaunchedApp } from './harness.js';

/**
 * Messagerie end to end (issue 7, point 7): two practitioners, two SoftHSM2 cards, two web
 * hosts in normal mode on the real test operator (Dovecot + Postfix). A writes to B with a PDF
 * and a read receipt asked; B's list shows it (pushed by IDLE), B opens it, previews the PDF,
 * sends the receipt; A's sent message shows « Lu par … ». Screenshots and axe at each step.
 */
let dir: string;
let server: TestMailServer;
let cardA: TestCard;
let cardB: TestCard;
let appA: LaunchedApp | undefined;
let appB: LaunchedApp | undefined;
let martin: TestMailUser;
let durand: TestMailUser;

const PDF = demoPdf(['Compte rendu de consultation - TEST', 'Patient fictif', 'Document de test, sans valeur medicale.']);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-e2e-mail-'));
  server = await startMailServer({ dir: path.join(dir, 'mail') });
  [martin, durand] = server.users as [TestMailUser, TestMailUser];
  // Both tokens in one token directory: one PKCS#11 library per process serves both hosts.
  cardA = await createTestCard(path.join(dir, 'cards'), 'valid', { tokenLabel: 'CPS MARTIN' });
  cardB = await createTestCard(path.join(dir, 'cards'), 'valid', { tokenLabel: 'CPS DURAND', freshKeys: true, practitioner: { rpps: '10100000025', lastName: 'DURAND-TEST' } });
}, 120_000);

afterAll(async () => {
  await appA?.close();
  await appB?.close();
  await closeBrowser();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function launch(card: TestCard, user: TestMailUser, name: string): Promise<LaunchedApp> {
  process.env['SOFTHSM2_CONF'] = card.softhsmConf;
  const endpoint = (port: number) => ({ host: '127.0.0.1', port, caFile: server.tls.caFile, servername: 'localhost' });
  return webVariant.launch({
    mode: 'normal',
    dataDir: path.join(dir, name),
    // No rescan: a C_Finalize by one host would end the other's session.
    card: { modulePath: card.modulePath, anchorFolders: [card.anchorsDir], crlSources: [card.crlPath], rescan: false, pollIntervalMs: 300 },
    mail: {
      address: user.address,
      submission: endpoint(server.submissionPort),
      imap: endpoint(server.imapPort),
      auth: { type: 'password', user: user.address, password: user.password },
      serverFilesSentCopy: true,
      productReference: 'CADUCEE-TEST-NIL',
      settleMs: 2_000,
    },
  });
}

/** Both cards are in the reader: pick the one whose holder is `lastName`, then the PIN. */
async function signInWith(page: Page, lastName: string, pin: string): Promise<void> {
  const holder = page.getByTestId('lock-card-holder');
  const choice = page.getByTestId('slot-choice');
  await choice.waitFor({ timeout: 15_000 });
  const buttons = choice.getByRole('button');
  const shows = async () => (await holder.count()) > 0 && (await holder.innerText()).includes(lastName);
  for (let i = 0; i < (await buttons.count()) && !(await shows()); i += 1) {
    await buttons.nth(i).click();
    // The holder line follows the chosen slot a moment later.
    await expect.poll(shows, { timeout: 3_000 }).toBe(true).catch(() => undefined);
  }
  expect(await holder.innerText()).toContain(lastName);
  await signIn(page, pin);
}

async function expectA11y(page: Page, state: string): Promise<void> {
  expect(await seriousA11yViolations(page), `axe : ${state}`).toEqual([]);
}

const rowWith = (page: Page, subject: string) => page.getByTestId('mail-row').filter({ hasText: subject });

describe('messagerie : A écrit à B avec un PDF et un accusé de lecture (web, SoftHSM2, Dovecot + Postfix)', () => {
  it('B receives, reads, previews the PDF and sends the receipt; A sees « Lu par … » on the sent message', async () => {
    appA = await launch(cardA, martin, 'a');
    appB = await launch(cardB, durand, 'b');
    const a = appA.page;
    const b = appB.page;
    const errors: string[] = [];
    for (const page of [a, b]) page.on('pageerror', (error) => errors.push(error.message));
    for (const page of [a, b]) page.on('console', (m) => m.type() === 'error' && console.log('console', m.text()));
    await signInWith(a, 'HÉBERT-TEST', cardA.pin);
    await signInWith(b, 'DURAND-TEST', cardB.pin);

    // A: the messaging screen, the mailbox synced (folders in French), then « Nouveau message ».
    await a.getByTestId('nav-messagerie').click();
    await a.locator('[data-testid="mail-folder"][data-folder="inbox"]').waitFor({ timeout: 30_000 });
    expect(await a.getByTestId('mail-offline').count()).toBe(0);
    await screenshot(a, 'web', 'mail-a-inbox');
    await expectA11y(a, 'A, boîte de réception');

    await a.getByTestId('mail-new').click();
    const subject = `Compte rendu de consultation ${Date.now().toString(36)}`;
    await a.getByTestId('compose-to').fill(durand.address);
    await a.getByTestId('compose-subject').fill(subject);
    await a.getByTestId('messagerie-draft').fill('Cher confrère,\n\nVeuillez trouver ci-joint le compte rendu.\n\nDr Martin');
    await a.getByTestId('compose-file').setInputFiles({ name: 'compte-rendu.pdf', mimeType: 'application/pdf', buffer: PDF });
    await expect.poll(() => a.getByTestId('compose-attachments').innerText()).toMatch(/compte-rendu\.pdf/);
    expect(await a.getByTestId('compose-read-receipt').isChecked()).toBe(true);
    await screenshot(a, 'web', 'mail-a-compose');
    await expectA11y(a, 'A, rédaction');
    await a.getByTestId('compose-send').click();
    await expect.poll(() => a.getByTestId('compose-queued').innerText(), { timeout: 15_000 }).toMatch(/Message placé dans les envois en attente\u00a0: il part dès que possible/);
    expect(await a.getByTestId('compose-to').inputValue()).toBe('');
    await screenshot(a, 'web', 'mail-a-queued');

    // B: the message arrives in the list (IDLE push, no reload), unread, with its attachment.
    await b.getByTestId('nav-messagerie').click();
    const row = rowWith(b, subject);
    await row.waitFor({ timeout: 45_000 });
    expect(await row.getAttribute('class')).toContain('mail-row-unread');
    expect(await row.innerText()).toMatch(/Non lu/);
    expect(await row.innerText()).toMatch(/pièce jointe/);
    await screenshot(b, 'web', 'mail-b-list');
    await expectA11y(b, 'B, liste avec le nouveau message');

    // B opens it: headers, the read-receipt question, the PDF listed with its size.
    await row.click();
    await b.getByTestId('mail-message').waitFor();
    expect(await b.getByTestId('mail-message-subject').innerText()).toBe(subject);
    expect(await b.getByTestId('mail-message-from').innerText()).toContain(martin.address);
    expect(await b.getByTestId('mail-body-text').innerText()).toMatch(/Veuillez trouver ci-joint le compte rendu/);
    const prompt = b.getByTestId('mail-receipt-prompt');
    await prompt.waitFor();
    expect(await prompt.innerText()).toMatch(/L’expéditeur demande un accusé de lecture\./);
    expect(await b.getByTestId('mail-attachment').innerText()).toMatch(/compte-rendu\.pdf[\s\S]*octets|Ko/);
    // Opened means read: the row is no longer bold.
    await expect.poll(async () => (await rowWith(b, subject).getAttribute('class')) ?? '', { timeout: 10_000 }).toContain('mail-row-seen');
    await screenshot(b, 'web', 'mail-b-message');
    await expectA11y(b, 'B, message ouvert');

    // The PDF preview: pdf.js draws page 1 in a canvas.
    await b.getByTestId('mail-attachment-preview').click();
    const canvas = b.getByTestId('mail-pdf-canvas');
    await expect.poll(() => canvas.getAttribute('data-rendered-page'), { timeout: 20_000 }).toBe('1');
    const painted = await canvas.evaluate((el) => {
      const c = el as HTMLCanvasElement;
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 128 && (data[i + 3] ?? 0) > 0) dark += 1;
      return { width: c.width, height: c.height, dark };
    });
    expect(painted.width).toBeGreaterThan(100);
    // Text drawn: some dark pixels on the page.
    expect(painted.dark).toBeGreaterThan(100);
    await screenshot(b, 'web', 'mail-b-pdf-preview');
    await expectA11y(b, 'B, aperçu du PDF');

    // B sends the receipt; the question goes, the state says it left for the outbox.
    await b.getByTestId('mail-receipt-send').click();
    await expect.poll(() => b.getByTestId('mail-receipt-state').innerText()).toMatch(/Accusé de lecture accepté\u00a0: il part dès que possible/);
    expect(await b.getByTestId('mail-receipt-send').count()).toBe(0);
    await screenshot(b, 'web', 'mail-b-receipt-sent');
    await expectA11y(b, 'B, accusé envoyé');

    // B replies: the compose comes prefilled (A's address, « RE : », the quote) and queues it.
    await b.getByTestId('mail-reply').click();
    await b.getByTestId('mail-compose').waitFor();
    expect(await b.getByTestId('mail-compose').innerText()).toContain(martin.address);
    expect(await b.getByTestId('compose-subject').inputValue()).toBe(`RE\u00a0: ${subject}`);
    expect(await b.getByTestId('messagerie-draft').inputValue()).toMatch(/a écrit\u00a0:\n> Cher confrère,/);
    await b.getByTestId('messagerie-draft').press('Control+Home');
    await b.getByTestId('messagerie-draft').pressSequentially('Merci, bien reçu. ');
    await screenshot(b, 'web', 'mail-b-reply');
    await expectA11y(b, 'B, réponse');
    await b.getByTestId('compose-send').click();
    await expect.poll(() => b.getByTestId('compose-queued').innerText(), { timeout: 15_000 }).toMatch(/Message placé dans les envois en attente/);

    // A: « Envoyés », the message, and the receipt once it came back.
    await a.getByTestId('compose-close').click();
    await a.locator('[data-testid="mail-folder"][data-folder="sent"]').click();
    const sentRow = rowWith(a, subject);
    await sentRow.waitFor({ timeout: 30_000 });
    await sentRow.click();
    await a.getByTestId('mail-message').waitFor();
    const receipt = a.getByTestId('mail-receipt');
    await receipt.first().waitFor({ timeout: 45_000 });
    expect(await receipt.first().innerText()).toMatch(new RegExp(`Lu par ${durand.address.replace('.', '\\.')} le .+ à \\d\\d:\\d\\d`));
    // The list says it too, in words for screen readers (the row re-reads on `mail.changed`).
    await sentRow.locator('.mail-icon-receipt').waitFor({ timeout: 15_000 });
    expect(await sentRow.innerText()).not.toContain('accusé de lecture demandé');
    await screenshot(a, 'web', 'mail-a-sent-receipt');
    await expectA11y(a, 'A, message envoyé avec accusé');

    // A's inbox: B's reply arrives, answering the original.
    await a.locator('[data-testid="mail-folder"][data-folder="inbox"]').click();
    await rowWith(a, `RE\u00a0: ${subject}`).waitFor({ timeout: 45_000 });

    // The operator goes away: B's screen says offline, and the stored messages stay readable.
    await server.stop();
    const offline = b.getByTestId('mail-offline');
    await offline.waitFor({ timeout: 45_000 });
    expect(await offline.innerText()).toBe('Hors ligne\u00a0: la messagerie affiche les messages enregistrés\u00a0; les envois partiront au retour du réseau.');
    await b.getByTestId('compose-close').click();
    await rowWith(b, subject).first().click();
    await expect.poll(() => b.getByTestId('mail-message-subject').innerText()).toBe(subject);
    await screenshot(b, 'web', 'mail-b-offline');
    await expectA11y(b, 'B, hors ligne');
    expect(errors).toEqual([]);
  }, 180_000);
});
