import {
  sameName,
  verifyCertificateSignature,
  verifyCrlSignature,
  type ParsedCertificate,
  type ParsedCrl,
} from './x509.js';

/**
 * Validates a card certificate against the trust anchors, as a pure function of
 * (certificates, anchors, CRLs, now): chain building by issuer name and signature, dates,
 * CA basicConstraints / keyCertSign / pathLen, the leaf's key usage for its role, and
 * revocation from the issuer's CRL.
 *
 * Revocation policy (a setting):
 * - no CRL for the issuer → refusal `crl-unavailable` under 'require' (default), a warning
 *   under 'warn', nothing under 'off';
 * - the newest CRL is past its nextUpdate → a warning `crl-outdated` during a grace period
 *   (default 7 days), then refusal `crl-expired`. Why: Caducée must keep working offline
 *   against its local cache; a CRL a few days old still proves the card was not revoked at its
 *   thisUpdate, and a hard refusal the morning after a network outage would lock every doctor
 *   out. Past the grace period, revocation cannot be vouched for any more, so we refuse.
 * - a listed serial is refused (`revoked`) whatever the CRL's age.
 */

export const refusalCodes = [
  'expired',
  'not-yet-valid',
  'untrusted-issuer',
  'bad-signature',
  'issuer-invalid',
  'wrong-key-usage',
  'revoked',
  'crl-unavailable',
  'crl-expired',
  'unsupported-critical-extension',
  'unreadable',
] as const;
export type RefusalCode = (typeof refusalCodes)[number];

export const REFUSAL_MESSAGES: Record<RefusalCode, string> = {
  expired: 'Le certificat de votre carte CPS a expiré. Demandez une nouvelle carte à l’Agence du Numérique en Santé.',
  'not-yet-valid': 'Le certificat de votre carte CPS n’est pas encore valide. Vérifiez la date et l’heure de cet ordinateur.',
  'untrusted-issuer':
    'Cette carte n’a pas été émise par une autorité de confiance (IGC-Santé). Vérifiez l’installation de la Cryptolib CPS ou utilisez une carte CPS valide.',
  'bad-signature': 'Le certificat de la carte est altéré : sa signature ne correspond pas à l’autorité émettrice.',
  'issuer-invalid': 'L’autorité qui a émis cette carte n’est pas valide (certificat d’autorité expiré ou non conforme).',
  'wrong-key-usage': 'Le certificat de la carte ne permet pas cet usage (authentification ou signature).',
  revoked: 'Cette carte CPS a été révoquée (opposition ou remplacement). Elle ne peut plus être utilisée.',
  'crl-unavailable':
    'Impossible de vérifier que la carte n’est pas révoquée : aucune liste de révocation n’est disponible. Vérifiez la connexion au réseau puis réessayez.',
  'crl-expired':
    'Impossible de vérifier que la carte n’est pas révoquée : la liste de révocation est périmée depuis trop longtemps. Reconnectez cet ordinateur au réseau puis réessayez.',
  'unsupported-critical-extension': 'Le certificat de la carte contient une extension critique non prise en charge.',
  unreadable: 'Le certificat de la carte est illisible.',
};

export type WarningCode = 'crl-outdated' | 'crl-not-checked';
export const WARNING_MESSAGES: Record<WarningCode, string> = {
  'crl-outdated': 'La liste de révocation des cartes CPS n’a pas pu être mise à jour récemment.',
  'crl-not-checked': 'La révocation de la carte n’a pas pu être vérifiée (aucune liste de révocation disponible).',
};

export type ExpectedRole = 'authentication' | 'signature';

export interface RevocationPolicy {
  readonly mode: 'require' | 'warn' | 'off';
  readonly expiredCrlGraceDays: number;
}
export const DEFAULT_REVOCATION_POLICY: RevocationPolicy = { mode: 'require', expiredCrlGraceDays: 7 };

export interface ValidationInput {
  readonly leaf: ParsedCertificate;
  readonly expectedRole: ExpectedRole;
  /** Extra chain elements (CA certificates read from the card): used to build the path, not trusted. */
  readonly intermediates?: readonly ParsedCertificate[];
  readonly anchors: readonly ParsedCertificate[];
  readonly crls: readonly ParsedCrl[];
  readonly now: Date;
  readonly policy?: RevocationPolicy;
}

export interface ValidationWarning {
  readonly code: WarningCode;
  readonly message: string;
}

export type ValidationResult =
  | { readonly ok: true; readonly chain: readonly ParsedCertificate[]; readonly warnings: readonly ValidationWarning[] }
  | { readonly ok: false; readonly code: RefusalCode; readonly message: string; readonly detail: string };

function refuse(code: RefusalCode, detail: string): ValidationResult {
  return { ok: false, code, message: REFUSAL_MESSAGES[code], detail };
}

const MAX_DEPTH = 8;
const CLOCK_SKEW_MS = 5 * 60_000;

function isAnchor(cert: ParsedCertificate, anchors: readonly ParsedCertificate[]): boolean {
  return anchors.some((a) => a.der.equals(cert.der));
}

type PathResult = { ok: true; chain: ParsedCertificate[] } | { ok: false; code: RefusalCode; detail: string };

