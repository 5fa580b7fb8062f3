/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { computeInsKey } from '../../electron/identity/insMatricule.js';
import { closeBrowser, screenshot, seriousA11yViolations, signIn, webVariant, type LaunchedApp } from './harness.js';

/**
 * Patients and INS in the demo mode, through the web host in Chromium: a new patient (a wrong
 * INS key refused field by field, in French), found again without accents, verified with the
 * demo INSi ("C'est bien ce patient" → récupérée), then an identity document → qualifiée.
 * Screenshots and an axe scan of the list, the form with an error, the file and the comparison.
 */
afterAll(closeBrowser);

async function expectA11y(page: Page, state: string): Promise<void> {
  expect(await seriousA11yViolations(page), `axe : ${state}`).toEqual([]);
}

const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);

/** Élise MARTIN-DURAND is one of the demo INSi's fictitious people (electron/demo/demoInsi.ts). */
const MATRICULE = '2850375056123';

describe('patients (web host, demo mode)', () => {
  let app: LaunchedApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('creates, finds, verifies with INSi and qualifies a patient; refuses a wrong INS key in French', async () => {
    app = await webVariant.launch({ mode: 'demo' });
    const { page } = app;
    await signIn(page);
    await page.getByTestId('nav-patients').click();
    await page.getByTestId('patients-new').click();

    // The form: a wrong INS key is refused beside the field, announced, and focus goes there.
    const form = page.getByTestId('patient-form');
    await form.waitFor();
    await page.getByTestId('patient-form-birthName').fill('Martin-Durand');
    await page.getByTestId('patient-form-firstNames').fill('Élise');
    await page.getByTestId('patient-form-sex-F').check();
    await page.getByTestId('patient-form-birthDate').fill('14/03/1985');
    const wrongKey = String((Number(computeInsKey(MATRICULE)) % 97) + 1).padStart(2, '0');
    await page.getByTestId('patient-form-ins').fill(`2 85 03 75 056 123 ${wrongKey}`);
    await page.getByTestId('patient-form-submit').click();
    const insError = page.getByTestId('patient-form-error-ins');
    await expect.poll(() => insError.innerText()).toMatch(/clé du matricule INS ne correspond pas/);
    expect(await page.getByTestId('patient-form-ins').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('patient-form-ins').getAttribute('aria-describedby')).toContain(await insError.getAttribute('id'));
    expect(await page.getByTestId('patient-form-summary').getAttribute('role')).toBe('alert');
    expect(await page.getByTestId('patient-form-summary').innerText()).toMatch(/1 erreur/);
    await expect.poll(() => focusedTestId(page)).toBe('patient-form-ins');
    await screenshot(page, 'web', 'patients-form-error');
    await expectA11y(page, 'formulaire avec une erreur');

    // A malformed date is caught before anything is sent.
    await page.getByTestId('patient-form-ins').fill('');
    await page.getByTestId('patient-form-birthDate').fill('1985-03-14');
    await page.getByTestId('patient-form-submit').click();
    await expect.poll(() => page.getByTestId('patient-form-error-birthDate').innerText()).toMatch(/JJ\/MM\/AAAA/);
    await page.getByTestId('patient-form-birthDate').fill('14/03/1985');
    await page.getByTestId('patient-form-submit').click();

    // The new file: provisional, with the warning that the INS will not leave the workstation.
    const file = page.getByTestId('patient-file');
    await file.waitFor();
    expect(await page.getByTestId('patient-status').getAttribute('data-status')).toBe('provisoire');
    expect(await page.getByTestId('ins-not-shared-warning').innerText()).toMatch(/Identité non qualifiée\s*:\s*l’INS ne sera pas transmis \(DMP, messagerie\)/);

    // Found again without accents or capitals, by name and by birth date.
    await page.getByTestId('patient-file-back').click();
    await expect.poll(() => focusedTestId(page)).toBe('patients-search-input');
    await page.getByTestId('patients-search-input').fill('martin durand elise');
    await page.getByTestId('patients-search-submit').click();
    await expect.poll(() => page.getByTestId('patients-row').count()).toBe(1);
    expect(await page.getByTestId('patients-count').innerText()).toMatch(/1 patient trouvé/);
    const row = await page.getByTestId('patients-row').innerText();
    expect(row).toMatch(/MARTIN-DURAND/);
    expect(row).toMatch(/14\/03\/1985/);
    expect(row).toMatch(/Féminin/);
    expect(row).toMatch(/Identité provisoire/);
    await screenshot(page, 'web', 'patients-list');
    await expectA11y(page, 'liste des patients');
    await page.getByTestId('patients-search-input').fill('14/03/1985');
    await page.getByTestId('patients-search-submit').click();
    await expect.poll(() => page.getByTestId('patients-count').innerText()).toMatch(/1 patient trouvé/);
    await page.getByTestId('patients-row').getByRole('button', { name: /Ouvrir le dossier de MARTIN-DURAND ELISE/ }).click();

    await file.waitFor();
    await expect.poll(() => focusedTestId(page)).toBe('patient-file-title');
    expect(await page.getByTestId('patient-status-meaning').innerText()).toMatch(/rien n’a été vérifié/);
    await screenshot(page, 'web', 'patients-file');
    await expectA11y(page, 'dossier patient');

    // INSi (demo double): its traits beside the file's; nothing recorded before the confirmation.
    await page.getByTestId('insi-lookup').click();
    const comparison = page.getByTestId('insi-comparison');
    await comparison.waitFor();
    expect(await page.getByTestId('insi-row-firstNames').innerText()).toMatch(/ELISE\s+ELISE MARIE/);
    expect(await page.getByTestId('insi-row-firstNames').innerText()).toMatch(/différent/);
    expect(await page.getByTestId('insi-row-birthPlace').innerText()).toMatch(/75056/);
    expect(await page.getByTestId('insi-row-birthName').innerText()).not.toMatch(/différent/);
    expect(await comparison.innerText()).toMatch(/INS de démonstration/);
    expect(await page.getByTestId('patient-status').getAttribute('data-status')).toBe('provisoire');
    await screenshot(page, 'web', 'patients-insi-comparison');
    await expectA11y(page, 'comparaison INSi');

    await page.getByRole('button', { name: 'C’est bien ce patient' }).click();
    await expect.poll(() => page.getByTestId('patient-status').getAttribute('data-status')).toBe('recuperee');
    expect(await page.getByTestId('insi-feedback').innerText()).toMatch(/Identité récupérée/);
    expect(await page.getByTestId('ins-not-shared-warning').isVisible()).toBe(true);
    expect(await page.getByTestId('patient-ins').innerText()).toMatch(/^2 •• •• •• ••• 123 \d{2}$/);
    await page.getByTestId('patient-ins-toggle').click();
    expect(await page.getByTestId('patient-ins').innerText()).toBe(`2 85 03 75 056 123 ${computeInsKey(MATRICULE)}`);

    // A high-trust document checked → qualifiée, and the warning goes.
    await page.getByTestId('document-select').selectOption('carte-identite');
    await page.getByTestId('document-record').click();
    await expect.poll(() => page.getByTestId('patient-status').getAttribute('data-status')).toBe('qualifiee');
    expect(await page.getByTestId('ins-not-shared-warning').count()).toBe(0);
    const history = await page.getByTestId('patient-history').innerText();
    for (const entry of [/Création/, /Téléservice INSi/, /Contrôle de pièce/, /Carte nationale d’identité/, /Identité qualifiée/]) expect(history).toMatch(entry);
    expect(history).toMatch(/899\d+/); // the demo practitioner's national identifier, as the actor
    await screenshot(page, 'web', 'patients-file-qualified');
    await expectA11y(page, 'dossier qualifié');
  });
});

