/**
 * Columns of the Annuaire Santé `Extraction_Correspondance_MSSante` file, found BY HEADER NAME:
 * ANS renames and reorders them between versions (the 2017 parsers saw `adresse_bal`,
 * `nom_exercice`…; today's header says `Adresse BAL`, `Nom d'exercice`,
 * `L6LIGNEACHEMINEMENT structure BAL`…). A header is reduced to a key (accents, case, spaces,
 * punctuation, the filler words "de"/"d'" and the `L6`/`NL4` line prefixes dropped) and looked
 * up among the known aliases. Unknown columns are ignored; missing required ones are refused.
 */

export type DirectoryField =
  | 'typeBal'
  | 'adresseBal'
  | 'typeIdentifiantPp'
  | 'identifiantPp'
  | 'identificationNationalePp'
  | 'identificationStructure'
  | 'serviceRattachement'
  | 'civiliteExercice'
  | 'nomExercice'
  | 'prenomExercice'
  | 'codeProfession'
  | 'libelleProfession'
  | 'libelleSavoirFaire'
  | 'raisonSociale'
  | 'enseigneCommerciale'
  | 'ligneAcheminement'
  | 'codePostal';

/** The label of today's ANS header (used in French messages) and every alias seen so far. */
export const DIRECTORY_COLUMNS: Readonly<Record<DirectoryField, { label: string; aliases: readonly string[] }>> = {
  typeBal: { label: 'Type de BAL', aliases: ['type_bal', 'Type de BAL'] },
  adresseBal: { label: 'Adresse BAL', aliases: ['adresse_bal', 'Adresse BAL', 'Adresse mail BAL'] },
  typeIdentifiantPp: { label: 'Type Identifiant PP', aliases: ['type_identifiant_pp', "Type d'identifiant PP"] },
  identifiantPp: { label: 'Identifiant PP', aliases: ['identifiant_pp', 'Identifiant PP'] },
  identificationNationalePp: { label: 'Identification nationale PP', aliases: ['identification_nationale_pp', 'Identification nationale PP'] },
  identificationStructure: { label: 'Identification Structure', aliases: ['identification_structure', 'Identification Structure'] },
  serviceRattachement: { label: 'Service de rattachement', aliases: ['service_rattachement', 'Service de rattachement'] },
  civiliteExercice: { label: "Civilité d'exercice", aliases: ['civilite_exercice', "Civilité d'exercice", "Libellé civilité d'exercice"] },
  nomExercice: { label: "Nom d'exercice", aliases: ['nom_exercice', "Nom d'exercice"] },
  prenomExercice: { label: "Prénom d'exercice", aliases: ['prenom_exercice', "Prénom d'exercice"] },
  codeProfession: { label: 'Code Profession', aliases: ['code_profession', 'Code Profession'] },
  libelleProfession: { label: 'Libellé Profession', aliases: ['libelle_profession', 'Libellé Profession'] },
  libelleSavoirFaire: { label: 'Libellé savoir-faire', aliases: ['libelle_savoir_faire', 'Libellé savoir-faire'] },
  raisonSociale: { label: 'Raison Sociale structure BAL', aliases: ['raison_sociale_structure_bal', 'Raison Sociale structure BAL'] },
  enseigneCommerciale: { label: 'Enseigne commerciale structure BAL', aliases: ['enseigne_commerciale_structure_bal', 'Enseigne commerciale structure BAL'] },
  ligneAcheminement: { label: 'L6LIGNEACHEMINEMENT structure BAL', aliases: ['ligne_acheminement_structure_bal', 'L6LIGNEACHEMINEMENT structure BAL'] },
  codePostal: { label: 'Code postal structure BAL', aliases: ['code_postal_structure_bal', 'Code postal structure BAL'] },
};

const FILLER_WORDS = new Set(['de', 'd', 'du', 'des', 'la', 'le']);

/** "L6LIGNEACHEMINEMENT structure BAL" → "ligneacheminementstructurebal"; "Nom d'exercice" → "nomexercice". */
export function headerKey(header: string): string {
  const words = header
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !FILLER_WORDS.has(w));
  if (words[0] !== undefined) words[0] = words[0].replace(/^n?l\d+(?=[a-z])/, '');
  return words.join('');
}

const FIELD_BY_KEY: ReadonlyMap<string, DirectoryField> = new Map(
  (Object.entries(DIRECTORY_COLUMNS) as [DirectoryField, { aliases: readonly string[] }][]).flatMap(([field, { aliases }]) => aliases.map((a) => [headerKey(a), field] as const)),
);

export interface ColumnMap {
  /** Index of each known field in a line; absent fields are not in the map. */
  readonly index: ReadonlyMap<DirectoryField, number>;
  /** The header's length (after a trailing empty field is dropped). */
  readonly width: number;
  /** Headers this version of Caducée does not use. */
  readonly ignored: readonly string[];
}

export class DirectoryFormatError extends Error {
  override readonly name = 'DirectoryFormatError';
  constructor(
    readonly code: 'missing-columns' | 'empty-file' | 'no-valid-entry' | 'too-many-malformed',
    /** French, for the import screen. */
    readonly userMessage: string,
    readonly missing: readonly string[] = [],
  ) {
    super(userMessage);
  }
}

const quote = (label: string) => `« ${label} »`;

/** Splits the header row and maps it; throws `DirectoryFormatError('missing-columns')` in French. */
export function mapColumns(headerLine: string): ColumnMap {
  const headers = headerLine.replace(/^\uFEFF/, '').replace(/\r$/, '').split('|');
  if (headers.length > 1 && headers[headers.length - 1]?.trim() === '') headers.pop();
  const index = new Map<DirectoryField, number>();
  const ignored: string[] = [];
  headers.forEach((h, i) => {
    const field = FIELD_BY_KEY.get(headerKey(h));
    if (field === undefined) ignored.push(h.trim());
    else if (!index.has(field)) index.set(field, i);
  });
  const missing: string[] = [];
  for (const field of ['adresseBal', 'typeBal'] as const) if (!index.has(field)) missing.push(quote(DIRECTORY_COLUMNS[field].label));
  const hasPersonName = index.has('nomExercice') && index.has('prenomExercice');
  if (!hasPersonName && !index.has('raisonSociale')) {
    missing.push(`${quote(DIRECTORY_COLUMNS.nomExercice.label)} et ${quote(DIRECTORY_COLUMNS.prenomExercice.label)}, ou ${quote(DIRECTORY_COLUMNS.raisonSociale.label)}`);
  }
  if (missing.length > 0) {
    const noun = missing.length > 1 ? 'Colonnes obligatoires absentes' : 'Colonne obligatoire absente';
    throw new DirectoryFormatError(
      'missing-columns',
      `Ce fichier n’est pas une extraction « Correspondance MSSanté » de l’Annuaire Santé utilisable. ${noun} de la ligne d’en-tête\u00a0: ${missing.join('\u00a0; ')}. L’annuaire actuel est conservé.`,
      missing,
    );
  }
  return { index, width: headers.length, ignored };
}
