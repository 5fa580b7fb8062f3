import { parseCsv } from './csv.js';
import { IdentityError } from './errors.js';
import { IDENTITY_DOCUMENTS, type IdentityDocument } from './patientRecord.js';
import { TraitsInvalidError, type PatientRegistry } from './patientRegistry.js';

/**
 * Import of patients from a CSV file (`,` or `;`, UTF-8, one header line; columns found by name,
 * case and accents ignored, in any order; unknown columns ignored and listed in the report).
 *
 * | column (alias)                          | content                                              |
 * |-----------------------------------------|------------------------------------------------------|
 * | nom_naissance (birth_name)              | required                                             |
 * | prenoms (first_names)                   | required, space-separated, first = prénom de naissance |
 * | sexe (sex)                              | required, M or F                                     |
 * | date_naissance (birth_date)             | required, AAAA-MM-JJ or JJ/MM/AAAA                   |
 * | lieu_naissance (birth_place)            | optional, INSEE COG code                             |
 * | nom_utilise, prenom_utilise             | optional                                             |
 * | ins (matricule + key)                   | optional, 15 characters (or 13 + a `key`/`cle` column) |
 * | oid_ins (oid)                           | required with an INS                                 |
 * | piece_identite                          | optional: a checked document → status validée        |
 * | statut                                  | optional: provisoire or validee; récupérée/qualifiée are refused (only INSi gives them) |
 *
 * Each row is created in one vault transaction: a row is either fully imported or refused with
 * its reasons (French), never half-imported. An imported INS is kept unverified.
 */
export interface ImportReport {
  readonly total: number;
  readonly imported: readonly { readonly line: number; readonly patientId: number }[];
  readonly refused: readonly { readonly line: number; readonly reasons: readonly string[] }[];
  readonly ignoredColumns: readonly string[];
  /** Set when the file itself cannot be imported (nothing was written). */
  readonly fileProblem: string | null;
}

const COLUMNS = {
  birthName: ['nom_naissance', 'birth_name'],
  firstNames: ['prenoms', 'first_names'],
  sex: ['sexe', 'sex'],
  birthDate: ['date_naissance', 'birth_date'],
  birthPlace: ['lieu_naissance', 'birth_place'],
  usedName: ['nom_utilise', 'used_name'],
  usedFirstName: ['prenom_utilise', 'used_first_name'],
  ins: ['ins', 'matricule'],
  key: ['cle', 'key'],
  oid: ['oid_ins', 'oid'],
  document: ['piece_identite', 'identity_document'],
  status: ['statut', 'status'],
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: readonly Column[] = ['birthName', 'firstNames', 'sex', 'birthDate'];

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').trim().toLowerCase().replace(/[\s-]+/g, '_');

export async function importPatientsCsv(registry: PatientRegistry, csvText: string): Promise<ImportReport> {
  const [header, ...rows] = parseCsv(csvText);
  const names = (header?.cells ?? []).map(fold);
  const index = new Map<Column, number>();
  for (const [col, aliases] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
    const i = names.findIndex((n) => aliases.includes(n));
    if (i >= 0) index.set(col, i);
  }
  const ignoredColumns = names.filter((_n, i) => ![...index.values()].includes(i));
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length > 0) {
    return { total: rows.length, imported: [], refused: [], ignoredColumns, fileProblem: `Colonnes obligatoires absentes : ${missing.map((c) => COLUMNS[c][0]).join(', ')}.` };
  }

  const imported: { line: number; patientId: number }[] = [];
  const refused: { line: number; reasons: string[] }[] = [];
  for (const row of rows) {
    const cell = (c: Column) => {
      const i = index.get(c);
      return i === undefined ? '' : (row.cells[i] ?? '').trim();
    };
    const reasons: string[] = [];
    const status = fold(cell('status'));
    if (status !== '' && status !== 'provisoire' && status !== 'validee') reasons.push(`Statut « ${cell('status')} » refusé : seule une interrogation du téléservice INSi donne une identité récupérée ou qualifiée.`);
    const documentCell = fold(cell('document'));
    const document = documentCell === '' ? null : (IDENTITY_DOCUMENTS.find((d) => d === documentCell) ?? undefined);
    if (document === undefined) reasons.push(`Pièce d’identité inconnue ; valeurs admises : ${IDENTITY_DOCUMENTS.join(', ')}.`);
    if (status === 'validee' && document === null) reasons.push('Statut validée sans pièce d’identité vérifiée (colonne piece_identite).');
    const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(cell('birthDate'));
    const birthDate = fr === null ? cell('birthDate') : `${fr[3]}-${fr[2]}-${fr[1]}`;
    const insValue = cell('ins') === '' ? '' : cell('ins') + cell('key');
    if (insValue !== '' && cell('oid') === '') reasons.push('INS sans OID (colonne oid_ins).');
    if (reasons.length > 0) {
      refused.push({ line: row.line, reasons });
      continue;
    }
    try {
      const p = await registry.create(
        {
          traits: { birthName: cell('birthName'), firstNames: cell('firstNames'), sex: cell('sex'), birthDate, birthPlace: cell('birthPlace'), usedName: cell('usedName'), usedFirstName: cell('usedFirstName') },
          ins: insValue === '' ? null : { value: insValue, oid: cell('oid') },
          identityDocument: (document ?? null) as IdentityDocument | null,
        },
        'import',
      );
      imported.push({ line: row.line, patientId: p.id });
    } catch (e) {
      if (e instanceof TraitsInvalidError) refused.push({ line: row.line, reasons: e.problems.map((p) => p.message) });
      else if (e instanceof IdentityError) refused.push({ line: row.line, reasons: [e.userMessage] });
      else throw e;
    }
  }
  return { total: rows.length, imported, refused, ignoredColumns, fileProblem: null };
}
