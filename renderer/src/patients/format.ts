import type { InsView, TraitsView } from '../../../shared/api/index.js';

/** Display helpers of the patient screens (pure: tested in format.test.ts). */

/** AAAA-MM-JJ → JJ/MM/AAAA (as French forms and documents write it). */
export function frenchDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m === null ? iso : `${m[3]}/${m[2]}/${m[1]}`;
}

/** What the birth-date field accepts before anything is sent. */
export const FRENCH_DATE = /^\d{2}\/\d{2}\/\d{4}$/;

/** "2 85 03 75 056 123 45": the usual grouping of a NIR, key last. */
export function groupedIns(ins: Pick<InsView, 'matricule' | 'key'>): string {
  const m = ins.matricule;
  return `${m.slice(0, 1)} ${m.slice(1, 3)} ${m.slice(3, 5)} ${m.slice(5, 7)} ${m.slice(7, 10)} ${m.slice(10, 13)} ${ins.key}`;
}

/** Only the first character and the last three of the matricule, and the key. */
export function maskedIns(ins: Pick<InsView, 'matricule' | 'key'>): string {
  const m = ins.matricule;
  return `${m.slice(0, 1)} •• •• •• ••• ${m.slice(10, 13)} ${ins.key}`;
}

/** The kind of INS, told by its OID (never by the digits). */
export type InsKindView = 'nir' | 'nia' | 'test' | 'demo' | 'unknown';
const OIDS: Record<string, InsKindView> = {
  '1.2.250.1.213.1.4.8': 'nir',
  '1.2.250.1.213.1.4.9': 'nia',
  '1.2.250.1.213.1.4.10': 'test',
  '1.2.250.1.213.1.4.11': 'demo',
};
export const DEMO_OID = '1.2.250.1.213.1.4.11';
export const OID_OF: Record<'nir' | 'nia' | 'demo', string> = { nir: '1.2.250.1.213.1.4.8', nia: '1.2.250.1.213.1.4.9', demo: DEMO_OID };
export function insKind(oid: string): InsKindView {
  return OIDS[oid] ?? 'unknown';
}

/** A value of the history: INS values (`matricule^oid`) are masked unless the user asked to see them. */
export function historyValue(field: string | null, value: string | null, reveal: boolean): string {
  if (value === null) return '';
  if (field !== 'ins') return value;
  const [ins = ''] = value.split('^');
  if (ins.length !== 15) return value;
  const parts = { matricule: ins.slice(0, 13), key: ins.slice(13) };
  return reveal ? groupedIns(parts) : maskedIns(parts);
}

/** "MARTIN-DURAND ELISE": birth name and first birth first name, as the file's title. */
export function fullName(traits: Pick<TraitsView, 'birthName' | 'firstNames'>): string {
  return `${traits.birthName} ${traits.firstNames[0] ?? ''}`.trim();
}

/** JJ/MM/AAAA → AAAA-MM-JJ; anything else is returned as typed (main checks it). */
export function isoDate(value: string): string {
  const m = /^\s*(\d{2})\/(\d{2})\/(\d{4})\s*$/.exec(value);
  return m === null ? value.trim() : `${m[3]}-${m[2]}-${m[1]}`;
}

/**
 * A name as the identity service keeps it (upper case, no accents, one space; the same rules
 * as electron/identity/nameNormalisation.ts): only to tell whether the user changed a field,
 * never sent.
 */
export function canonicalName(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[œŒ]/g, 'OE')
    .replace(/[æÆ]/g, 'AE')
    .replace(/ß/g, 'SS')
    .replace(/[’‘ʼ`´′]/g, "'")
    .replace(/[‐‑‒–—―−]/g, '-')
    .toUpperCase()
    .replace(/[^A-Z'\- ]/g, ' ')
    .replace(/\s*([-'])\s*/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The traits as the form holds them (plain strings; birth date JJ/MM/AAAA). */
export interface TypedTraits {
  readonly birthName: string;
  readonly firstNames: string;
  readonly sex: string;
  readonly birthDate: string;
  readonly birthPlace: string;
  readonly usedName: string;
  readonly usedFirstName: string;
}
export type TraitKey = keyof TypedTraits;
export const STRICT_TRAITS = ['birthName', 'firstNames', 'sex', 'birthDate', 'birthPlace'] as const satisfies readonly TraitKey[];
export const TRAIT_ORDER = [...STRICT_TRAITS, 'usedName', 'usedFirstName'] as const satisfies readonly TraitKey[];

/** The file's traits, to prefill the edit form. */
export function typedTraits(traits: TraitsView): TypedTraits {
  return {
    birthName: traits.birthName,
    firstNames: traits.firstNames.join(' '),
    sex: traits.sex,
    birthDate: frenchDate(traits.birthDate),
    birthPlace: traits.birthPlace ?? '',
    usedName: traits.usedName ?? '',
    usedFirstName: traits.usedFirstName ?? '',
  };
}

const firstNamesKey = (value: string) =>
  canonicalName(value)
    .split(' ')
    .filter((p) => p !== '' && p !== '-' && p !== "'")
    .join(' ');

/** Whether what is typed in `field` differs from the file (compared as the identity service would). */
function differs(traits: TraitsView, field: TraitKey, typed: string): boolean {
  switch (field) {
    case 'birthName':
      return canonicalName(typed) !== traits.birthName;
    case 'firstNames':
      return firstNamesKey(typed) !== traits.firstNames.join(' ');
    case 'sex':
      return typed.trim().toUpperCase() !== traits.sex;
    case 'birthDate':
      return isoDate(typed) !== traits.birthDate;
    case 'birthPlace':
      return (typed.trim().toUpperCase() || null) !== traits.birthPlace;
    case 'usedName':
    case 'usedFirstName':
      return (canonicalName(typed) || null) !== traits[field];
  }
}

/** Only the fields the user changed, as typed (an emptied optional field is sent as ""). */
export function changedTraits(traits: TraitsView, typed: Partial<TypedTraits>): Partial<TypedTraits> {
  const patch: Partial<Record<TraitKey, string>> = {};
  for (const field of TRAIT_ORDER) {
    const value = typed[field];
    if (value !== undefined && differs(traits, field, value)) patch[field] = value.trim();
  }
  return patch;
}
