import crypto from 'node:crypto';
import forge from 'node-forge';
import type { KeyUsageName } from './x509.js';
import { parseCertificate } from './x509.js';

/**
 * Builds small PKIs: the demo mode's chain (virtual card) and the tests' IGC-Santé-like
 * chains. Keys come from Node's crypto (native, fast); certificates and CRLs are
 * assembled with node-forge (ASN.1) and signed with Node's crypto.
 * Nothing here is used to validate anything.
 */

export interface SubjectAttribute {
  /** Short name understood by node-forge (C, O, OU, CN, SN, GN → givenName, title, serialNumber). */
  readonly name: 'C' | 'O' | 'OU' | 'CN' | 'SN' | 'GN' | 'title' | 'serialNumber' | 'L' | 'ST';
  readonly value: string;
}

export interface PkiKey {
  readonly privateKey: crypto.KeyObject;
  readonly publicKey: crypto.KeyObject;
  /** PKCS#1 PEM ("RSA PRIVATE KEY"), for pkcs11-tool and node-forge. */
  readonly privatePem: string;
}

export interface Issuer {
  readonly subject: readonly SubjectAttribute[];
  readonly key: PkiKey;
}

export interface IssuedCertificate extends Issuer {
  readonly der: Buffer;
  readonly pem: string;
  readonly serialHex: string;
}

export interface IssueOptions {
  readonly subject: readonly SubjectAttribute[];
  readonly key: PkiKey;
  /** Absent: self-signed. */
  readonly issuer?: Issuer;
  readonly serialHex?: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Present: a CA certificate (basicConstraints cA=TRUE, keyCertSign + cRLSign). */
  readonly ca?: { readonly pathLen?: number };
  readonly keyUsage?: readonly KeyUsageName[];
  readonly extKeyUsage?: readonly ('clientAuth' | 'emailProtection')[];
  readonly crlUrl?: string;
}

export function generateRsaKey(bits = 2048): PkiKey {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
  return { privateKey, publicKey, privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() };
}

export function keyFromPem(privatePem: string): PkiKey {
  const privateKey = crypto.createPrivateKey(privatePem);
  return { privateKey, publicKey: crypto.createPublicKey(privateKey), privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() };
}

export function randomSerialHex(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x10; // positive, no leading zero
  return bytes.toString('hex');
}

function forgeAttributes(subject: readonly SubjectAttribute[]): forge.pki.CertificateField[] {
  return subject.map((a) => {
    const base = a.name === 'GN' ? { type: '2.5.4.42' } : a.name === 'SN' ? { type: '2.5.4.4' } : a.name === 'title' ? { type: '2.5.4.12' } : { shortName: a.name };
    // UTF8String for everything but C (PrintableString), as the IGC-Santé does for names.
    return a.name === 'C' ? { ...base, value: a.value } : { ...base, value: a.value, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class };
  });
}

