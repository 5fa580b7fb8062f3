/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestCard, pullToken, reinsertToken, type TestCard, type TestCardVariant } from '../peers/softhsm/createTestCard.js';
import {
  availableVariants,
  closeBrowser,
  DEMO_PIN,
  screenshot,
  seriousA11yViolations,
  signIn,
  submitPin,
  webVariant,
  type LaunchedApp,
} from './harness.js';

/**
 * The CPS card through the whole stack: lock screen, PIN dialog, recovery code, status bar,
 * removal. The demo's virtual card on every variant; the SoftHSM2 test card (a real PKCS#11
 * token) through the web host, whose card service runs in this process.
 */

/** Counts the calls of `method` that the page sends over the web host's WebSocket. */
function countCalls(page: Page, method: string): { readonly count: () => number } {
  let count = 0;
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes(`"${method}"`)) count += 1;
    });
  });
  return { count: () => count };
}

async function expectLockWithin(page: Page, ms: number, title: RegExp): Promise<number> {
  const started = Date.now();
  await page.getByTestId('lock-screen').waitFor({ timeout: ms });
  const elapsed = Date.now() - started;
  await expect.poll(() => page.getByTestId('lock-title').innerText()).toMatch(title);
  return elapsed;
}

/** The application under the lock is still there (nothing lost) but unreachable. */
async function expectShellCovered(page: Page): Promise<void> {
  const shell = page.getByTestId('app-shell');
  expect(await shell.count()).toBe(1);
  expect(await shell.getAttribute('inert')).not.toBeNull();
  expect(await shell.getAttribute('aria-hidden')).toBe('true');
}

async function expectA11y(page: Page, state: string): Promise<void> {
  expect(await seriousA11yViolations(page), `axe : ${state}`).toEqual([]);
}

/** Card removal on SoftHSM2: the token folder leaves SoftHSM2's token directory (the peer's pullToken). */
const pullCard = pullToken;
const reinsertCard = reinsertToken;

afterAll(closeBrowser);

