// Parsed by @peculiar/x509 and its @peculiar/asn1-* schemas (+ OpenSSL via node:crypto for signatures); this thin wrapper only keeps stable types for the card layer.
import 'reflect-metadata';
import crypto from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, CertificateList, CRLNumber, id_ce_cRLNumber, type Name as AsnName } from '@peculiar/asn1-x509';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  CRLDistributionPointsExtension,
  ExtendedKeyUsageExtension,
  ExtensionFactory,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectKeyIdentifierExtension,
} from '@peculiar/x509';

/**
 * X.509 certificates and CRLs for the card layer. No hand-written ASN.1: structures are decoded
 * by the @peculiar/asn1-x509 schemas (the parser under @peculiar/x509: any key type, exact TBS
 * bytes kept), extensions and PEM by @peculiar/x509 itself, and every certificate is also loaded
 * by Node's crypto.X509Certificate (OpenSSL), which checks its signatures and must account for
 * every input byte. CRL signatures are checked with crypto.verify over the TBS bytes as received.
 * The wrapper exists so that callers see small, stable, synchronous types (ParsedCertificate,
 * ParsedCrl) and one error class, whatever the libraries' APIs do next.
 * Unknown extensions are kept by OID (critical ones listed) and never break parsing.
 */

export const OID = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  title: '2.5.4.12',
  givenName: '2.5.4.42',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  subjectAltName: '2.5.29.17',
  crlNumber: '2.5.29.20',
} as const;

const SHORT_NAMES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.surname]: 'SN',
  [OID.serialNumber]: 'serialNumber',
  [OID.country]: 'C',
  [OID.locality]: 'L',
  [OID.state]: 'ST',
  [OID.organization]: 'O',
  [OID.organizationalUnit]: 'OU',
  [OID.title]: 'title',
  [OID.givenName]: 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** Extensions this code understands; a critical extension outside this list refuses the certificate. */
export const UNDERSTOOD_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.keyUsage,
  OID.basicConstraints,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.crlDistributionPoints,
  OID.certificatePolicies,
  OID.subjectAltName,
]);

export const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_NAMES)[number];

export interface NameAttribute {
  readonly oid: string;
  readonly name: string;
  readonly value: string;
}

export interface DistinguishedName {
  readonly attributes: readonly NameAttribute[];
  /**
   * DER of the Name, as @peculiar/asn1-schema encodes the decoded attributes (the received bytes
   * for any DER input; the tests check this on the IGC-Santé CAs). Issuer/subject matching
   * compares these bytes, then the normalised text.
   */
  readonly der: Buffer;
  /** "C=FR, O=…, CN=…" (RDN order as encoded; multi-valued RDNs joined with "+"). */
  readonly text: string;
}

export interface ParsedCertificate {
  readonly der: Buffer;
  readonly serialHex: string;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Undefined when the certificate has no keyUsage extension. */
  readonly keyUsage: ReadonlySet<KeyUsageName> | undefined;
  readonly basicConstraints: { readonly ca: boolean; readonly pathLen: number | undefined } | undefined;
  readonly extKeyUsage: readonly string[];
  readonly subjectKeyId: string | undefined;
  readonly authorityKeyId: string | undefined;
  readonly crlDistributionPoints: readonly string[];
  readonly unknownCriticalExtensions: readonly string[];
  readonly signatureAlgorithm: string;
  readonly selfIssued: boolean;
}

export interface RevokedEntry {
  readonly serialHex: string;
  readonly revocationDate: Date;
}

export interface ParsedCrl {
  readonly der: Buffer;
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly revoked: readonly RevokedEntry[];
  readonly crlNumber: string | undefined;
  readonly signatureAlgorithm: string;
  /** TBSCertList bytes exactly as received: what the signature covers. */
  readonly tbs: Buffer;
  readonly signature: Buffer;
}

export class CertificateParseError extends Error {
  override name = 'CertificateParseError';
}

export function nameAttribute(name: DistinguishedName, oid: string): string | undefined {
  return name.attributes.find((a) => a.oid === oid)?.value;
}

function normalise(name: DistinguishedName): string {
  return name.attributes.map((a) => `${a.oid}=${a.value.trim().replace(/\s+/g, ' ').toUpperCase()}`).join('/');
}

export function sameName(a: DistinguishedName, b: DistinguishedName): boolean {
  return a.der.equals(b.der) || normalise(a) === normalise(b);
}

