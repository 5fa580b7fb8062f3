import { describe, expect, it } from 'vitest';
import { importPatientsCsv } from './patientImport.js';
import { fixture, testRegistry } from './testSupport.js';

describe('CSV import', () => {
  it('imports the INSi test identities: refuses wrong keys and test OIDs in production, line by line', async () => {
    const { registry } = testRegistry();
    const report = await importPatientsCsv(registry, fixture('ins_test_identities.csv'));
    expect(report.fileProblem).toBeNull();
    expect(report.total).toBe(19);
    expect(report.imported.length + report.refused.length).toBe(19);
    const reasonsOf = (line: number) => report.refused.find((r) => r.line === line)?.reasons.join(' ') ?? 'imported';
    expect(reasonsOf(10)).toMatch(/clé du matricule INS ne correspond pas/); // HERMANN, flagged key
    expect(reasonsOf(14)).toMatch(/identité de test/); // PAT-TROIS, OID .10
    expect(reasonsOf(5)).toMatch(/déjà enregistrée|imported/);
    expect(report.ignoredColumns).toEqual(['source']);
    // Nothing half-imported: every imported line is a whole patient, every refused one absent.
    for (const i of report.imported) expect((await registry.get(i.patientId))?.status).toBe('provisoire');
    expect((await registry.search('HERMANN')).length).toBe(0);
  });

  it('refuses statuses that need INSi, bad traits and unknown documents, and imports the rest', async () => {
    const { registry } = testRegistry();
    const csv = [
      'Nom_naissance;Prénoms;Sexe;Date_naissance;Lieu_naissance;Statut;Piece_identite',
      'Dupont;Jean Pierre;M;12/03/1980;75056;;',
      'Martin;Lucie;F;1985-02-30;;;',
      'Durand;Paul;M;1970-01-01;;qualifiee;passeport',
      'Leroy;Anne;F;1990-10-11;;validee;permis',
      'Petit;"Marie; Claire";F;1992-02-02;;validee;passeport',
    ].join('\r\n');
    const report = await importPatientsCsv(registry, csv);
    expect(report.imported.map((i) => i.line)).toEqual([2, 6]);
    expect(report.refused.map((r) => r.line)).toEqual([3, 4, 5]);
    expect(report.refused[0]?.reasons.join()).toMatch(/n’existe pas dans le calendrier/);
    expect(report.refused[1]?.reasons.join()).toMatch(/seule une interrogation du téléservice INSi/);
    expect(report.refused[2]?.reasons.join()).toMatch(/Pièce d’identité inconnue/);
    const petit = await registry.get(report.imported[1]?.patientId ?? 0);
    expect([petit?.status, petit?.documentKind]).toEqual(['validee', 'passeport']);
    expect((await registry.search('dupont 12/03/1980')).length).toBe(1);
  });

  it('refuses a file without the required columns, writing nothing', async () => {
    const { registry } = testRegistry();
    const report = await importPatientsCsv(registry, 'nom;prenom\nDupont;Jean\n');
    expect(report.fileProblem).toMatch(/nom_naissance, prenoms, sexe, date_naissance/);
    expect(report.imported).toEqual([]);
  });
});