function buildPath(leaf: ParsedCertificate, anchors: readonly ParsedCertificate[], intermediates: readonly ParsedCertificate[]): PathResult {
  const chain = [leaf];
  const pool = [...anchors, ...intermediates];
  let current = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth += 1) {
    if (depth > 0 && isAnchor(current, anchors)) return { ok: true, chain };
    if (current.selfIssued && depth > 0) return { ok: false, code: 'untrusted-issuer', detail: 'self-signed root not in trust store' };
    const candidates = pool.filter((c) => c !== current && !c.der.equals(current.der) && sameName(c.subject, current.issuer));
    if (candidates.length === 0) return { ok: false, code: 'untrusted-issuer', detail: `no issuer for depth ${depth}` };
    const issuer = candidates.find((c) => verifyCertificateSignature(current, c));
    if (!issuer) return { ok: false, code: 'bad-signature', detail: `signature at depth ${depth} does not verify` };
    chain.push(issuer);
    current = issuer;
  }
  return isAnchor(current, anchors) ? { ok: true, chain } : { ok: false, code: 'untrusted-issuer', detail: 'chain too long' };
}

function checkDates(cert: ParsedCertificate, now: Date): 'expired' | 'not-yet-valid' | undefined {
  if (now.getTime() < cert.notBefore.getTime()) return 'not-yet-valid';
  if (now.getTime() > cert.notAfter.getTime()) return 'expired';
  return undefined;
}

export function usageAllows(cert: ParsedCertificate, role: ExpectedRole): boolean {
  if (cert.basicConstraints?.ca) return false;
  const ku = cert.keyUsage;
  if (!ku) return false;
  return role === 'authentication' ? ku.has('digitalSignature') : ku.has('nonRepudiation');
}

/** Revocation of `cert` by `issuer`'s CRLs. Returns a refusal, a warning, or nothing. */
function checkRevocation(
  cert: ParsedCertificate,
  issuer: ParsedCertificate,
  crls: readonly ParsedCrl[],
  now: Date,
  policy: RevocationPolicy,
  mandatory: boolean,
): { refusal?: ValidationResult; warning?: ValidationWarning } {
  if (policy.mode === 'off') return {};
  const canSignCrl = !issuer.keyUsage || issuer.keyUsage.has('cRLSign');
  const usable = canSignCrl
    ? crls.filter((crl) => sameName(crl.issuer, issuer.subject) && crl.thisUpdate.getTime() <= now.getTime() + CLOCK_SKEW_MS && verifyCrlSignature(crl, issuer))
    : [];
  // A listed serial is refused whatever the age of the CRL.
  for (const crl of usable) {
    const entry = crl.revoked.find((r) => r.serialHex === cert.serialHex);
    if (entry) return { refusal: refuse('revoked', `serial listed in CRL of ${crl.thisUpdate.toISOString()}, revoked ${entry.revocationDate.toISOString()}`) };
  }
  if (usable.length === 0) {
    if (!mandatory) return {};
    if (policy.mode === 'warn') return { warning: { code: 'crl-not-checked', message: WARNING_MESSAGES['crl-not-checked'] } };
    return { refusal: refuse('crl-unavailable', 'no valid CRL for the issuer') };
  }
  const newest = usable.reduce((a, b) => (b.thisUpdate.getTime() > a.thisUpdate.getTime() ? b : a));
  if (newest.nextUpdate && newest.nextUpdate.getTime() < now.getTime()) {
    const overdueDays = (now.getTime() - newest.nextUpdate.getTime()) / 86_400_000;
    if (overdueDays > policy.expiredCrlGraceDays) {
      return mandatory ? { refusal: refuse('crl-expired', `newest CRL overdue by ${Math.floor(overdueDays)} days`) } : {};
    }
    return { warning: { code: 'crl-outdated', message: WARNING_MESSAGES['crl-outdated'] } };
  }
  return {};
}

export function validateCertificate(input: ValidationInput): ValidationResult {
  const { leaf, now, anchors } = input;
  const policy = input.policy ?? DEFAULT_REVOCATION_POLICY;

  const dates = checkDates(leaf, now);
  if (dates) return refuse(dates, `leaf ${dates}: ${leaf.notBefore.toISOString()}..${leaf.notAfter.toISOString()}`);
  if (!usageAllows(leaf, input.expectedRole)) {
    return refuse('wrong-key-usage', `expected ${input.expectedRole}, keyUsage=${leaf.keyUsage ? [...leaf.keyUsage].join('|') : 'absent'}`);
  }

  const path = buildPath(leaf, anchors, input.intermediates ?? []);
  if (!path.ok) return refuse(path.code, path.detail);
  const chain = path.chain;

  for (const [index, cert] of chain.entries()) {
    if (cert.unknownCriticalExtensions.length > 0) return refuse('unsupported-critical-extension', `depth ${index}: ${cert.unknownCriticalExtensions.join(',')}`);
    if (index === 0) continue;
    if (!cert.basicConstraints?.ca) return refuse('issuer-invalid', `depth ${index}: not a CA`);
    if (cert.keyUsage && !cert.keyUsage.has('keyCertSign')) return refuse('issuer-invalid', `depth ${index}: no keyCertSign`);
    const pathLen = cert.basicConstraints.pathLen;
    if (pathLen !== undefined && index - 1 > pathLen) return refuse('issuer-invalid', `depth ${index}: pathLen ${pathLen} exceeded`);
    if (checkDates(cert, now)) return refuse('issuer-invalid', `depth ${index}: CA certificate outside its validity`);
  }

  const warnings: ValidationWarning[] = [];
  for (let index = 0; index < chain.length - 1; index += 1) {
    const cert = chain[index] as ParsedCertificate;
    const issuer = chain[index + 1] as ParsedCertificate;
    if (index > 0 && isAnchor(cert, anchors)) break; // anchors are trusted as installed
    const { refusal, warning } = checkRevocation(cert, issuer, input.crls, now, policy, index === 0);
    if (refusal) return refusal;
    if (warning) warnings.push(warning);
  }
  return { ok: true, chain, warnings };
}