function distinguishedName(asn: AsnName): DistinguishedName {
  const attributes: NameAttribute[] = [];
  const rdnTexts: string[] = [];
  for (const rdn of asn) {
    const parts: string[] = [];
    for (const atv of rdn) {
      // UTF8/BMP/Universal/Printable/Teletex/IA5 strings are decoded by the library; any other
      // string type (Numeric, Visible…) comes back as the hex of its encoding.
      const value = atv.value.toString();
      const name = SHORT_NAMES[atv.type] ?? atv.type;
      attributes.push({ oid: atv.type, name, value });
      parts.push(`${name}=${value}`);
    }
    rdnTexts.push(parts.join('+'));
  }
  return { attributes, der: Buffer.from(AsnConvert.serialize(asn)), text: rdnTexts.join(', ') };
}

/** INTEGER bytes → lowercase hex without leading zero bytes (how serials are compared). */
function integerHex(bytes: ArrayBuffer): string {
  const hex = Buffer.from(bytes).toString('hex').replace(/^(?:00)+(?=..)/, '');
  return hex === '' ? '00' : hex;
}

function toBuffer(data: Buffer | Uint8Array | string): Buffer {
  if (typeof data !== 'string') return Buffer.from(data);
  try {
    return Buffer.from(PemConverter.decodeFirst(data));
  } catch {
    throw new CertificateParseError('not PEM');
  }
}

function parseError(what: string, error: unknown): CertificateParseError {
  if (error instanceof CertificateParseError) return error;
  return new CertificateParseError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
}

export function parseCertificate(input: Buffer | Uint8Array | string): ParsedCertificate {
  const der = toBuffer(input);
  try {
    return readCertificate(der);
  } catch (error) {
    throw parseError('certificate', error);
  }
}

export function parseCrl(input: Buffer | Uint8Array | string): ParsedCrl {
  const der = toBuffer(input);
  try {
    return readCrl(der);
  } catch (error) {
    throw parseError('crl', error);
  }
}

function readCertificate(der: Buffer): ParsedCertificate {
  // The schema parser directly, not `new X509Certificate(bytes)`: that constructor would also
  // take hex or base64 text for a certificate, which a card or a file must not get away with.
  const cert = AsnConvert.parse(der, Certificate);
  const node = new crypto.X509Certificate(der);
  // Neither parser minds bytes after the certificate; OpenSSL's re-encoding shows where it ended.
  if (node.raw.length !== der.length) throw new CertificateParseError('certificate: trailing bytes');
  const tbs = cert.tbsCertificate;

  let keyUsage: Set<KeyUsageName> | undefined;
  let basicConstraints: ParsedCertificate['basicConstraints'];
  let extKeyUsage: string[] = [];
  let subjectKeyId: string | undefined;
  let authorityKeyId: string | undefined;
  let crlDistributionPoints: string[] = [];
  const unknownCriticalExtensions: string[] = [];

  for (const raw of tbs.extensions ?? []) {
    const { extnID: oid, critical } = raw;
    let ext: ReturnType<typeof ExtensionFactory.create>;
    try {
      ext = ExtensionFactory.create(AsnConvert.serialize(raw));
    } catch (error) {
      // A malformed extension is a parse failure only when critical; otherwise ignored.
      if (critical) throw parseError(`certificate: extension ${oid}`, error);
      continue;
    }
    if (ext instanceof KeyUsagesExtension) {
      const usages = ext.usages;
      keyUsage = new Set(KEY_USAGE_NAMES.filter((name) => (usages & KeyUsageFlags[name]) !== 0));
    } else if (ext instanceof BasicConstraintsExtension) {
      basicConstraints = { ca: ext.ca, pathLen: ext.pathLength };
    } else if (ext instanceof ExtendedKeyUsageExtension) {
      extKeyUsage = ext.usages.map(String);
    } else if (ext instanceof SubjectKeyIdentifierExtension) {
      subjectKeyId = ext.keyId.toLowerCase();
    } else if (ext instanceof AuthorityKeyIdentifierExtension) {
      authorityKeyId = ext.keyId?.toLowerCase();
    } else if (ext instanceof CRLDistributionPointsExtension) {
      crlDistributionPoints = ext.distributionPoints.flatMap((dp) =>
        (dp.distributionPoint?.fullName ?? []).flatMap((gn) => (gn.uniformResourceIdentifier ? [gn.uniformResourceIdentifier] : [])),
      );
    } else if (critical && !UNDERSTOOD_EXTENSIONS.has(oid)) {
      unknownCriticalExtensions.push(oid);
    }
  }

  const issuer = distinguishedName(tbs.issuer);
  const subject = distinguishedName(tbs.subject);
  const parsed: ParsedCertificate = {
    der,
    serialHex: integerHex(tbs.serialNumber),
    issuer,
    subject,
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    keyUsage,
    basicConstraints,
    extKeyUsage,
    subjectKeyId,
    authorityKeyId,
    crlDistributionPoints,
    unknownCriticalExtensions,
    signatureAlgorithm: cert.signatureAlgorithm.algorithm,
    selfIssued: sameName(issuer, subject),
  };
  nodeCache.set(der, node);
  return parsed;
}

