import { z } from 'zod';
import type { IdentityStatus } from './identityStatus.js';
import { searchWords } from './nameNormalisation.js';
import type { PatientTraits } from './strictTraits.js';

/** A registry patient as the identity layer sees it (decoded from the vault row). */
export interface PatientRecord {
  readonly id: number;
  /** Present only when the matricule is known; a provisional identity often has none. */
  readonly ins: { readonly matricule: string; readonly key: string; readonly oid: string } | null;
  readonly traits: PatientTraits;
  readonly status: IdentityStatus;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly mergedInto: number | null;
  readonly insiAt: number | null;
  readonly documentCheckedAt: number | null;
  readonly documentKind: string | null;
}

/** High-trust identity documents of the RNIV. The two for minors are [UNCONFIRMED] wording. */
export const IDENTITY_DOCUMENTS = ['carte-identite', 'passeport', 'titre-sejour', 'livret-famille', 'acte-naissance'] as const;
export type IdentityDocument = (typeof IDENTITY_DOCUMENTS)[number];

/** The shape written to `patients.traits` (JSON inside the encrypted vault). */
export const storedTraitsSchema = z.object({
  birthName: z.string(),
  firstNames: z.array(z.string()).min(1),
  sex: z.enum(['M', 'F']),
  birthDate: z.string(),
  birthPlace: z.string().nullable(),
  usedName: z.string().nullable(),
  usedFirstName: z.string().nullable(),
});

interface RowLike {
  readonly id: number;
  readonly ins: string | null;
  readonly oid: string | null;
  readonly traits: unknown;
  readonly status: IdentityStatus;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly mergedInto: number | null;
  readonly insiAt: number | null;
  readonly documentCheckedAt: number | null;
  readonly documentKind: string | null;
}

/**
 * Null when the stored traits are not in the registry's shape (rows written by the older lean
 * `upsertPatient` of repo/records.ts): such rows are left out of search and matching rather than
 * guessed at.
 */
export function decodePatient(row: RowLike): PatientRecord | null {
  const traits = storedTraitsSchema.safeParse(row.traits);
  if (!traits.success) return null;
  const ins = row.ins !== null && row.oid !== null && row.ins.length === 15 ? { matricule: row.ins.slice(0, 13), key: row.ins.slice(13), oid: row.oid } : null;
  return {
    id: row.id,
    ins,
    traits: traits.data,
    status: row.status,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    mergedInto: row.mergedInto,
    insiAt: row.insiAt,
    documentCheckedAt: row.documentCheckedAt,
    documentKind: row.documentKind,
  };
}

/** ` WORD WORD … `: every name word once, space-delimited so SQL can match word prefixes. */
export function searchTextOf(traits: PatientTraits): string {
  const words = new Set([traits.birthName, traits.usedName ?? '', ...traits.firstNames, traits.usedFirstName ?? ''].flatMap(searchWords));
  return ` ${[...words].join(' ')} `;
}

/** A trait as one string for the history (arrays joined with spaces). */
export function traitValue(traits: PatientTraits, field: keyof PatientTraits): string | null {
  const v = traits[field];
  return Array.isArray(v) ? v.join(' ') : (v as string | null);
}
