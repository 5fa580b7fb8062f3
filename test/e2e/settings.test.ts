import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { availableVariants, closeBrowser, screenshot, seriousA11yViolations, signIn, type LaunchedApp } from './harness.js';

afterAll(closeBrowser);

for (const variant of availableVariants()) {
  describe(`réglages de session et journal d’audit (${variant.name})`, () => {
    let app: LaunchedApp | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('keeps the chosen idle delay across a restart, and exports the signed audit trail', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-e2e-settings-'));
      app = await variant.launch({ dataDir });
      let { page } = app;
      await signIn(page);
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('idle-lock-select').selectOption('5');
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'Délai enregistré' }).count()).toBe(1);

      await page.getByTestId('audit-export').click();
      const status = page.getByTestId('audit-export-status');
      await expect.poll(() => status.innerText(), { timeout: 15_000 }).toMatch(/enregistrements? vérifiés? et exportés? dans journal-audit-/);
      const exports = path.join(dataDir, 'demo', 'exports');
      const files = fs.readdirSync(exports);
      expect(files.some((f) => f.endsWith('.jsonl'))).toBe(true);
      expect(files.some((f) => f.endsWith('.jsonl.sig'))).toBe(true);
      await screenshot(page, variant.name, 'settings-session-audit');
      expect(await seriousA11yViolations(page)).toEqual([]);

      await app.close();
      app = await variant.launch({ dataDir });
      page = app.page;
      await signIn(page);
      await page.getByTestId('nav-settings').click();
      await expect.poll(() => page.getByTestId('idle-lock-select').inputValue()).toBe('5');
    });
  });
}