for (const variant of availableVariants()) {
  describe(`carte de démonstration (${variant.name})`, () => {
    let app: LaunchedApp | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('locks at start, says it is a demo with PIN 1234, signs in once, shows the recovery code once, locks again on removal', async () => {
      let signIns: { count: () => number } = { count: () => 0 };
      let activity: { count: () => number } = { count: () => 0 };
      app = await variant.launch(
        variant.name === 'web'
          ? {
              beforeLoad: (page) => {
                signIns = countCalls(page, 'card.signIn');
                activity = countCalls(page, 'session.activity');
              },
            }
          : {},
      );
      const { page } = app;

      // Lock screen with the PIN dialog, the demo hint and the PIN to type; the field has focus.
      await page.getByTestId('pin-input').waitFor();
      expect(await page.getByTestId('lock-title').innerText()).toMatch(/code PIN/);
      const hint = await page.getByTestId('lock-demo-hint').innerText();
      expect(hint).toMatch(/DÉMONSTRATION/);
      expect(hint).toMatch(/1234/);
      expect(await page.getByTestId('lock-card-holder').innerText()).toMatch(/Camille/);
      const input = page.getByTestId('pin-input');
      expect(await input.getAttribute('type')).toBe('password');
      expect(await input.getAttribute('inputmode')).toBe('numeric');
      expect(await input.getAttribute('autocomplete')).toBe('off');
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('pin-input');
      await expectShellCovered(page);
      await screenshot(page, variant.name, 'card-demo-lock');
      await expectA11y(page, 'écran de verrouillage (démo)');

      // A malformed PIN never leaves the renderer.
      await submitPin(page, '12');
      await expect.poll(() => page.getByTestId('pin-error').innerText()).toMatch(/4 chiffres/);

      // A wrong PIN: announced, the field emptied, nothing resent.
      await submitPin(page, '9999');
      const error = page.getByTestId('pin-error');
      await expect.poll(() => error.innerText()).toMatch(/Code PIN incorrect/);
      expect(await error.getAttribute('role')).toBe('alert');
      expect(await input.inputValue()).toBe('');
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('pin-input');
      await screenshot(page, variant.name, 'card-demo-pin-error');
      await expectA11y(page, 'code PIN erroné (démo)');

      // The right PIN: the recovery code, once, before the application.
      await submitPin(page, DEMO_PIN);
      const recovery = page.getByTestId('recovery-dialog');
      await recovery.waitFor();
      expect(await recovery.innerText()).toMatch(/il ne sera plus affiché/i);
      expect(await page.getByTestId('recovery-code').innerText()).toMatch(/^[0-9A-Z]{4}( [0-9A-Z]{4}){5}$/);
      expect(await page.getByTestId('recovery-continue').isDisabled()).toBe(true);
      await expectShellCovered(page);
      await screenshot(page, variant.name, 'card-demo-recovery-code');
      await expectA11y(page, 'code de récupération');
      await page.getByTestId('recovery-noted').check();
      await page.getByTestId('recovery-continue').click();
      await recovery.waitFor({ state: 'detached' });

      // Signed in: the practitioner in the status bar, the shell usable again.
      const practitioner = page.getByTestId('status-practitioner');
      await expect.poll(() => practitioner.innerText()).toMatch(/Dr Camille DÉMO · Médecin · RPPS 99900000001/);
      expect(await page.getByTestId('app-shell').getAttribute('inert')).toBeNull();
      expect(await page.getByTestId('lock-screen').count()).toBe(0);
      await expect.poll(() => page.getByTestId('status-card').innerText()).toMatch(/connectée/);
      await screenshot(page, variant.name, 'card-demo-signed-in');
      await expectA11y(page, 'connecté (démo)');
      if (variant.name === 'web') {
        // Two submits reached main (wrong PIN, right PIN); the malformed one did not.
        expect(signIns.count()).toBe(2);
        // Activity while signed in postpones the idle lock, throttled to one call per 30 s.
        await page.getByTestId('nav-patients').click();
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        await expect.poll(() => activity.count()).toBe(1);
      }

      // "Retirer la carte": the lock screen is back within 2 s, saying to insert the card.
      await page.getByTestId('status-remove-card').click();
      expect(await expectLockWithin(page, 2_000, /Insérez votre carte CPS/)).toBeLessThan(2_000);
      await expectShellCovered(page);
      await screenshot(page, variant.name, 'card-demo-removed');
      await expectA11y(page, 'carte retirée (démo)');

      // Put back, signed in again: no recovery code the second time.
      await page.getByTestId('demo-insert-card').click();
      const again = await signIn(page);
      expect(again.recoveryCodeShown).toBe(false);

      // "Verrouiller" signs the card out: the PIN dialog comes back (the card stays inserted).
      await page.getByTestId('lock-button').click();
      await page.getByTestId('pin-input').waitFor();
      await expectShellCovered(page);
    });

    it('warns before the last try, then explains the blocked card (PUK, outside the app) and asks no more PIN', async () => {
      app = await variant.launch();
      const { page } = app;
      const error = page.getByTestId('pin-error');

      await submitPin(page, '1111');
      await expect.poll(() => error.innerText()).toMatch(/Code PIN incorrect\. Il reste peu d’essais/);
      await submitPin(page, '2222');
      await expect.poll(() => error.innerText()).toMatch(/il ne reste qu’un essai\. Le prochain code erroné bloquera la carte/);
      await screenshot(page, variant.name, 'card-demo-final-try');
      await expectA11y(page, 'dernier essai (démo)');

      // The same warning before typing, on a fresh PIN dialog for that card.
      await page.getByTestId('demo-remove-card').click();
      await page.getByTestId('demo-insert-card').click();
      const before = page.getByTestId('pin-status-warning');
      await before.waitFor();
      expect(await before.innerText()).toMatch(/Un nouveau code erroné bloquera la carte/);
      expect(await error.count()).toBe(0);
      expect(await page.getByTestId('pin-input').getAttribute('aria-describedby')).toContain(await before.getAttribute('id'));

      await submitPin(page, '3333');
      const blocked = page.getByTestId('card-blocked');
      await blocked.waitFor();
      expect(await page.getByTestId('lock-title').innerText()).toMatch(/Carte bloquée/);
      expect(await blocked.innerText()).toMatch(/PUK/);
      expect(await page.getByTestId('pin-input').count()).toBe(0);
      await expectShellCovered(page);
      await screenshot(page, variant.name, 'card-demo-blocked');
      await expectA11y(page, 'carte bloquée (démo)');
    });
  });
}

