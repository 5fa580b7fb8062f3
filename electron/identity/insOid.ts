/**
 * OIDs of the INS kinds and the policy of which ones a profile accepts (STANDARDS.md §5).
 * The old INS-C OIDs (…1.4.2, …1.4.5) and anything else are unknown: refused everywhere.
 */
export const INS_OID = {
  nir: '1.2.250.1.213.1.4.8',
  nia: '1.2.250.1.213.1.4.9',
  test: '1.2.250.1.213.1.4.10',
  demo: '1.2.250.1.213.1.4.11',
} as const;
export type InsKind = keyof typeof INS_OID;

/**
 * - `production`: real patients: NIR and NIA only.
 * - `demo`: trainers' profile with fictitious patients: the demo OID only, so a real INS can
 *   never enter (nor leave) a demo profile.
 * - `qualification`: our own addition for CNAM/ANS qualification benches and integration tests:
 *   NIR, NIA and the test OID (INSi's qualification service answers test identities with the
 *   NIR OID, see the padoa fixtures). Never selectable by a user; machine policy only.
 */
export type InsMode = 'production' | 'demo' | 'qualification';

export type OidRefusal = 'oid-unknown' | 'oid-test-refused' | 'oid-demo-refused' | 'oid-real-in-demo';

export type OidCheck =
  | { readonly ok: true; readonly kind: InsKind }
  | { readonly ok: false; readonly refusal: OidRefusal; readonly message: string };

export function insKindOf(oid: string): InsKind | null {
  for (const [kind, value] of Object.entries(INS_OID) as [InsKind, string][]) if (value === oid) return kind;
  return null;
}

const ACCEPTED: Record<InsMode, readonly InsKind[]> = {
  production: ['nir', 'nia'],
  demo: ['demo'],
  qualification: ['nir', 'nia', 'test'],
};

const MESSAGES: Record<OidRefusal, string> = {
  'oid-unknown': 'Type d’INS inconnu (OID non reconnu) : cette identité ne peut pas être rattachée automatiquement.',
  'oid-test-refused': 'Cette INS est une identité de test : elle est refusée en exploitation réelle.',
  'oid-demo-refused': 'Cette INS est une identité de démonstration : elle est refusée hors du mode démonstration.',
  'oid-real-in-demo': 'Le mode démonstration n’accepte que des identités de démonstration : cette INS réelle ou de test est refusée.',
};

/** May an INS of this OID be used (stored, matched, sent) in this mode? */
export function acceptOid(oid: string, mode: InsMode): OidCheck {
  const kind = insKindOf(oid.trim());
  let refusal: OidRefusal | null = null;
  if (kind === null) refusal = 'oid-unknown';
  else if (!ACCEPTED[mode].includes(kind)) {
    if (mode === 'demo') refusal = 'oid-real-in-demo';
    else refusal = kind === 'demo' ? 'oid-demo-refused' : 'oid-test-refused';
  }
  if (refusal !== null || kind === null) return { ok: false, refusal: refusal ?? 'oid-unknown', message: MESSAGES[refusal ?? 'oid-unknown'] };
  return { ok: true, kind };
}
