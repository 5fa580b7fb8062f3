import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectory, DirectoryFormatError, DirectoryImportAborted, type Directory, type ImportProgress } from '../../../electron/mail/directory/directory.js';
import { openVault, type Vault } from '../../../electron/vault/client.js';
import { extractionHeader, formatLine, generateExtraction, recordOf } from '../../peers/annuaire/generateExtraction.js';

/**
 * The national directory end to end through the real vault worker: a ~6 MB synthetic extraction
 * (the real header, fictitious people) plus hand-written lines, then search and autocompletion.
 */

const HELENE = recordOf({
  type_bal: 'PER',
  adresse_bal: 'helene.eluard-menard@medecin.mssante.fr',
  identifiant_pp: '10999999991',
  identification_nationale_pp: '810999999991',
  'Civilité d\'exercice': 'DR',
  nom_exercice: 'ÉLUARD-MÉNARD',
  prenom_exercice: 'Hélène',
  code_profession: '10',
  libelle_profession: 'Médecin',
  libelle_savoir_faire: 'Cardiologie et maladies vasculaires',
  raison_sociale_structure_bal: 'Clinique Sainte-Cécile',
  ligne_acheminement_structure_bal: '69003 LYON',
  code_postal_structure_bal: '69003',
});
// The same person's second mailbox: a second line.
const HELENE_2 = { ...HELENE, ...recordOf({ adresse_bal: 'h.eluard@ch-zzyzx.mssante.fr', raison_sociale_structure_bal: 'Centre hospitalier de Zzyzx', ligne_acheminement_structure_bal: '', code_postal_structure_bal: '' }) };
const ORG = recordOf({ type_bal: 'ORG', adresse_bal: 'secretariat.cardio@ch-quimperle.mssante.fr', raison_sociale_structure_bal: 'Centre hospitalier de Quimperlé', service_rattachement: 'Secrétariat de cardiologie', ligne_acheminement_structure_bal: '29300 QUIMPERLE', code_postal_structure_bal: '29300' });

let dir: string;
let vault: Vault;
let directory: Directory;
const header = extractionHeader();
const width = header.length;

