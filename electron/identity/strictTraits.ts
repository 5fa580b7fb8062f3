import { canonicalName, isWellFormedName, splitFirstNames } from './nameNormalisation.js';

/**
 * The five strict traits (RNIV; INSi `TIQ`), plus the two used ones that are shown but never
 * matched on. Values are kept canonical (see nameNormalisation.ts) once validated.
 *
 * Birth date: ISO `YYYY-MM-DD`, a real calendar date, not in the future. Partial dates (day or
 * month unknown, written 00 in some NIRs and perhaps accepted by INSi) are refused for now with a
 * clear message: the RNIV rule for them is [UNCONFIRMED] in our sources.
 *
 * Birthplace: the INSEE COG code of the commune of birth, 5 characters: 5 digits, or 2A/2B + 3
 * digits for Corsica; 99xxx is a country abroad (99100 France itself is not a commune and is
 * refused). `null` = unknown (INSi's `LieuNaissance` is optional in a search).
 */
export type Sex = 'M' | 'F';

export interface StrictTraits {
  readonly birthName: string;
  /** At least one; the first is the first birth first name. */
  readonly firstNames: readonly string[];
  readonly sex: Sex;
  readonly birthDate: string;
  readonly birthPlace: string | null;
}

export interface PatientTraits extends StrictTraits {
  readonly usedName: string | null;
  readonly usedFirstName: string | null;
}

export interface TraitsInput {
  readonly birthName: string;
  readonly firstNames: string | readonly string[];
  readonly sex: string;
  readonly birthDate: string;
  readonly birthPlace?: string | null | undefined;
  readonly usedName?: string | null | undefined;
  readonly usedFirstName?: string | null | undefined;
}

export type TraitField = keyof PatientTraits;
export interface TraitProblem {
  readonly field: TraitField;
  readonly message: string;
}

export type TraitsCheck = { readonly ok: true; readonly traits: PatientTraits } | { readonly ok: false; readonly problems: readonly TraitProblem[] };

const BIRTHPLACE = /^(?:\d{5}|2[AB]\d{3})$/;

export function checkBirthDate(value: string, today: Date = new Date()): string | null {
  if (/^\d{4}-00-\d{2}$|^\d{4}-\d{2}-00$/.test(value)) return 'Date de naissance partielle (jour ou mois inconnu) : non prise en charge pour l’instant.';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m === null) return 'Date de naissance attendue au format AAAA-MM-JJ.';
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return 'Cette date de naissance n’existe pas dans le calendrier.';
  if (Number(m[1]) < 1850 || date.getTime() > today.getTime()) return 'Date de naissance hors des bornes possibles.';
  return null;
}

export function checkBirthPlace(value: string): string | null {
  if (!BIRTHPLACE.test(value)) return 'Lieu de naissance : code INSEE (COG) de 5 caractères attendu (chiffres, 2A/2B pour la Corse, 99xxx pour l’étranger).';
  if (value === '99100') return 'Lieu de naissance : 99100 (France) n’est pas une commune ; indiquez le code de la commune.';
  return null;
}

function optionalName(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const c = canonicalName(value);
  return c === '' ? null : c;
}

/** Validates and canonicalises traits; every problem is reported, not only the first. */
export function checkTraits(input: TraitsInput, today: Date = new Date()): TraitsCheck {
  const problems: TraitProblem[] = [];
  const birthName = canonicalName(input.birthName);
  if (birthName === '' || !isWellFormedName(birthName)) problems.push({ field: 'birthName', message: 'Nom de naissance absent ou contenant des caractères non admis.' });
  const firstNames = splitFirstNames(input.firstNames);
  if (firstNames.length === 0 || !firstNames.every(isWellFormedName)) problems.push({ field: 'firstNames', message: 'Prénom(s) de naissance absent(s) ou contenant des caractères non admis.' });
  const sex = input.sex.trim().toUpperCase();
  if (sex !== 'M' && sex !== 'F') problems.push({ field: 'sex', message: 'Sexe : M ou F attendu (valeurs de l’INS).' });
  const birthDate = input.birthDate.trim();
  const dateProblem = checkBirthDate(birthDate, today);
  if (dateProblem !== null) problems.push({ field: 'birthDate', message: dateProblem });
  const rawPlace = input.birthPlace?.trim().toUpperCase() ?? '';
  const birthPlace = rawPlace === '' ? null : rawPlace;
  if (birthPlace !== null) {
    const p = checkBirthPlace(birthPlace);
    if (p !== null) problems.push({ field: 'birthPlace', message: p });
  }
  const usedName = optionalName(input.usedName);
  if (usedName !== null && !isWellFormedName(usedName)) problems.push({ field: 'usedName', message: 'Nom utilisé : caractères non admis.' });
  const usedFirstName = optionalName(input.usedFirstName);
  if (usedFirstName !== null && !isWellFormedName(usedFirstName)) problems.push({ field: 'usedFirstName', message: 'Prénom utilisé : caractères non admis.' });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, traits: { birthName, firstNames, sex: sex as Sex, birthDate, birthPlace, usedName, usedFirstName } };
}

/** Same strict traits (canonical equality of all five; birthplace null only equals null). */
export function sameStrictTraits(a: StrictTraits, b: StrictTraits): boolean {
  return (
    a.birthName === b.birthName &&
    a.firstNames.join(' ') === b.firstNames.join(' ') &&
    a.sex === b.sex &&
    a.birthDate === b.birthDate &&
    a.birthPlace === b.birthPlace
  );
}
