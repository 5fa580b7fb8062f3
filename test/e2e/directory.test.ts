import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildExtractionZip, startExtractionServer, type ExtractionServer } from '../peers/annuaire/extractionServer.js';
import { extractionHeader, formatLine, recordOf } from '../peers/annuaire/generateExtraction.js';
import { closeBrowser, screenshot, screenshotDir, seriousA11yViolations, signIn, webVariant, type LaunchedApp } from './harness.js';

/**
 * Réglages › Annuaire Santé in Chromium through the web host (demo mode): the ANS ZIP of a
 * realistic size (≥ 50,000 mailboxes) downloaded from a server on 127.0.0.1 with the progress
 * bar moving, then the search by criteria and the autocompletion (the recipients' combobox),
 * by keyboard, with axe on each state. Web variant only: the download address is host
 * configuration, which the Electron variant does not take from the tests.
 */
let server: ExtractionServer;
let dir: string;
let lines = 0;
let app: LaunchedApp | undefined;

const HELENE = recordOf({
  type_bal: 'PER',
  adresse_bal: 'helene.zzyzx@medecin.mssante.fr',
  identifiant_pp: '10999999991',
  identification_nationale_pp: '810999999991',
  nom_exercice: 'ZZYZX-MÉNARD',
  prenom_exercice: 'Hélène',
  code_profession: '10',
  libelle_profession: 'Médecin',
  libelle_savoir_faire: 'Cardiologie et maladies vasculaires',
  raison_sociale_structure_bal: 'Clinique Sainte-Cécile',
  ligne_acheminement_structure_bal: '69003 LYON',
  code_postal_structure_bal: '69003',
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-e2e-directory-'));
  const built = await buildExtractionZip({ dir, targetBytes: 14_000_000, seed: 11, extraLines: [formatLine(extractionHeader(), HELENE)] });
  lines = built.lines;
  server = await startExtractionServer();
  // About three seconds of download: long enough to watch the bar move.
  server.serve({ file: built.zipFile, bytesPerSecond: Math.ceil(fs.statSync(built.zipFile).size / 3) });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await closeBrowser();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Annuaire Santé in Réglages (web)', () => {
  it('downloads and imports the ANS ZIP with a moving progress bar, then finds people by criteria and as one types', async () => {
    expect(lines).toBeGreaterThanOrEqual(50_000);
    app = await webVariant.launch({ mode: 'demo', directory: { downloadUrl: server.url, timeoutMs: 120_000 } });
    const { page } = app;
    await signIn(page);
    await page.getByTestId('nav-settings').click();
    const panel = page.getByTestId('directory-settings');
    await panel.getByTestId('directory-none').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await panel.getByTestId('directory-download').click();
    const bar = panel.getByTestId('directory-progress-bar');
    await bar.waitFor();
    // The bar is sampled while it runs: it moves, in both phases, and never backwards within one.
    const samples: { phase: string; value: number; max: number }[] = [];
    let shot = false;
    const started = Date.now();
    while (Date.now() - started < 90_000) {
      const summary = await panel.getByTestId('directory-summary').innerText();
      if (summary.startsWith('Import terminé')) break;
      if ((await bar.count()) === 1) {
        const sample = await bar
          .evaluate((el: HTMLProgressElement) => ({ phase: el.labels[0]?.textContent ?? '', value: el.value, max: el.max }))
          .catch(() => null);
        if (sample) {
          samples.push(sample);
          if (!shot && sample.phase.startsWith('Téléchargement') && sample.value > sample.max / 3) {
            await screenshot(page, 'web', 'directory-download-progress');
            expect(await seriousA11yViolations(page)).toEqual([]);
            shot = true;
          }
        }
      }
      await page.waitForTimeout(100);
    }
    await expect.poll(() => panel.getByTestId('directory-summary').innerText(), { timeout: 60_000 }).toMatch(/^Import terminé\u00a0: [\d\s\u202f\u00a0]+ boîtes aux lettres importées, 0 lignes rejetées\.$/);
    const download = samples.filter((s) => s.phase.startsWith('Téléchargement'));
    const reading = samples.filter((s) => s.phase.startsWith('Lecture'));
    expect(new Set(download.map((s) => s.value)).size).toBeGreaterThan(3);
    expect(new Set(reading.map((s) => s.value)).size).toBeGreaterThan(1);
    for (const phase of [download, reading]) for (let i = 1; i < phase.length; i += 1) expect(phase[i]!.value).toBeGreaterThanOrEqual(phase[i - 1]!.value);
    expect(shot).toBe(true);
    const count = Number((await panel.getByTestId('directory-count').innerText()).replace(/\D/g, ''));
    expect(count).toBe(lines);
    await expect.poll(() => panel.getByTestId('directory-progress').count()).toBe(0);
    await screenshot(page, 'web', 'directory-imported');

    const search = page.getByTestId('directory-search');
    // Autocompletion by keyboard: the combobox opens, ↓ highlights, Enter picks.
    const quick = search.getByTestId('directory-quick');
    await quick.click();
    await quick.pressSequentially('hélène zzy', { delay: 30 });
    await expect.poll(() => quick.getAttribute('aria-expanded')).toBe('true');
    const listbox = page.locator(`#${await quick.getAttribute('aria-controls')}`);
    const option = listbox.getByRole('option').first();
    expect(await option.innerText()).toMatch(/Hélène ZZYZX-MÉNARD[\s\S]*Médecin[\s\S]*69003 LYON[\s\S]*helene\.zzyzx@medecin\.mssante\.fr/);
    await quick.press('ArrowDown');
    expect(await quick.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    expect(await option.getAttribute('aria-selected')).toBe('true');
    await search.screenshot({ path: path.join(screenshotDir, 'web-directory-autocomplete.png') });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await quick.press('Enter');
    await expect.poll(() => quick.getAttribute('aria-expanded')).toBe('false');
    expect(await search.getByTestId('directory-chosen').innerText()).toContain('helene.zzyzx@medecin.mssante.fr');
    // Esc closes the suggestions and keeps the text.
    await quick.pressSequentially('dupont', { delay: 20 });
    await expect.poll(() => quick.getAttribute('aria-expanded')).toBe('true');
    await quick.press('Escape');
    expect(await quick.getAttribute('aria-expanded')).toBe('false');
    expect(await quick.inputValue()).toBe('dupont');

    // Search by criteria: a name and a city narrow 60,000 mailboxes down to one.
    await search.getByTestId('directory-search-name').fill('zzyzx');
    await search.getByTestId('directory-search-city').fill('Lyon');
    await search.getByTestId('directory-search-submit').click();
    const table = search.getByTestId('directory-results');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await table.locator('tbody tr').innerText()).toContain('helene.zzyzx@medecin.mssante.fr');
    await search.screenshot({ path: path.join(screenshotDir, 'web-directory-search.png') });
    await search.getByTestId('directory-search-name').fill('');
    await search.getByTestId('directory-search-city').fill('');
    await search.getByTestId('directory-search-profession').fill('infirmier');
    await search.getByTestId('directory-search-rpps').fill('');
    await search.getByTestId('directory-search-submit').click();
    await expect.poll(() => search.getByTestId('directory-search-status').innerText()).toMatch(/Résultats\u00a0: 50 Seuls les 50 premiers/);

    expect(await table.locator('tbody tr').count()).toBe(50);
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 180_000);
});