describe('patients: editing an identity (web host, demo mode)', () => {
  let app: LaunchedApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('edits the used name and a strict trait (warned of the status consequence), lists both in the history; INSi traits are then read-only', async () => {
    app = await webVariant.launch({ mode: 'demo' });
    const { page } = app;
    await signIn(page);
    await page.getByTestId('nav-patients').click();
    await page.getByTestId('patients-new').click();
    await page.getByTestId('patient-form').waitFor();
    await page.getByTestId('patient-form-birthName').fill('Martin-Durand');
    await page.getByTestId('patient-form-firstNames').fill('Élise Marie');
    await page.getByTestId('patient-form-sex-F').check();
    await page.getByTestId('patient-form-birthDate').fill('14/03/1985');
    await page.getByTestId('patient-form-document').selectOption('passeport');
    await page.getByTestId('patient-form-submit').click();
    await page.getByTestId('patient-file').waitFor();
    expect(await page.getByTestId('patient-status').getAttribute('data-status')).toBe('validee');

    // The form opens prefilled, dates the French way; its heading takes focus.
    await page.getByTestId('patient-edit-open').click();
    await page.getByTestId('patient-edit-form').waitFor();
    expect(await page.getByTestId('patient-edit-birthName').inputValue()).toBe('MARTIN-DURAND');
    expect(await page.getByTestId('patient-edit-firstNames').inputValue()).toBe('ELISE MARIE');
    expect(await page.getByTestId('patient-edit-birthDate').inputValue()).toBe('14/03/1985');
    expect(await page.getByTestId('patient-edit-sex-F').isChecked()).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Modifier l’identité');

    // Only a used name: no warning. A strict trait too: the status consequence, before saving.
    await page.getByTestId('patient-edit-usedName').fill('Durand');
    expect(await page.getByTestId('patient-edit-strict-warning').count()).toBe(0);
    await page.getByTestId('patient-edit-birthPlace').fill('75056');
    const warning = page.getByTestId('patient-edit-strict-warning');
    await expect.poll(() => warning.innerText()).toMatch(/Attention\u00a0: vous modifiez un trait strict \(Lieu de naissance\)\. À l’enregistrement, l’identité repassera au statut «\u00a0Identité provisoire\u00a0»/);
    expect(await page.getByTestId('patient-edit-submit').getAttribute('aria-describedby')).toBe(await warning.getAttribute('id'));
    await screenshot(page, 'web', 'patients-edit');
    await expectA11y(page, 'modification de l’identité');

    // A malformed date: beside the field, summed up in an alert, focus on the field; nothing sent.
    await page.getByTestId('patient-edit-birthDate').fill('1985-03-14');
    await page.getByTestId('patient-edit-submit').click();
    await expect.poll(() => page.getByTestId('patient-edit-error-birthDate').innerText()).toMatch(/JJ\/MM\/AAAA/);
    expect(await page.getByTestId('patient-edit-summary').getAttribute('role')).toBe('alert');
    await expect.poll(() => focusedTestId(page)).toBe('patient-edit-birthDate');
    await page.getByTestId('patient-edit-birthDate').fill('14/03/1985');
    await page.getByTestId('patient-edit-submit').click();

    // Saved: the new values, the new status, and the history (who, what, old → new).
    await expect.poll(() => page.getByTestId('patient-status').getAttribute('data-status')).toBe('provisoire');
    expect(await page.getByTestId('patient-edit-feedback').innerText()).toMatch(/Modifications enregistrées\. Statut\u00a0: Identité provisoire\./);
    const identity = await page.getByTestId('patient-identity').innerText();
    expect(identity).toMatch(/Nom utilisé\s+DURAND/);
    expect(identity).toMatch(/Lieu de naissance \(code INSEE\)\s+75056/);
    await expect.poll(() => page.getByTestId('patient-history').innerText()).toMatch(/Modification\s+Nom utilisé\s+DURAND/);
    const edits = (await page.getByTestId('patient-history').locator('tbody tr').allInnerTexts()).filter((r) => r.includes('Modification'));
    expect(edits.some((r) => /899\d+\s+Modification\s+Lieu de naissance\s+75056/.test(r))).toBe(true);
    expect(edits.some((r) => /Modification\s+Statut\s+Identité validée\s+Identité provisoire/.test(r))).toBe(true);
    expect(edits).toHaveLength(3);

    // Récupérée by INSi: strict traits shown read-only with the reason; the used first name still changes.
    await page.getByTestId('insi-lookup').click();
    await page.getByTestId('insi-comparison').waitFor();
    await page.getByRole('button', { name: 'C’est bien ce patient' }).click();
    await expect.poll(() => page.getByTestId('patient-status').getAttribute('data-status')).toBe('recuperee');
    await page.getByTestId('patient-edit-open').click();
    const locked = page.getByTestId('patient-edit-locked');
    expect(await locked.innerText()).toMatch(/Identité récupérée\u00a0: les traits stricts viennent du téléservice INSi et ne se modifient pas à la main/);
    expect(await locked.innerText()).toMatch(/MARTIN-DURAND/);
    expect(await page.getByTestId('patient-edit-birthName').count()).toBe(0);
    await page.getByTestId('patient-edit-usedFirstName').fill('Lise');
    await page.getByTestId('patient-edit-submit').click();
    await expect.poll(() => page.getByTestId('patient-history').innerText()).toMatch(/Modification\s+Prénom utilisé\s+LISE/);
    expect(await page.getByTestId('patient-status').getAttribute('data-status')).toBe('recuperee');
    await expectA11y(page, 'dossier après modification');
  });
});

