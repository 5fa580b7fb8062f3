import { OID, nameAttribute, parseCertificate, type KeyUsageName, type ParsedCertificate } from './x509.js';

/**
 * The CPS certificate profile (STANDARDS.md §1): subject `CN=<idNat_PS>+SN=<NOM>+GN=<PRÉNOM>,
 * title=<profession>, C=FR`, two certificates on the card — authentication (digitalSignature)
 * and signature (nonRepudiation). The national id comes from the CN:
 * 0+ADELI, 1 = ADELI practice, 3 = FINESS, 4 = SIREN, 5 = SIRET, 6 = RPPS practice, 8+RPPS.
 */

export type IdNat =
  | { readonly kind: 'RPPS'; readonly idNat: string; readonly rpps: string }
  | { readonly kind: 'ADELI'; readonly idNat: string; readonly adeli: string }
  | { readonly kind: 'ADELI-CABINET'; readonly idNat: string; readonly value: string }
  | { readonly kind: 'FINESS'; readonly idNat: string; readonly value: string }
  | { readonly kind: 'SIREN'; readonly idNat: string; readonly value: string }
  | { readonly kind: 'SIRET'; readonly idNat: string; readonly value: string }
  | { readonly kind: 'RPPS-CABINET'; readonly idNat: string; readonly value: string }
  | { readonly kind: 'unknown'; readonly idNat: string };

/** Reads an idNat_PS. Unknown or malformed values come back as kind 'unknown', never throw. */
export function parseIdNat(raw: string): IdNat {
  const idNat = raw.trim();
  const rest = idNat.slice(1);
  switch (idNat[0]) {
    case '8':
      return /^\d{11}$/.test(rest) ? { kind: 'RPPS', idNat, rpps: rest } : { kind: 'unknown', idNat };
    case '0':
      // ADELI: 9 characters (department may be 2A/2B; test cards show letters).
      return /^[0-9A-Z]{9}$/.test(rest) ? { kind: 'ADELI', idNat, adeli: rest } : { kind: 'unknown', idNat };
    case '1':
      return /^[0-9A-Z]{9,}$/.test(rest) ? { kind: 'ADELI-CABINET', idNat, value: rest } : { kind: 'unknown', idNat };
    case '3':
      return /^[0-9A-Z]{9}$/.test(rest) ? { kind: 'FINESS', idNat, value: rest } : { kind: 'unknown', idNat };
    case '4':
      return /^\d{9}$/.test(rest) ? { kind: 'SIREN', idNat, value: rest } : { kind: 'unknown', idNat };
    case '5':
      return /^\d{14}$/.test(rest) ? { kind: 'SIRET', idNat, value: rest } : { kind: 'unknown', idNat };
    case '6':
      return /^\d{11}/.test(rest) ? { kind: 'RPPS-CABINET', idNat, value: rest } : { kind: 'unknown', idNat };
    default:
      return { kind: 'unknown', idNat };
  }
}

export type CertificateRole = 'authentication' | 'signature' | 'ca' | 'unknown';

/** Role from key usage: CA if basicConstraints cA; signature if nonRepudiation; authentication if digitalSignature. */
export function certificateRole(cert: ParsedCertificate): CertificateRole {
  if (cert.basicConstraints?.ca) return 'ca';
  const ku = cert.keyUsage;
  if (!ku) return 'unknown';
  if (ku.has('nonRepudiation')) return 'signature';
  if (ku.has('digitalSignature')) return 'authentication';
  return 'unknown';
}

export interface CpsProfile {
  readonly idNat: IdNat;
  readonly lastName: string;
  readonly firstName: string;
  /** `title`, e.g. "Médecin". Empty when absent. */
  readonly profession: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serialHex: string;
  readonly issuerCn: string;
  readonly role: CertificateRole;
  readonly keyUsage: readonly KeyUsageName[];
}

export function profileFromCertificate(cert: ParsedCertificate): CpsProfile {
  const s = cert.subject;
  return {
    idNat: parseIdNat(nameAttribute(s, OID.commonName) ?? ''),
    lastName: nameAttribute(s, OID.surname) ?? '',
    firstName: nameAttribute(s, OID.givenName) ?? '',
    profession: nameAttribute(s, OID.title) ?? '',
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    serialHex: cert.serialHex,
    issuerCn: nameAttribute(cert.issuer, OID.commonName) ?? '',
    role: certificateRole(cert),
    keyUsage: cert.keyUsage ? [...cert.keyUsage] : [],
  };
}

export function parseCpsCertificate(der: Buffer): CpsProfile {
  return profileFromCertificate(parseCertificate(der));
}

export interface CardCertificateLike {
  readonly id: string;
  readonly der: Buffer;
}

export interface PickedCertificate<T extends CardCertificateLike> {
  readonly source: T;
  readonly cert: ParsedCertificate;
}

export interface PickedCertificates<T extends CardCertificateLike> {
  readonly authentication: PickedCertificate<T> | undefined;
  readonly signature: PickedCertificate<T> | undefined;
  /** CA certificates found on the card (possible chain elements). */
  readonly cas: readonly ParsedCertificate[];
}

/**
 * Sorts the card's certificates into authentication / signature by key usage, preferring
 * certificates whose CKA_ID pairs with a private key (`keyIds`, when known). Labels are not
 * used. When key usage gives no authentication certificate, the other paired end-entity
 * certificate is taken, so that the validator can refuse it with `wrong-key-usage`.
 */
export function pickCardCertificates<T extends CardCertificateLike>(certs: readonly T[], keyIds?: readonly string[]): PickedCertificates<T> {
  const parsed: PickedCertificate<T>[] = [];
  for (const source of certs) {
    try {
      parsed.push({ source, cert: parseCertificate(source.der) });
    } catch {
      // an unreadable certificate on the card is ignored, not fatal
    }
  }
  const cas = parsed.filter((p) => certificateRole(p.cert) === 'ca').map((p) => p.cert);
  let leaves = parsed.filter((p) => certificateRole(p.cert) !== 'ca');
  if (keyIds) {
    const paired = leaves.filter((p) => keyIds.includes(p.source.id));
    if (paired.length > 0) leaves = paired;
  }
  const byRole = (role: CertificateRole) => leaves.find((p) => certificateRole(p.cert) === role);
  const signature = byRole('signature');
  const authentication = byRole('authentication') ?? leaves.find((p) => p !== signature);
  const signatureFinal = signature ?? leaves.find((p) => p !== authentication);
  return { authentication, signature: signatureFinal, cas };
}