function handWritten(h: readonly string[] = header): string[] {
  return [
    formatLine(h, HELENE),
    formatLine(h, HELENE_2),
    formatLine(h, ORG),
    'PER|trop.court@medecin.mssante.fr|8|10000000000', // too few fields
    formatLine(h, { ...HELENE, ...recordOf({ adresse_bal: '' }) }), // empty address
    formatLine(h, { ...HELENE, ...recordOf({ type_bal: 'XYZ', adresse_bal: 'x.y@medecin.mssante.fr' }) }), // unknown type
    formatLine(h, { ...HELENE, ...recordOf({ adresse_bal: 'pas une adresse' }) }), // invalid address
    formatLine(h, recordOf({ type_bal: 'ORG', adresse_bal: 'anonyme@org.mssante.fr' })), // neither name nor structure
    '', // a blank line is not an error
  ];
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-directory-'));
  vault = await openVault({ file: path.join(dir, 'vault.db'), key: randomBytes(32) });
  directory = createDirectory(vault);
});
afterAll(async () => {
  await vault?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('national directory (Annuaire Santé MSSanté extraction)', () => {
  let generated = 0;

  it('imports a ~6 MB extraction in a stream, with progress, counting bad lines without aborting', async () => {
    const file = path.join(dir, 'Extraction_Correspondance_MSSante_202611200000.txt');
    const extra = handWritten();
    const { lines, bytes } = generateExtraction({ file, targetBytes: 6_000_000, seed: 7, extraLines: extra });
    generated = lines - extra.length;
    expect(bytes).toBeGreaterThan(5_000_000);
    const progress: ImportProgress[] = [];
    expect(await directory.status()).toBeNull();

    const report = await directory.importFile(file, { onProgress: (p) => progress.push(p) });

    expect(report.malformed).toBe(5);
    const first = generated + 2; // line 1 is the header
    expect(report.malformedLines).toEqual([
      { line: first + 3, reason: `4 champs au lieu de ${width}` },
      { line: first + 4, reason: 'adresse BAL vide' },
      { line: first + 5, reason: 'type de BAL inconnu « XYZ » (attendu PER, ORG, APP ou CAB)' },
      { line: first + 6, reason: 'adresse BAL invalide « pas une adresse »' },
      { line: first + 7, reason: 'ni nom d’exercice ni raison sociale' },
    ]);
    expect(report.entries).toBe(generated + 3);
    expect(report.status).toMatchObject({ entries: generated + 3, malformed: 5, source: path.basename(file) });
    expect(report.ignoredColumns).toContain('Pays structure BAL');
    expect(report.latin1Lines).toBe(0);
    // The progress bar moves forward and ends full.
    expect(progress.length).toBeGreaterThan(3);
    for (let i = 1; i < progress.length; i += 1) expect(progress[i]!.bytesRead).toBeGreaterThanOrEqual(progress[i - 1]!.bytesRead);
    expect(progress.at(-1)).toMatchObject({ bytesRead: fs.statSync(file).size, totalBytes: fs.statSync(file).size });
    expect(await directory.status()).toEqual(report.status);
    console.log(`directory import: ${report.entries} entries, ${(report.bytes / 1e6).toFixed(1)} MB in ${report.ms.toFixed(0)} ms (${Math.round(report.entries / (report.ms / 1000))} entries/s)`);
  });

  it('finds a person by name without accents or case, by RPPS and national id, by profession and city', async () => {
    const byName = await directory.search({ name: 'helene eluard' });
    expect(byName.map((e) => e.address).sort()).toEqual(['h.eluard@ch-zzyzx.mssante.fr', 'helene.eluard-menard@medecin.mssante.fr']);
    const helene = byName.find((e) => e.address.startsWith('helene'))!;
    expect(helene).toMatchObject({ type: 'PER', lastName: 'ÉLUARD-MÉNARD', firstName: 'Hélène', displayName: 'Hélène ÉLUARD-MÉNARD', profession: 'Médecin', specialty: 'Cardiologie et maladies vasculaires', structure: 'Clinique Sainte-Cécile', city: 'LYON', postalCode: '69003', rpps: '10999999991', idNat: '810999999991' });
    expect((await directory.search({ name: 'MENARD' })).map((e) => e.address)).toContain(helene.address);
    expect((await directory.search({ name: 'élu' })).map((e) => e.address)).toContain(helene.address); // prefix

    expect((await directory.search({ rpps: '10999999991' })).map((e) => e.address).sort()).toEqual(['h.eluard@ch-zzyzx.mssante.fr', helene.address]);
    expect((await directory.search({ rpps: '810999999991' })).length).toBe(2);
    expect(await directory.search({ rpps: '10999999990' })).toEqual([]);

    // Profession and city narrow a common name down to her.
    const cardio = await directory.search({ name: 'eluard', profession: 'medecin', city: 'lyon' });
    expect(cardio.map((e) => e.address)).toEqual([helene.address]);
    expect((await directory.search({ name: 'eluard', city: '69' })).map((e) => e.address)).toEqual([helene.address]);
    expect(await directory.search({ name: 'eluard', city: 'marseille' })).toEqual([]);
    const inQuimperle = await directory.search({ city: 'Quimperlé' });
    expect(inQuimperle.map((e) => e.address)).toEqual([ORG.adressebal]);
    expect(inQuimperle[0]).toMatchObject({ type: 'ORG', displayName: 'Centre hospitalier de Quimperlé – Secrétariat de cardiologie' });

    // Broad criteria stay bounded and every row really matches.
    const nurses = await directory.search({ profession: 'infirm', city: '75', limit: 30 });
    expect(nurses.length).toBe(30);
    for (const e of nurses) {
      expect(e.profession).toBe('Infirmier');
      expect(e.postalCode?.startsWith('75')).toBe(true);
    }
    expect(await directory.search({ type: 'CAB', limit: 5 })).toHaveLength(5);
    expect(await directory.search({})).toEqual([]);
  });

  it('autocompletes recipients from name, structure or address words, best match first', async () => {
    const a = await directory.autocomplete('eluard', 10);
    expect(a.map((e) => e.address).sort()).toEqual(['h.eluard@ch-zzyzx.mssante.fr', 'helene.eluard-menard@medecin.mssante.fr']);
    expect((await directory.autocomplete('Hélène Élu', 10)).map((e) => e.lastName)).toContain('ÉLUARD-MÉNARD');
    expect((await directory.autocomplete('helene.eluard', 5))[0]?.address).toBe('helene.eluard-menard@medecin.mssante.fr');
    expect((await directory.autocomplete('quimperl', 5)).map((e) => e.address)).toEqual([ORG.adressebal]);
    // A one-letter prefix on ~30,000 rows answers a bounded, ranked page.
    const m = await directory.autocomplete('m', 8);
    expect(m).toHaveLength(8);
    for (const e of m) expect(e.displayName.normalize('NFD').toLowerCase()).toMatch(/(^|[^a-z])m/);
    expect(await directory.autocomplete('   ', 8)).toEqual([]);
    expect(await directory.autocomplete('"NEAR(', 8)).toEqual([]); // no FTS syntax injection
    expect((await directory.lookupAddress('Helene.Eluard-Menard@MEDECIN.mssante.fr'))[0]?.displayName).toBe('Hélène ÉLUARD-MÉNARD');
    expect(await directory.lookupAddress('inconnu@medecin.mssante.fr')).toEqual([]);

    // Fast enough for keystrokes (the ~90 MB figure is in bench/directory.ts).
    const times: number[] = [];
    for (const prefix of ['ma', 'dup', 'hel', 'cent', 'jean-m', 'lefe', 'clinique d', 'phar', 'gu', 'roux s']) {
      const t = performance.now();
      await directory.autocomplete(prefix, 10);
      times.push(performance.now() - t);
    }
    times.sort((x, y) => x - y);
    expect(times[Math.floor(times.length * 0.95)]).toBeLessThan(50);
  });

  it('a failed or cancelled import keeps the previous directory', async () => {
    const before = await directory.status();
    const file = path.join(dir, 'second.txt');
    generateExtraction({ file, targetBytes: 2_000_000, seed: 99 });

    // The vault fails in the middle (third batch).
    let batches = 0;
    const failing = createDirectory({
      ...vault,
      directoryImportBatch: async (args) => {
        batches += 1;
        if (batches === 3) throw new Error('disque plein');
        return vault.directoryImportBatch(args);
      },
    });
    await expect(failing.importFile(file, { batchSize: 1000 })).rejects.toThrow('disque plein');
    expect(batches).toBe(3);
    expect(await directory.status()).toEqual(before);
    expect((await directory.search({ rpps: '10999999991' })).length).toBe(2);

    // The user cancels halfway.
    const controller = new AbortController();
    await expect(
      directory.importFile(file, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytesRead > p.totalBytes / 2) controller.abort();
        },
      }),
    ).rejects.toBeInstanceOf(DirectoryImportAborted);
    expect(await directory.status()).toEqual(before);
    expect((await directory.autocomplete('eluard', 5)).length).toBe(2);

    // A file that is mostly garbage is refused rather than replacing a good directory.
    const garbage = path.join(dir, 'garbage.txt');
    fs.writeFileSync(garbage, [header.join('|'), formatLine(header, HELENE), 'a|b', 'c|d', 'e|f'].join('\n'));
    const refused = await directory.importFile(garbage).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DirectoryFormatError);
    expect((refused as DirectoryFormatError).code).toBe('too-many-malformed');
    expect(await directory.status()).toEqual(before);
  });

  it('refuses a file missing a required column, in French, before touching the directory', async () => {
    const before = await directory.status();
    const file = path.join(dir, 'no-address.txt');
    const h = header.filter((c) => c !== 'Adresse BAL');
    fs.writeFileSync(file, [h.join('|'), formatLine(h, HELENE)].join('\n') + '\n');
    const error = (await directory.importFile(file).catch((e: unknown) => e)) as DirectoryFormatError;
    expect(error).toBeInstanceOf(DirectoryFormatError);
    expect(error.code).toBe('missing-columns');
    expect(error.userMessage).toBe(
      'Ce fichier n’est pas une extraction « Correspondance MSSanté » de l’Annuaire Santé utilisable. Colonne obligatoire absente de la ligne d’en-tête\u00a0: « Adresse BAL ». L’annuaire actuel est conservé.',
    );

    const noName = path.join(dir, 'no-name.txt');
    const h2 = header.filter((c) => !['Type de BAL', "Nom d'exercice", 'Raison Sociale structure BAL'].includes(c));
    fs.writeFileSync(noName, h2.join('|') + '\n');
    const error2 = (await directory.importFile(noName).catch((e: unknown) => e)) as DirectoryFormatError;
    expect(error2.missing).toEqual(['« Type de BAL »', "« Nom d'exercice » et « Prénom d'exercice », ou « Raison Sociale structure BAL »"]);
    expect(error2.userMessage).toMatch(/^Ce fichier .* Colonnes obligatoires absentes de la ligne d’en-tête\u00a0: « Type de BAL »\u00a0; /);
    expect(await directory.status()).toEqual(before);
  });

  it('maps columns by name: another order, the 2017 snake_case names, unknown columns, BOM, CRLF, Latin-1', async () => {
    const snake = ['pays_structure_bal', 'nom_exercice', 'colonne_future', 'adresse_bal', 'prenom_exercice', 'libelle_profession', 'type_bal', 'identifiant_pp', 'ligne_acheminement_structure_bal', 'raison_sociale_structure_bal', 'code_postal_structure_bal'];
    const file = path.join(dir, 'reordered.txt');
    generateExtraction({ file, targetBytes: 300_000, seed: 3, header: snake, bom: true, lineEnding: '\r\n', extraLines: handWritten(snake).slice(0, 3) });
    // One line re-saved in Windows-1252 by some tool, and a trailing '|' as in other ANS files.
    const latin1 = Buffer.from(formatLine(snake, recordOf({ type_bal: 'PER', adresse_bal: 'francois.lenotre@medecin.mssante.fr', nom_exercice: 'LENÔTRE', prenom_exercice: 'François', libelle_profession: 'Médecin' })) + '|\r\n', 'latin1');
    fs.appendFileSync(file, latin1);

    const report = await directory.importFile(file);
    expect(report.malformed).toBe(0);
    expect(report.ignoredColumns).toEqual(['pays_structure_bal', 'colonne_future']); // known to ANS, unused here
    expect(report.latin1Lines).toBe(1);
    expect(report.status.entries).toBe(report.entries);
    expect(report.entries).toBeLessThan(3000); // the big directory was replaced, not appended to

    const [helene] = await directory.search({ rpps: '10999999991', name: 'eluard', city: 'lyon' });
    expect(helene).toMatchObject({ address: 'helene.eluard-menard@medecin.mssante.fr', lastName: 'ÉLUARD-MÉNARD', firstName: 'Hélène', city: 'LYON', postalCode: '69003', profession: 'Médecin', specialty: null });
    expect((await directory.autocomplete('francois len', 3))[0]).toMatchObject({ lastName: 'LENÔTRE', firstName: 'François' });
    // The CR of CRLF is not part of the last column.
    expect((await directory.search({ city: '69003', name: 'eluard' }))[0]?.postalCode).toBe('69003');
  });
});