function readCrl(der: Buffer): ParsedCrl {
  // asn1js's defaults (10 000 nodes, 16 MiB per element) would refuse a CRL of a few thousand
  // entries; a CPS CRL has far more. Bound them by the input instead (every node takes ≥ 2 bytes;
  // crlStore caps a downloaded CRL at 50 MiB).
  const list = AsnConvert.parse(der, CertificateList, { berOptions: { maxNodes: Math.max(10_000, der.length), maxContentLength: der.length } });
  // The signature is checked over the TBSCertList as received, never over a re-encoding.
  const tbsBytes = list.tbsCertListRaw;
  if (!tbsBytes) throw new CertificateParseError('crl: TBSCertList bytes unavailable');
  // RFC 5280 §5.1.1.2: the outer and the signed algorithm identifiers must be the same.
  if (!list.signatureAlgorithm.isEqual(list.tbsCertList.signature)) throw new CertificateParseError('crl: signature algorithm mismatch');
  let crlNumber: string | undefined;
  for (const ext of list.tbsCertList.crlExtensions ?? []) {
    if (ext.extnID === id_ce_cRLNumber) {
      // Up to 20 octets (RFC 5280 §5.2.3): the library gives a number or a decimal string.
      const hex = BigInt(AsnConvert.parse(ext.extnValue.buffer, CRLNumber).value).toString(16);
      crlNumber = hex.length % 2 === 1 ? `0${hex}` : hex;
    }
  }
  return {
    der,
    issuer: distinguishedName(list.tbsCertList.issuer),
    thisUpdate: list.tbsCertList.thisUpdate.getTime(),
    nextUpdate: list.tbsCertList.nextUpdate?.getTime(),
    revoked: (list.tbsCertList.revokedCertificates ?? []).map((entry) => ({
      serialHex: integerHex(entry.userCertificate),
      revocationDate: entry.revocationDate.getTime(),
    })),
    crlNumber,
    signatureAlgorithm: list.signatureAlgorithm.algorithm,
    tbs: Buffer.from(tbsBytes),
    signature: Buffer.from(list.signature),
  };
}

const nodeCache = new WeakMap<Buffer, crypto.X509Certificate>();
export function nodeCertificate(cert: ParsedCertificate): crypto.X509Certificate {
  let x = nodeCache.get(cert.der);
  if (!x) {
    x = new crypto.X509Certificate(cert.der);
    nodeCache.set(cert.der, x);
  }
  return x;
}

export function publicKeyOf(cert: ParsedCertificate): crypto.KeyObject {
  return nodeCertificate(cert).publicKey;
}

/** True when `issuer`'s key verifies `cert`'s signature (OpenSSL). Never throws. */
export function verifyCertificateSignature(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  try {
    return nodeCertificate(cert).verify(publicKeyOf(issuer));
  } catch {
    return false;
  }
}

const HASH_BY_SIG_OID: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/**
 * True when `issuer`'s key verifies the CRL's signature. Never throws. Synchronous Node crypto
 * rather than X509Crl.verify (WebCrypto, async), so the validator stays synchronous.
 */
export function verifyCrlSignature(crl: ParsedCrl, issuer: ParsedCertificate): boolean {
  const hash = HASH_BY_SIG_OID[crl.signatureAlgorithm];
  if (!hash) return false;
  try {
    return crypto.verify(hash, crl.tbs, publicKeyOf(issuer), crl.signature);
  } catch {
    return false;
  }
}

export function sha256Hex(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}