describe('carte remplacée : le coffre se rouvre avec le code de récupération (web)', () => {
  let app: LaunchedApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('a new card for the same practitioner cannot open the vault; PIN + recovery code reopen it, once', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-e2e-recovery-'));
    app = await webVariant.launch({ dataDir });
    let page = app.page;
    await submitPin(page, DEMO_PIN);
    await page.getByTestId('recovery-dialog').waitFor();
    const recoveryCode = (await page.getByTestId('recovery-code').innerText()).replace(/\s+/g, '-');
    await page.getByTestId('recovery-noted').check();
    await page.getByTestId('recovery-continue').click();
    await page.getByTestId('status-practitioner').waitFor();
    await app.close();

    // A replacement card: same practitioner, new keys (the demo card is re-created at start).
    fs.rmSync(path.join(dataDir, 'demo', 'demo-card'), { recursive: true, force: true });
    app = await webVariant.launch({ dataDir });
    page = app.page;
    await submitPin(page, DEMO_PIN);
    const error = page.getByTestId('pin-error');
    await expect.poll(() => error.innerText()).toMatch(/code de récupération/);
    const entry = page.getByTestId('recovery-input');
    await entry.waitFor();
    await screenshot(page, 'web', 'card-demo-vault-recovery');
    await expectA11y(page, 'coffre à rouvrir avec le code de récupération');

    // A wrong code: said so, the field stays.
    await page.getByTestId('pin-input').fill(DEMO_PIN);
    await entry.fill('0000-0000-0000-0000-0000-0000');
    await page.getByTestId('pin-submit').click();
    await expect.poll(() => error.innerText()).toMatch(/code de récupération est incorrect/);
    expect(await entry.inputValue()).toBe('');

    await page.getByTestId('pin-input').fill(DEMO_PIN);
    await entry.fill(recoveryCode);
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('lock-screen').waitFor({ state: 'detached' });
    expect(await page.getByTestId('recovery-dialog').count()).toBe(0);
    await expect.poll(() => page.getByTestId('status-practitioner').innerText()).toMatch(/Dr Camille DÉMO/);

    // Re-protected for the new card: the PIN alone opens it now.
    await page.getByTestId('lock-button').click();
    const again = await signIn(page);
    expect(again.recoveryCodeShown).toBe(false);
  });
});

