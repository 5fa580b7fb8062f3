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
