import crypto from 'node:crypto';
import {
  DerError,
  TAG,
  child,
  decodeBits,
  decodeIntegerHex,
  decodeOid,
  decodeSmallInteger,
  decodeString,
  decodeTime,
  expectTag,
  findAll,
  parseDer,
  type DerNode,
} from './der.js';

/**
 * X.509 certificates and CRLs, read with the small DER reader (der.ts). Not node-forge's
 * `pki.certificateFromAsn1`: it refuses any non-RSA key and does not keep the exact TBS bytes.
 * Signatures are checked with Node's crypto (X509Certificate.verify, crypto.verify).
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
  /** Exact DER of the Name: issuer/subject matching compares these bytes (then the text). */
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
  readonly tbs: Buffer;
  readonly signature: Buffer;
}

export class CertificateParseError extends Error {
  override name = 'CertificateParseError';
}

function parseName(node: DerNode): DistinguishedName {
  expectTag(node, TAG.SEQUENCE, 'Name');
  const attributes: NameAttribute[] = [];
  const rdnTexts: string[] = [];
  for (const rdn of node.children) {
    expectTag(rdn, TAG.SET, 'RDN');
    const parts: string[] = [];
    for (const atv of rdn.children) {
      expectTag(atv, TAG.SEQUENCE, 'AttributeTypeAndValue');
      const oid = decodeOid(child(atv, 0, 'attribute type'));
      const value = decodeString(child(atv, 1, 'attribute value'));
      const name = SHORT_NAMES[oid] ?? oid;
      attributes.push({ oid, name, value });
      parts.push(`${name}=${value}`);
    }
    rdnTexts.push(parts.join('+'));
  }
  return { attributes, der: Buffer.from(node.raw), text: rdnTexts.join(', ') };
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

function algorithmOid(node: DerNode): string {
  return decodeOid(child(expectTag(node, TAG.SEQUENCE, 'AlgorithmIdentifier'), 0, 'algorithm'));
}

function toBuffer(data: Buffer | Uint8Array | string): Buffer {
  if (typeof data !== 'string') return Buffer.from(data);
  const pem = /-----BEGIN [A-Z0-9 ]+-----([\s\S]*?)-----END [A-Z0-9 ]+-----/.exec(data);
  if (!pem?.[1]) throw new CertificateParseError('not PEM');
  return Buffer.from(pem[1].replace(/\s+/g, ''), 'base64');
}

export function parseCertificate(input: Buffer | Uint8Array | string): ParsedCertificate {
  const der = toBuffer(input);
  try {
    const cert = expectTag(parseDer(der), TAG.SEQUENCE, 'Certificate');
    const tbs = expectTag(child(cert, 0, 'Certificate'), TAG.SEQUENCE, 'TBSCertificate');
    const signatureAlgorithm = algorithmOid(child(cert, 1, 'Certificate'));
    let i = 0;
    if (tbs.children[0]?.tag === 0xa0) i = 1; // [0] EXPLICIT version
    const serialHex = decodeIntegerHex(child(tbs, i, 'serial'));
    const issuer = parseName(child(tbs, i + 2, 'issuer'));
    const validity = expectTag(child(tbs, i + 3, 'validity'), TAG.SEQUENCE, 'Validity');
    const notBefore = decodeTime(child(validity, 0, 'notBefore'));
    const notAfter = decodeTime(child(validity, 1, 'notAfter'));
    const subject = parseName(child(tbs, i + 4, 'subject'));

    let keyUsage: Set<KeyUsageName> | undefined;
    let basicConstraints: ParsedCertificate['basicConstraints'];
    let extKeyUsage: string[] = [];
    let subjectKeyId: string | undefined;
    let authorityKeyId: string | undefined;
    let crlDistributionPoints: string[] = [];
    const unknownCriticalExtensions: string[] = [];

    const extWrapper = tbs.children.find((c) => c.tag === 0xa3);
    for (const ext of extWrapper?.children[0]?.children ?? []) {
      const oid = decodeOid(child(ext, 0, 'extnID'));
      const critical = ext.children.length === 3 && ext.children[1]?.tag === TAG.BOOLEAN && ext.children[1].content[0] !== 0;
      const valueNode = expectTag(ext.children[ext.children.length - 1], TAG.OCTET_STRING, 'extnValue');
      try {
        const value = parseDer(valueNode.content);
        switch (oid) {
          case OID.keyUsage: {
            const bits = decodeBits(value);
            keyUsage = new Set(KEY_USAGE_NAMES.filter((_, index) => bits[index] === true));
            break;
          }
          case OID.basicConstraints: {
            const ca = value.children[0]?.tag === TAG.BOOLEAN ? value.children[0].content[0] !== 0 : false;
            const pathNode = value.children.find((c) => c.tag === TAG.INTEGER);
            basicConstraints = { ca, pathLen: pathNode ? decodeSmallInteger(pathNode) : undefined };
            break;
          }
          case OID.extKeyUsage:
            extKeyUsage = value.children.map(decodeOid);
            break;
          case OID.subjectKeyIdentifier:
            subjectKeyId = value.content.toString('hex');
            break;
          case OID.authorityKeyIdentifier: {
            const keyId = value.children.find((c) => c.tag === 0x80);
            authorityKeyId = keyId?.content.toString('hex');
            break;
          }
          case OID.crlDistributionPoints:
            crlDistributionPoints = findAll(value, (n) => n.tag === 0x86).map((n) => n.content.toString('latin1'));
            break;
          default:
            if (critical && !UNDERSTOOD_EXTENSIONS.has(oid)) unknownCriticalExtensions.push(oid);
        }
      } catch (error) {
        // A malformed extension we need is a parse failure only when critical; otherwise ignored.
        if (critical) throw error;
      }
    }
    return {
      der,
      serialHex,
      issuer,
      subject,
      notBefore,
      notAfter,
      keyUsage,
      basicConstraints,
      extKeyUsage,
      subjectKeyId,
      authorityKeyId,
      crlDistributionPoints,
      unknownCriticalExtensions,
      signatureAlgorithm,
      selfIssued: sameName(issuer, subject),
    };
  } catch (error) {
    if (error instanceof DerError) throw new CertificateParseError(`certificate: ${error.message}`);
    throw error;
  }
}

export function parseCrl(input: Buffer | Uint8Array | string): ParsedCrl {
  const der = toBuffer(input);
  try {
    const list = expectTag(parseDer(der), TAG.SEQUENCE, 'CertificateList');
    const tbs = expectTag(child(list, 0, 'CertificateList'), TAG.SEQUENCE, 'TBSCertList');
    const signatureAlgorithm = algorithmOid(child(list, 1, 'CertificateList'));
    const sigBits = expectTag(child(list, 2, 'CertificateList'), TAG.BIT_STRING, 'signature').content;
    let i = 0;
    if (tbs.children[0]?.tag === TAG.INTEGER) i = 1;
    const issuer = parseName(child(tbs, i + 1, 'issuer'));
    const thisUpdate = decodeTime(child(tbs, i + 2, 'thisUpdate'));
    let j = i + 3;
    let nextUpdate: Date | undefined;
    const maybeNext = tbs.children[j];
    if (maybeNext && (maybeNext.tag === TAG.UTC_TIME || maybeNext.tag === TAG.GENERALIZED_TIME)) {
      nextUpdate = decodeTime(maybeNext);
      j += 1;
    }
    const revoked: RevokedEntry[] = [];
    const maybeRevoked = tbs.children[j];
    if (maybeRevoked?.tag === TAG.SEQUENCE) {
      for (const entry of maybeRevoked.children) {
        revoked.push({ serialHex: decodeIntegerHex(child(entry, 0, 'revoked serial')), revocationDate: decodeTime(child(entry, 1, 'revocationDate')) });
      }
    }
    let crlNumber: string | undefined;
    const extWrapper = tbs.children.find((c) => c.tag === 0xa0);
    for (const ext of extWrapper?.children[0]?.children ?? []) {
      if (decodeOid(child(ext, 0, 'extnID')) === OID.crlNumber) {
        const value = ext.children[ext.children.length - 1];
        if (value) crlNumber = decodeIntegerHex(parseDer(value.content));
      }
    }
    return {
      der,
      issuer,
      thisUpdate,
      nextUpdate,
      revoked,
      crlNumber,
      signatureAlgorithm,
      tbs: Buffer.from(tbs.raw),
      signature: Buffer.from(sigBits.subarray(1)),
    };
  } catch (error) {
    if (error instanceof DerError) throw new CertificateParseError(`crl: ${error.message}`);
    throw error;
  }
}

const cache = new WeakMap<Buffer, crypto.X509Certificate>();
export function nodeCertificate(cert: ParsedCertificate): crypto.X509Certificate {
  let x = cache.get(cert.der);
  if (!x) {
    x = new crypto.X509Certificate(cert.der);
    cache.set(cert.der, x);
  }
  return x;
}

export function publicKeyOf(cert: ParsedCertificate): crypto.KeyObject {
  return nodeCertificate(cert).publicKey;
}

/** True when `issuer`'s key verifies `cert`'s signature. Never throws. */
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

/** True when `issuer`'s key verifies the CRL's signature. Never throws. */
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