describe('carte CPS de test SoftHSM2 (web)', () => {
  let app: LaunchedApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function launchWith(variant: TestCardVariant): Promise<{ app: LaunchedApp; card: TestCard }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `caducee-e2e-card-${variant}-`));
    const card = await createTestCard(path.join(dir, 'card'), variant);
    // SoftHSM2 reads its configuration at C_Initialize, in this process (the web host's card service).
    process.env['SOFTHSM2_CONF'] = card.softhsmConf;
    const launched = await webVariant.launch({
      mode: 'normal',
      dataDir: path.join(dir, 'data'),
      card: { modulePath: card.modulePath, anchorFolders: [card.anchorsDir], crlSources: [card.crlPath], rescan: true, pollIntervalMs: 300 },
    });
    return { app: launched, card };
  }

  it('wrong PIN shows the tries left; right PIN signs in; pulling the card locks within 2 s and the draft survives', async () => {
    const launched = await launchWith('valid');
    app = launched.app;
    const { card } = launched;
    const { page } = app;

    await page.getByTestId('pin-input').waitFor();
    expect(await page.getByTestId('lock-card-holder').innerText()).toMatch(/Jeanne HÉBERT-TEST, Médecin/);
    expect(await page.getByTestId('lock-demo-hint').count()).toBe(0);
    await screenshot(page, 'web', 'card-softhsm-lock');
    await expectA11y(page, 'écran de verrouillage (SoftHSM2)');

    // SoftHSM2 sets CKF_USER_PIN_COUNT_LOW after a wrong PIN: "few tries left".
    await submitPin(page, '0000');
    await expect.poll(() => page.getByTestId('pin-error').innerText()).toMatch(/Code PIN incorrect\. Il reste peu d’essais/);
    await screenshot(page, 'web', 'card-softhsm-wrong-pin');
    await expectA11y(page, 'code PIN erroné (SoftHSM2)');

    const first = await signIn(page, card.pin);
    expect(first.recoveryCodeShown).toBe(true);
    await expect.poll(() => page.getByTestId('status-practitioner').innerText()).toMatch(/Dr Jeanne HÉBERT-TEST · Médecin · RPPS 10100000017/);
    await screenshot(page, 'web', 'card-softhsm-signed-in');

    // A draft in progress…
    await page.getByTestId('nav-messagerie').click();
    await page.getByTestId('mail-new').click();
    const draft = page.getByTestId('messagerie-draft');
    const text = 'Compte rendu en cours : patient revu ce jour, à compléter.';
    await draft.fill(text);

    // …the card leaves the reader: the lock screen is back within 2 s.
    pullCard(card);
    expect(await expectLockWithin(page, 2_000, /Insérez votre carte CPS/)).toBeLessThan(2_000);
    await expectShellCovered(page);
    await screenshot(page, 'web', 'card-softhsm-removed');
    await expectA11y(page, 'carte retirée (SoftHSM2)');
    // Still out after those scans (longer than a poll): no card seen where there is none.
    expect(await page.getByTestId('lock-title').innerText()).toMatch(/Insérez votre carte CPS/);
    expect(await page.getByTestId('pin-input').count()).toBe(0);

    // Back in, PIN again: the draft is still there, and so is the focus.
    reinsertCard(card);
    await page.getByTestId('pin-input').waitFor({ timeout: 5_000 });
    const second = await signIn(page, card.pin);
    expect(second.recoveryCodeShown).toBe(false);
    expect(await draft.inputValue()).toBe(text);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('messagerie-draft');
    await screenshot(page, 'web', 'card-softhsm-draft-kept');
  });

  it('with two cards inserted, offers the choice; each card shows its own state', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-e2e-card-two-'));
    const valid = await createTestCard(path.join(dir, 'card'), 'valid', { tokenLabel: 'CPS TEST A' });
    const revoked = await createTestCard(path.join(dir, 'card'), 'revoked', { tokenLabel: 'CPS TEST B' });
    process.env['SOFTHSM2_CONF'] = valid.softhsmConf;
    app = await webVariant.launch({
      mode: 'normal',
      dataDir: path.join(dir, 'data'),
      // The revoked card's CRL: same issuer, it lists only that card.
      card: { modulePath: valid.modulePath, anchorFolders: [valid.anchorsDir], crlSources: [revoked.crlPath], rescan: true, pollIntervalMs: 300 },
    });
    const { page } = app;
    const choice = page.getByTestId('slot-choice');
    await choice.waitFor();
    const title = page.getByTestId('lock-title');
    const first = await title.innerText();
    expect(first).toMatch(/Saisissez votre code PIN|Carte refusée/);
    await screenshot(page, 'web', 'card-softhsm-two-cards');
    await expectA11y(page, 'deux cartes');

    await choice.getByRole('button').first().click();
    const other = /PIN/.test(first) ? /Carte refusée/ : /Saisissez votre code PIN/;
    await expect.poll(() => title.innerText()).toMatch(other);
    // On the valid card, and only there, the PIN is asked.
    if ((await title.innerText()).includes('PIN')) {
      expect(await page.getByTestId('pin-input').count()).toBe(1);
    } else {
      expect(await page.getByTestId('card-refusal').innerText()).toMatch(/révoquée/);
      expect(await page.getByTestId('pin-input').count()).toBe(0);
    }
  });

  for (const [variant, reason] of [
    ['revoked', /révoquée/],
    ['expired', /expiré/],
  ] as const) {
    it(`a ${variant} card is refused with its French reason, and its PIN is never asked`, async () => {
      app = (await launchWith(variant)).app;
      const { page } = app;
      const refusal = page.getByTestId('card-refusal');
      await refusal.waitFor();
      expect(await page.getByTestId('lock-title').innerText()).toMatch(/Carte refusée/);
      expect(await refusal.innerText()).toMatch(reason);
      expect(await page.getByTestId('pin-input').count()).toBe(0);
      await expectShellCovered(page);
      await screenshot(page, 'web', `card-softhsm-${variant}`);
      await expectA11y(page, `carte refusée (${variant})`);
    });
  }
});
