/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { closeBrowser, screenshot, seriousA11yViolations, signIn, webVariant, type LaunchedApp } from './harness.js';

/**
 * The messaging screen in demo mode (trainers): the fictitious mailbox main seeds in the demo
 * profile, read through the same screens as a real one — folders, keyboard in the list, the
 * read-receipt question, HTML in its sandboxed frame with remote images blocked, the PDF
 * preview, the search (Échap clears), the compose, and the reflow at 200 % zoom.
 * Screenshots of each state, axe on each.
 */
let app: LaunchedApp | undefined;

afterAll(async () => {
  await app?.close();
  await closeBrowser();
});

async function expectA11y(page: Page, state: string): Promise<void> {
  expect(await seriousA11yViolations(page), `axe : ${state}`).toEqual([]);
}

const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

describe('messagerie en mode démonstration (web)', () => {
  it('reads the demo mailbox with the keyboard, the mouse and the search; writes; reflows at 200 %', async () => {
    app = await webVariant.launch({ mode: 'demo' });
    const { page } = app;
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page);
    // A patient of the (empty) demo registry, for the compose's patient link and IHE_XDM.
    await page.getByTestId('nav-patients').click();
    await page.getByTestId('patients-new').click();
    await page.getByTestId('patient-form-birthName').fill('Exemple-Démo');
    await page.getByTestId('patient-form-firstNames').fill('Lucie');
    await page.getByTestId('patient-form-sex-F').check();
    await page.getByTestId('patient-form-birthDate').fill('02/05/1961');
    await page.getByTestId('patient-form-submit').click();
    await page.getByTestId('patient-file').waitFor();
    await page.getByTestId('nav-messagerie').click();

    // Folders, special ones in French, the inbox current, with its unread count.
    const inbox = page.locator('[data-testid="mail-folder"][data-folder="inbox"]');
    await inbox.waitFor();
    expect(await inbox.innerText()).toMatch(/Boîte de réception\s*\d+/);
    expect(await inbox.getAttribute('aria-current')).toBe('true');
    expect(await page.locator('[data-testid="mail-folder"][data-folder="sent"]').innerText()).toMatch(/Envoyés/);
    const rows = page.getByTestId('mail-row');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(4);
    const list = page.getByTestId('mail-list');
    expect(await list.getAttribute('role')).toBe('listbox');
    expect(Number(await list.getAttribute('data-total'))).toBe(await rows.count());
    // Unread rows say so in words, not by weight alone.
    expect(await page.locator('.mail-row-unread').first().innerText()).toMatch(/Non lu/);
    await screenshot(page, 'web', 'mail-demo-list');
    await expectA11y(page, 'messagerie démo, liste');

    // Keyboard: Tab-reachable list, ↓ moves the active row, Entrée opens it.
    await list.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    const active = await list.getAttribute('aria-activedescendant');
    expect(active).toBeTruthy();
    const activeSubject = await page.locator(`[id="${active}"] .mail-row-subject`).innerText();
    await page.keyboard.press('Enter');
    await page.getByTestId('mail-message').waitFor();
    expect(await page.getByTestId('mail-message-subject').innerText()).toBe(activeSubject);
    expect(await page.locator(`[id="${active}"]`).getAttribute('aria-selected')).toBe('true');
    expect(await focusedTestId(page)).toBe('mail-list');

    // The laboratory asks for a read receipt: the question, then « Ne pas envoyer ».
    await rows.filter({ hasText: 'accusé de lecture demandé' }).click();
    const prompt = page.getByTestId('mail-receipt-prompt');
    await prompt.waitFor();
    expect(await prompt.innerText()).toMatch(/L’expéditeur demande un accusé de lecture\.[\s\S]*Envoyer l’accusé[\s\S]*Ne pas envoyer/);
    await screenshot(page, 'web', 'mail-demo-receipt-asked');
    await expectA11y(page, 'messagerie démo, accusé demandé');
    await page.getByTestId('mail-receipt-decline').click();
    await expect.poll(() => page.getByTestId('mail-receipt-state').innerText()).toMatch(/Accusé de lecture refusé\u00a0: il ne sera pas envoyé/);

    // « Suivre » toggles the flag: pressed, and the row shows it (icon and words).
    const flag = page.getByTestId('mail-flag');
    expect(await flag.getAttribute('aria-pressed')).toBe('false');
    await flag.click();
    await expect.poll(() => flag.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => rows.filter({ hasText: 'accusé de lecture demandé' }).innerText()).toMatch(/suivi/);

    // HTML in a sandboxed frame (no scripts), remote image blocked with its explanation.
    await rows.filter({ hasText: 'Lettre de sortie' }).click();
    const frame = page.getByTestId('mail-body-html');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('allow-same-origin');
    expect(await page.frameLocator('[data-testid="mail-body-html"]').locator('body').innerText()).toMatch(/Votre patient fictif est sorti ce jour/);
    expect(await page.getByTestId('mail-remote-blocked').innerText()).toMatch(/Images distantes bloquées pour protéger votre confidentialité\.[\s\S]*Afficher les images/);
    await screenshot(page, 'web', 'mail-demo-html-remote-blocked');
    await expectA11y(page, 'messagerie démo, HTML et images bloquées');

    // A PDF attachment: preview drawn by pdf.js, then closed (focus back on « Aperçu »).
    await rows.filter({ hasText: 'Compte rendu de consultation' }).click();
    await page.getByTestId('mail-attachment-preview').click();
    await expect.poll(() => page.getByTestId('mail-pdf-canvas').getAttribute('data-rendered-page'), { timeout: 20_000 }).toBe('1');
    expect(await page.getByTestId('mail-pdf-page').innerText()).toBe('Page 1 sur 1');
    await screenshot(page, 'web', 'mail-demo-pdf');
    await expectA11y(page, 'messagerie démo, aperçu PDF');
    await page.getByTestId('mail-pdf-close').click();
    expect(await focusedTestId(page)).toBe('mail-attachment-preview');

    // Search over every folder; Échap clears it and the inbox comes back.
    const search = page.getByTestId('mail-search');
    await search.fill('fictif');
    await expect.poll(() => page.getByTestId('mail-list-title').innerText()).toMatch(/Résultats pour «\u00a0fictif\u00a0»/);
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(await inbox.getAttribute('aria-current')).toBeNull();
    await screenshot(page, 'web', 'mail-demo-search');
    await expectA11y(page, 'messagerie démo, recherche');
    await search.fill('zzzintrouvablezzz');
    await page.getByTestId('mail-list-empty').waitFor();
    expect(await page.getByTestId('mail-list-empty').innerText()).toMatch(/Aucun message ne correspond/);
    await search.press('Escape');
    expect(await search.inputValue()).toBe('');
    await expect.poll(() => page.getByTestId('mail-list-title').innerText()).toMatch(/Boîte de réception/);

    // Compose: the form, a refusal in French that keeps the text.
    await page.getByTestId('mail-new').click();
    await page.getByTestId('compose-to').waitFor();
    await page.getByTestId('messagerie-draft').fill('Texte à garder');
    await page.getByTestId('compose-send').click();
    await expect.poll(() => page.getByTestId('compose-to-error').innerText()).toMatch(/Indiquez au moins un destinataire/);
    expect(await page.getByTestId('messagerie-draft').inputValue()).toBe('Texte à garder');
    expect(await page.getByTestId('compose-read-receipt').isChecked()).toBe(true);
    await screenshot(page, 'web', 'mail-demo-compose');
    await expectA11y(page, 'messagerie démo, rédaction');

    // A patient and a PDF: « Joindre en IHE_XDM pour ce patient » is offered.
    expect(await page.getByTestId('compose-xdm').count()).toBe(0);
    await page.getByTestId('compose-patient-query').fill('Exemple');
    await page.getByTestId('compose-patient-search').click();
    await page.getByTestId('compose-patient-option').first().click();
    expect(await page.getByTestId('compose-patient-chosen').innerText()).toMatch(/EXEMPLE-DEMO LUCIE · 02\/05\/1961/);
    await page.getByTestId('compose-file').setInputFiles({ name: 'courrier.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await page.getByTestId('compose-xdm').check();
    await screenshot(page, 'web', 'mail-demo-compose-xdm');
    await expectA11y(page, 'messagerie démo, rédaction avec patient et IHE_XDM');

    // Opening a message meanwhile hides the compose without losing it.
    await rows.first().click();
    await page.getByTestId('mail-message').waitFor();
    expect(await page.getByTestId('mail-new').innerText()).toMatch(/Reprendre le message en cours/);
    await page.getByTestId('mail-new').click();
    expect(await page.getByTestId('messagerie-draft').inputValue()).toBe('Texte à garder');
    expect(await page.getByTestId('compose-xdm').isChecked()).toBe(true);
    // Sent (demo: filed in « Envoyés », nothing leaves); the form empties and says so.
    await page.getByTestId('compose-to').fill('bruno.modele@demo.mssante.invalid');
    await page.getByTestId('compose-subject').fill('Courrier pour Mme EXEMPLE-DÉMO');
    await page.getByTestId('compose-send').click();
    await expect.poll(() => page.getByTestId('compose-queued').innerText()).toMatch(/Message placé dans les envois en attente/);
    expect(await page.getByTestId('messagerie-draft').inputValue()).toBe('');
    expect(await page.getByTestId('compose-attachments').count()).toBe(0);

    // 200 % zoom on a 1280×720 screen: 640×360 CSS pixels, one column, nothing cut sideways.
    await page.setViewportSize({ width: 640, height: 360 });
    await page.getByTestId('compose-close').click();
    await rows.first().click();
    await page.getByTestId('mail-message').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'web', 'mail-demo-zoom200');
    await expectA11y(page, 'messagerie démo, zoom 200 %');
    expect(errors).toEqual([]);
  }, 90_000);
});