describe('patients: CSV import and merge (web host, demo mode)', () => {
  let app: LaunchedApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('imports a CSV with a per-line report, then merges a duplicate only after an explicit confirmation', async () => {
    app = await webVariant.launch({ mode: 'demo' });
    const { page } = app;
    await signIn(page);
    await page.getByTestId('nav-patients').click();
    await page.getByTestId('patients-import').click();
    const csv = ['nom_naissance;prenoms;sexe;date_naissance;statut', 'Doublon;Paul;M;05/05/1990;', 'DOUBLON;PAUL;M;1990-05-05;', 'Sans;Date;M;;', 'Insi;Seul;F;1990-01-01;qualifiee', ''].join('\n');
    await page.getByTestId('import-file').setInputFiles({ name: 'patients.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByTestId('import-submit').click();
    await expect.poll(() => page.getByTestId('import-status').innerText()).toMatch(/4 ligne\(s\) lue\(s\)\s*:\s*2 importée\(s\), 2 refusée\(s\)/);
    const report = await page.getByTestId('import-report').innerText();
    expect(report).toMatch(/Date de naissance/);
    expect(report).toMatch(/seule une interrogation du téléservice INSi/);
    await screenshot(page, 'web', 'patients-import-report');
    await expectA11y(page, 'rapport d’import');

    await page.getByRole('button', { name: /Ouvrir le patient de la ligne 2/ }).click();
    await page.getByTestId('patient-file').waitFor();
    await page.getByTestId('merge-search-input').fill('doublon paul');
    await page.getByTestId('merge-search-input').press('Enter');
    await page.getByTestId('merge-propose').click();
    await page.getByTestId('merge-summary').waitFor();
    // Not without the box ticked: the button says so (aria-disabled) and a click explains why.
    expect(await page.getByTestId('merge-confirm').getAttribute('aria-disabled')).toBe('true');
    await page.getByTestId('merge-confirm').click({ force: true });
    await expect.poll(() => page.getByTestId('merge-failure').innerText()).toMatch(/Cochez la case/);
    await screenshot(page, 'web', 'patients-merge-summary');
    await expectA11y(page, 'résumé de fusion');
    await page.getByTestId('merge-sure').check();
    await page.getByTestId('merge-confirm').click();
    await expect.poll(async () => (await page.getByTestId('patient-history').innerText()).includes('Fusion (dossier conservé)')).toBe(true);

    await page.getByTestId('patient-file-back').click();
    await page.getByTestId('patients-search-input').fill('doublon');
    await page.getByTestId('patients-search-submit').click();
    await expect.poll(() => page.getByTestId('patients-count').innerText()).toMatch(/^1 patient trouvé/);
  });
});
