/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPsc, type LocalPsc } from '../peers/oidc/localProvider.js';
import { createTestCard, type TestCard } from '../peers/softhsm/createTestCard.js';
import { closeBrowser, screenshot, screenshotDir, seriousA11yViolations, signIn, webVariant, type LaunchedApp } from './harness.js';

/**
 * Pro Santé Connect through the web host in Chromium, in normal mode on the SoftHSM2 test card:
 * Réglages › Pro Santé Connect opens the provider's page in a new window, the test account logs
 * in there, the provider sends that window back to the web host's /psc/callback, and the panel
 * shows the identity. Then: sign-out, an identity that is not the card's (refused, in French),
 * and the end of the PSC session with the card session.
 */

let card: TestCard;
let provider: LocalPsc;
let app: LaunchedApp | undefined;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-e2e-psc-'));
  card = await createTestCard(path.join(dir, 'card'), 'valid');
  provider = await startLocalPsc({
    port: 0,
    accounts: {
      jeanne: { idNat: '810100000017', givenName: 'Jeanne', familyName: 'HÉBERT-TEST' },
      paul: { idNat: '810100000025', givenName: 'Paul', familyName: 'AUTRE-TEST' },
    },
    // Loopback redirect URIs match on any port (RFC 8252 §7.3): the web host's port is random.
    redirectUris: ['http://127.0.0.1/psc/callback'],
  });
  // SoftHSM2 reads its configuration at C_Initialize, in this process (the web host's card service).
  process.env['SOFTHSM2_CONF'] = card.softhsmConf;
  app = await webVariant.launch({
    mode: 'normal',
    dataDir: path.join(dir, 'data'),
    card: { modulePath: card.modulePath, anchorFolders: [card.anchorsDir], crlSources: [card.crlPath], rescan: true, pollIntervalMs: 300 },
    psc: { issuer: provider.issuer, clientId: provider.clientId },
  });
});

afterAll(async () => {
  await app?.close();
  await provider?.close();
  await closeBrowser();
});

async function expectA11y(page: Page, state: string): Promise<void> {
  expect(await seriousA11yViolations(page), `axe : ${state}`).toEqual([]);
}

/** The whole page (harness) and the panel alone, which the sticky status bar may cover in the former. */
async function shots(page: Page, name: string): Promise<void> {
  await screenshot(page, 'web', name);
  await page.getByTestId('psc-panel').screenshot({ path: path.join(screenshotDir, `web-${name}-panel.png`) });
}

/** Clicks « Se connecter avec Pro Santé Connect » and returns the provider's window. */
async function openProviderWindow(page: Page): Promise<Page> {
  const popupPromise = page.context().waitForEvent('page', { timeout: 10_000 });
  await page.getByTestId('psc-sign-in').click();
  const popup = await popupPromise;
  await popup.waitForLoadState('domcontentloaded');
  return popup;
}

/** Logs the test account in on the provider's page; resolves on the page the window ends on. */
async function loginAs(popup: Page, account: string): Promise<string> {
  await popup.locator('#psc-test-login').waitFor();
  await popup.locator('#login').selectOption(account);
  await popup.locator('#psc-test-login').click();
  await popup.waitForURL(/\/psc\/callback\?/, { timeout: 10_000 });
  return popup.locator('main').innerText();
}

