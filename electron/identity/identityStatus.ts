/**
 * RNIV identity statuses and what each one allows (STANDARDS.md §5).
 *
 * - provisoire: traits typed or received, nothing checked.
 * - récupérée: INS and traits returned by INSi, no identity document checked.
 * - validée: traits checked on a high-trust identity document, INS not (yet) returned by INSi.
 * - qualifiée: both. Only here may the matricule leave the workstation (DMP push, `X-MSS-INS: O`)
 *   and only here may an incoming item be attached automatically.
 *
 * Transitions are functions, so the registry cannot invent one: INSi is the only way up to
 * récupérée, a document check the only way up to validée, both together give qualifiée.
 */
export const IDENTITY_STATUSES = ['provisoire', 'recuperee', 'validee', 'qualifiee'] as const;
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number];

export const STATUS_LABELS: Record<IdentityStatus, string> = {
  provisoire: 'Identité provisoire',
  recuperee: 'Identité récupérée',
  validee: 'Identité validée',
  qualifiee: 'Identité qualifiée',
};

export function isIdentityStatus(value: unknown): value is IdentityStatus {
  return typeof value === 'string' && (IDENTITY_STATUSES as readonly string[]).includes(value);
}

/** The INS may go out with the data (DMP push, `X-MSS-INS: O`, CDA recordTarget with the INS). */
export function canShareIns(status: IdentityStatus): boolean {
  return status === 'qualifiee';
}

/** An incoming item may be filed under this identity without asking (with an exact INS match). */
export function canAutoAttach(status: IdentityStatus): boolean {
  return status === 'qualifiee';
}

/** Statuses a user may give directly (creation, import): never one that needs INSi. */
export function isUserSettableStatus(status: IdentityStatus): status is 'provisoire' | 'validee' {
  return status === 'provisoire' || status === 'validee';
}

/** After a high-trust identity document was checked against the (current) traits. */
export function statusAfterDocumentCheck(status: IdentityStatus): IdentityStatus {
  return status === 'provisoire' ? 'validee' : status === 'recuperee' ? 'qualifiee' : status;
}

/**
 * After an INSi answer (00) was recorded. `traitsChanged`: INSi's traits differ from the ones the
 * document was checked against, so that check no longer holds (our reading of the RNIV: the
 * document must be checked again against the INSi traits).
 */
export function statusAfterInsi(status: IdentityStatus, traitsChanged: boolean): IdentityStatus {
  if (traitsChanged) return 'recuperee';
  return status === 'validee' || status === 'qualifiee' ? 'qualifiee' : 'recuperee';
}

/**
 * After a user edited strict traits of a provisional or validated identity: the document check
 * was against the old traits, so it falls back to provisoire. (Strict traits of an identity that
 * came from INSi are not editable by hand: see patientRegistry.)
 */
export function statusAfterStrictEdit(status: IdentityStatus): IdentityStatus {
  return status === 'validee' ? 'provisoire' : status;
}
