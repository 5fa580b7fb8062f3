import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestCard, pullToken } from '../peers/softhsm/createTestCard.js';
import { closeBrowser, screenshot, seriousA11yViolations, signIn, webVariant, type LaunchedApp } from './harness.js';

afterAll(closeBrowser);

/**
 * Card renewal through the screens, on two SoftHSM2 tokens of the same practitioner (the new
 * card with new keys; its first name spelled differently so the test can tell them apart).
 */
describe('renouvellement de la carte CPS (web, SoftHSM2)', () => {
  let app: LaunchedApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('transfers the vault to the new card from the settings; the new card then opens it alone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-e2e-renewal-'));
    const oldCard = await createTestCard(path.join(dir, 'card'), 'valid', { tokenLabel: 'CPS ANCIENNE' });
    await createTestCard(path.join(dir, 'card'), 'valid', { tokenLabel: 'CPS NOUVELLE', freshKeys: true, practitioner: { firstName: 'Jeanne Marie' } });
    process.env['SOFTHSM2_CONF'] = oldCard.softhsmConf;
    app = await webVariant.launch({
      mode: 'normal',
      dataDir: path.join(dir, 'data'),
      card: { modulePath: oldCard.modulePath, anchorFolders: [oldCard.anchorsDir], crlSources: [oldCard.crlPath], rescan: true, pollIntervalMs: 300 },
    });
    const { page } = app;
    const holder = page.getByTestId('lock-card-holder');
    await page.getByTestId('slot-choice').waitFor();
    await holder.waitFor();
    if (!/Dr Jeanne HÉBERT-TEST/.test(await holder.innerText())) {
      await page.getByTestId('slot-choice').getByRole('button').first().click();
      await expect.poll(() => holder.innerText()).toMatch(/Dr Jeanne HÉBERT-TEST/);
    }
    expect((await signIn(page, oldCard.pin)).recoveryCodeShown).toBe(true);

    await page.getByTestId('nav-settings').click();
    const panel = page.getByTestId('card-transfer');
    await panel.waitFor();
    await page.getByTestId('transfer-pin').fill('1234');
    await page.getByTestId('transfer-submit').click();
    await expect.poll(() => page.getByTestId('transfer-status').innerText(), { timeout: 15_000 }).toMatch(/nouvelle carte ouvre désormais le coffre/);
    expect(await page.getByTestId('transfer-pin').inputValue()).toBe('');
    await screenshot(page, 'web', 'card-renewal-transferred');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The professional locks, then takes the old card out of the reader.
    await page.getByTestId('lock-button').click();
    await page.getByTestId('lock-screen').waitFor();
    pullToken(oldCard);
    await expect.poll(() => holder.innerText()).toMatch(/Jeanne Marie HÉBERT-TEST/);
    expect((await signIn(page, '1234')).recoveryCodeShown).toBe(false);
    await expect.poll(() => page.getByTestId('status-practitioner').innerText()).toMatch(/Jeanne Marie HÉBERT-TEST/);
  });
});