describe('Pro Santé Connect dans Réglages (web, carte SoftHSM2, fournisseur local)', () => {
  it('signs in through the provider’s window and shows the identity; signs out', async () => {
    const page = app!.page;
    await signIn(page, card.pin);
    await page.getByTestId('nav-settings').click();
    const panel = page.getByTestId('psc-panel');
    await panel.waitFor();
    expect(await panel.getByRole('heading', { level: 2 }).innerText()).toBe('Pro Santé Connect');
    expect(await panel.innerText()).toMatch(/se ferme quand vous verrouillez l’application ou retirez la carte/);
    await expect.poll(() => page.getByTestId('psc-state').innerText()).toBe('Non connecté à Pro Santé Connect.');
    await shots(page, 'psc-signed-out');
    await expectA11y(page, 'Pro Santé Connect, non connecté');

    const popup = await openProviderWindow(page);
    expect(new URL(popup.url()).origin).toBe(provider.issuer);
    // While the other window is open: said in the panel, with the link as a way round a blocker.
    await expect.poll(() => page.getByTestId('psc-state').innerText()).toMatch(/terminez-la dans la fenêtre Pro Santé Connect/);
    expect(await page.getByTestId('psc-open-link').getByRole('link').getAttribute('rel')).toBe('noopener noreferrer');
    await screenshot(popup, 'web', 'psc-provider-login');
    await shots(page, 'psc-waiting');
    await expectA11y(page, 'Pro Santé Connect, connexion en cours');

    const done = await loginAs(popup, 'jeanne');
    expect(done).toMatch(/Connexion réussie/);
    expect(done).toMatch(/Vous pouvez fermer cette fenêtre/);
    await screenshot(popup, 'web', 'psc-callback-success');
    await popup.close();

    // Back in the app: pushed by psc.changed, announced by the live region.
    await expect.poll(() => page.getByTestId('psc-state').innerText()).toBe('Connecté à Pro Santé Connect.');
    expect(await page.getByTestId('psc-identity-name').innerText()).toBe('Jeanne HÉBERT-TEST');
    expect(await page.getByTestId('psc-identity-idnat').innerText()).toBe('810100000017');
    expect(await page.getByTestId('psc-expires').innerText()).toMatch(/^valable jusqu’à \d{2}:\d{2}, renouvelé automatiquement$/);
    expect(await page.getByTestId('psc-state').locator('xpath=..').getAttribute('aria-live')).toBe('polite');
    await shots(page, 'psc-signed-in');
    await expectA11y(page, 'Pro Santé Connect, connecté');

    // Keyboard: the same button, now « Se déconnecter », keeps the focus.
    await page.getByTestId('psc-sign-out').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('psc-state').innerText()).toBe('Non connecté à Pro Santé Connect.');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('psc-sign-in');
    expect(await page.getByTestId('psc-identity').count()).toBe(0);
  });

  it('refuses a PSC identity that is not the card’s, in both windows, in French', async () => {
    const page = app!.page;
    const popup = await openProviderWindow(page);
    const refused = await loginAs(popup, 'paul');
    expect(refused).toMatch(/Connexion non aboutie/);
    expect(refused).toMatch(/ne correspond pas à la carte CPS insérée/);
    await screenshot(popup, 'web', 'psc-callback-mismatch');
    await popup.close();
    await expect.poll(() => page.getByTestId('psc-message').innerText()).toMatch(/L’identité Pro Santé Connect ne correspond pas à la carte CPS insérée/);
    expect(await page.getByTestId('psc-state').innerText()).toBe('Non connecté à Pro Santé Connect.');
    await shots(page, 'psc-mismatch');
    await expectA11y(page, 'Pro Santé Connect, identité refusée');
  });

  it('ends with the card session, and says so once the card is back', async () => {
    const page = app!.page;
    const popup = await openProviderWindow(page);
    await loginAs(popup, 'jeanne');
    await popup.close();
    await expect.poll(() => page.getByTestId('psc-state').innerText()).toBe('Connecté à Pro Santé Connect.');

    await page.getByTestId('lock-button').click();
    await page.getByTestId('pin-input').waitFor();
    await signIn(page, card.pin);
    await page.getByTestId('nav-settings').click();
    await expect.poll(() => page.getByTestId('psc-state').innerText()).toBe('Non connecté à Pro Santé Connect.');
    expect(await page.getByTestId('psc-message').innerText()).toMatch(/la session de la carte CPS a pris fin/);
    await shots(page, 'psc-ended-with-card');
    await expectA11y(page, 'Pro Santé Connect, fermé avec la carte');
  });
});