export function derToPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function issueCertificate(options: IssueOptions): IssuedCertificate {
  const cert = forge.pki.createCertificate();
  const serialHex = options.serialHex ?? randomSerialHex();
  cert.serialNumber = serialHex;
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  cert.publicKey = forge.pki.publicKeyFromPem(options.key.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.setSubject(forgeAttributes(options.subject));
  cert.setIssuer(forgeAttributes(options.issuer?.subject ?? options.subject));
  const usage = new Set<KeyUsageName>(options.keyUsage ?? (options.ca ? ['keyCertSign', 'cRLSign'] : []));
  const extensions: Record<string, unknown>[] = [];
  if (options.ca) {
    extensions.push({ name: 'basicConstraints', cA: true, critical: true, ...(options.ca.pathLen !== undefined ? { pathLenConstraint: options.ca.pathLen } : {}) });
  } else {
    extensions.push({ name: 'basicConstraints', cA: false, critical: true });
  }
  if (usage.size > 0) {
    const ku: Record<string, unknown> = { name: 'keyUsage', critical: true };
    for (const u of usage) ku[u] = true;
    extensions.push(ku);
  }
  if (options.extKeyUsage && options.extKeyUsage.length > 0) {
    const eku: Record<string, unknown> = { name: 'extKeyUsage' };
    for (const u of options.extKeyUsage) eku[u] = true;
    extensions.push(eku);
  }
  extensions.push({ name: 'subjectKeyIdentifier' });
  if (options.crlUrl) extensions.push({ name: 'cRLDistributionPoints', altNames: [{ type: 6, value: options.crlUrl }] });
  cert.setExtensions(extensions);
  const signer = options.issuer?.key ?? options.key;
  // As forge's cert.sign(), but the RSA signature by Node's crypto (forge's is pure JS, ~50× slower).
  const sha256WithRsa = forge.pki.oids['sha256WithRSAEncryption'] as string;
  cert.signatureOid = sha256WithRsa;
  cert.siginfo.algorithmOid = sha256WithRsa;
  const getTbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate;
  const tbs = Buffer.from(forge.asn1.toDer(getTbs(cert)).getBytes(), 'binary');
  cert.signature = crypto.sign('sha256', tbs, signer.privateKey).toString('binary');
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
  return { der, pem: derToPem(der), serialHex, subject: options.subject, key: options.key };
}

function integerBytes(hex: string): string {
  let h = hex.length % 2 === 1 ? `0${hex}` : hex;
  if (parseInt(h.slice(0, 2), 16) >= 0x80) h = `00${h}`;
  return Buffer.from(h, 'hex').toString('binary');
}

export interface CrlOptions {
  /** DER of the issuing CA certificate (its subject becomes the CRL issuer). */
  readonly issuerDer: Buffer;
  readonly issuerKey: PkiKey;
  readonly revoked: readonly { readonly serialHex: string; readonly date: Date }[];
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly crlNumber?: number;
}

/** A v2 CRL, sha256WithRSAEncryption, DER. */
export function buildCrl(options: CrlOptions): Buffer {
  const { asn1 } = forge;
  const U = asn1.Class.UNIVERSAL;
  const T = asn1.Type;
  const algorithm = () =>
    asn1.create(U, T.SEQUENCE, true, [asn1.create(U, T.OID, false, asn1.oidToDer('1.2.840.113549.1.1.11').getBytes()), asn1.create(U, T.NULL, false, '')]);
  const time = (d: Date) => asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(d));
  const issuerName = asn1.fromDer(parseCertificate(options.issuerDer).subject.der.toString('binary'));
  const fields: forge.asn1.Asn1[] = [
    asn1.create(U, T.INTEGER, false, integerBytes('01')),
    algorithm(),
    issuerName,
    time(options.thisUpdate),
    time(options.nextUpdate),
  ];
  if (options.revoked.length > 0) {
    fields.push(
      asn1.create(
        U,
        T.SEQUENCE,
        true,
        options.revoked.map((r) => asn1.create(U, T.SEQUENCE, true, [asn1.create(U, T.INTEGER, false, integerBytes(r.serialHex)), time(r.date)])),
      ),
    );
  }
  const crlNumber = asn1.create(U, T.INTEGER, false, integerBytes((options.crlNumber ?? 1).toString(16)));
  fields.push(
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(U, T.SEQUENCE, true, [
        asn1.create(U, T.SEQUENCE, true, [asn1.create(U, T.OID, false, asn1.oidToDer('2.5.29.20').getBytes()), asn1.create(U, T.OCTETSTRING, false, asn1.toDer(crlNumber).getBytes())]),
      ]),
    ]),
  );
  const tbs = asn1.create(U, T.SEQUENCE, true, fields);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = crypto.sign('sha256', tbsDer, options.issuerKey.privateKey);
  const crl = asn1.create(U, T.SEQUENCE, true, [tbs, algorithm(), asn1.create(U, T.BITSTRING, false, `\0${signature.toString('binary')}`)]);
  return Buffer.from(asn1.toDer(crl).getBytes(), 'binary');
}
