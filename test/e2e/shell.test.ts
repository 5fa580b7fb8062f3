/// <reference lib="dom" />
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { availableVariants, closeBrowser, screenshot, seriousA11yViolations, signIn, type LaunchedApp } from './harness.js';

const screens = [
  { id: 'messagerie', heading: /Messagerie/ },
  { id: 'patients', heading: /Patients/ },
  { id: 'dmp', heading: /DMP/ },
  { id: 'outbox', heading: /Envois en attente/ },
  { id: 'settings', heading: /Réglages/ },
] as const;

afterAll(closeBrowser);

for (const variant of availableVariants()) {
  describe(`coquille de l’application (${variant.name})`, () => {
    let app: LaunchedApp | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('opens in French in demo mode and shows every screen, each free of serious accessibility violations', async () => {
      app = await variant.launch();
      const { page } = app;
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
      // Demo mode opens on the lock screen with the virtual card: PIN 1234.
      await signIn(page);
      await page.getByTestId('demo-banner').waitFor();
      expect(await page.getByTestId('demo-banner').innerText()).toMatch(/DÉMONSTRATION/);
      await page.getByTestId('status-bar').waitFor();
      for (const screen of screens) {
        await page.getByTestId(`nav-${screen.id}`).click();
        const container = page.getByTestId(`screen-${screen.id}`);
        await container.waitFor();
        await expect.poll(() => container.getByRole('heading', { level: 1 }).innerText()).toMatch(screen.heading);
        expect(await page.getByTestId(`nav-${screen.id}`).getAttribute('aria-current')).toBe('page');
        await screenshot(page, variant.name, screen.id);
        expect(await seriousA11yViolations(page), `axe sur ${screen.id}`).toEqual([]);
      }
    });

    it('can be driven with the keyboard alone: skip link, navigation, focus on the new screen', async () => {
      app = await variant.launch();
      const { page } = app;
      await signIn(page);
      await page.getByTestId('status-bar').waitFor();
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => document.activeElement?.textContent ?? '');
      expect(first).toMatch(/Aller au contenu/);
      // Walk the tab order until the "Patients" entry has focus, then activate it.
      for (let i = 0; i < 15; i += 1) {
        const testId = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
        if (testId === 'nav-patients') break;
        await page.keyboard.press('Tab');
      }
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-patients');
      await page.keyboard.press('Enter');
      await page.getByTestId('screen-patients').waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    });

    it('switches to English from the settings, and back to French', async () => {
      app = await variant.launch();
      const { page } = app;
      await signIn(page);
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('locale-select').selectOption('en');
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
      await expect.poll(() => page.getByTestId('nav-outbox').innerText()).not.toMatch(/Envois en attente/);
      await screenshot(page, variant.name, 'settings-en');
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByTestId('locale-select').selectOption('fr');
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
    });

    it('keeps the application alive when a screen crashes, with a French message', async () => {
      app = await variant.launch();
      const { page } = app;
      await signIn(page);
      await page.getByTestId('status-bar').waitFor();
      await page.evaluate(() => {
        window.location.hash = '#/__crash';
      });
      const message = page.getByTestId('error-boundary');
      await message.waitFor();
      expect(await message.innerText()).toMatch(/problème/i);
      await screenshot(page, variant.name, 'error-boundary');
      expect(await seriousA11yViolations(page)).toEqual([]);
      // Navigation still works after the crash.
      await page.getByTestId('nav-messagerie').click();
      await page.getByTestId('screen-messagerie').waitFor();
    });
  });
}
