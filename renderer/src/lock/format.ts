import type { TFunction } from 'i18next';
import type { Practitioner } from '../../../shared/api/index.js';

/** Professions addressed as "Dr" (docteurs en médecine et en chirurgie dentaire). */
const DOCTOR_PROFESSIONS = ['medecin', 'chirurgien-dentiste'];

function plain(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}

/** "Dr Camille DÉMO": first name as written, last name in capitals (French administrative use). */
export function practitionerName(t: TFunction, p: Pick<Practitioner, 'firstName' | 'lastName' | 'profession'>): string {
  const lastName = p.lastName.toLocaleUpperCase('fr-FR');
  const doctor = DOCTOR_PROFESSIONS.some((prefix) => plain(p.profession).startsWith(prefix));
  return t(doctor ? 'card.practitioner.doctorName' : 'card.practitioner.name', { firstName: p.firstName, lastName }).trim();
}

/** "Dr Camille DÉMO · Médecin · RPPS 99900000001" (the national id when there is no RPPS). */
export function practitionerLine(t: TFunction, p: Practitioner): string {
  const id = p.rpps !== undefined ? t('card.practitioner.rpps', { rpps: p.rpps }) : t('card.practitioner.idNat', { idNat: p.idNat });
  return [practitionerName(t, p), p.profession, id].filter((part) => part !== '').join(' · ');
}

/** The recovery code in groups of four, whatever separators it came with. */
export function recoveryGroups(code: string): string[] {
  return code.replace(/[^0-9A-Za-z]/g, '').match(/.{1,4}/g) ?? [];
}

export type MessageGroup = 'refusals' | 'warnings' | 'signIn';

export interface ShownMessage {
  readonly text: string;
  /** Set when the text is main's French sentence shown inside another language. */
  readonly lang?: 'fr';
}

/**
 * Messages from main are French. In French they are shown as sent; in another language a known
 * code is translated from the catalogue, and an unknown one falls back to main's French
 * sentence, marked `lang="fr"` so that a screen reader pronounces it correctly.
 */
export function mainMessage(
  t: TFunction,
  language: string,
  exists: (key: string) => boolean,
  group: MessageGroup,
  code: string,
  message: string,
): ShownMessage {
  const key = `card.codes.${group}.${code}`;
  if (language.startsWith('fr')) return { text: message || (exists(key) ? String(t(key as never)) : message) };
  if (exists(key)) return { text: String(t(key as never)) };
  return { text: message, lang: 'fr' };
}
