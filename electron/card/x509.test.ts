import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCrl, generateRsaKey, issueCertificate, type IssuedCertificate, type PkiKey } from './pkiBuilder.js';
import { CertificateParseError, parseCertificate, parseCrl, verifyCrlSignature } from './x509.js';

// The real IGC-Santé CA certificates, read in place (never copied into the repository).
const FIXTURES = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/fixtures/igc-sante');
const DAY = 86_400_000;

describe('x509 wrapper over @peculiar/x509', () => {
  let key: PkiKey;
  let ca: IssuedCertificate;
  beforeAll(() => {
    key = generateRsaKey(1024);
    ca = issueCertificate({ subject: [{ name: 'C', value: 'FR' }, { name: 'CN', value: 'AC TEST' }], key, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY), ca: {} });
  });

  it('keeps the received bytes of issuer/subject Names and reads the IGC-Santé extensions', () => {
    const certs = fs
      .readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.cer'))
      .map((f) => parseCertificate(fs.readFileSync(path.join(FIXTURES, f))));
    expect(certs).toHaveLength(9);
    for (const cert of certs) {
      expect(cert.der.includes(cert.subject.der)).toBe(true);
      expect(cert.der.includes(cert.issuer.der)).toBe(true);
      expect(cert.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
      expect(cert.unknownCriticalExtensions).toEqual([]);
      expect(cert.signatureAlgorithm).toBe('1.2.840.113549.1.1.11');
    }
    const roots = certs.filter((c) => c.selfIssued);
    for (const cert of certs.filter((c) => !c.selfIssued)) {
      expect(roots.some((r) => r.subjectKeyId === cert.authorityKeyId)).toBe(true);
      expect(cert.crlDistributionPoints.some((u) => u.startsWith('http://igc-sante.esante.gouv.fr/CRL/'))).toBe(true);
    }
  });

  it('refuses hex or base64 text handed over as certificate bytes, and trailing bytes', () => {
    const der = ca.der;
    expect(() => parseCertificate(Buffer.from(der.toString('hex')))).toThrow(CertificateParseError);
    expect(() => parseCertificate(Buffer.from(der.toString('base64')))).toThrow(CertificateParseError);
    expect(() => parseCertificate(Buffer.concat([der, Buffer.from([0x30, 0x00])]))).toThrow(CertificateParseError);
    expect(() => parseCertificate('not a PEM')).toThrow(CertificateParseError);
    expect(parseCertificate(ca.pem).der.equals(der)).toBe(true);
  });

  it('reads a CRL of thousands of entries (beyond asn1js default node limit) and checks it over the received TBS', () => {
    const revoked = Array.from({ length: 5000 }, (_, i) => ({ serialHex: (0x10000 + i).toString(16), date: new Date('2025-01-01T00:00:00Z') }));
    const der = buildCrl({ issuerDer: ca.der, issuerKey: key, revoked, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + DAY), crlNumber: 0x1234 });
    const crl = parseCrl(der);
    expect(crl.revoked).toHaveLength(5000);
    expect(crl.revoked[1]).toEqual({ serialHex: '010001', revocationDate: new Date('2025-01-01T00:00:00Z') });
    expect(crl.crlNumber).toBe('1234');
    expect(der.includes(crl.tbs)).toBe(true);
    expect(verifyCrlSignature(crl, parseCertificate(ca.der))).toBe(true);
  });

  it('refuses a CRL whose outer signature algorithm differs from the signed one', () => {
    const der = Buffer.from(buildCrl({ issuerDer: ca.der, issuerKey: key, revoked: [], thisUpdate: new Date(), nextUpdate: new Date(Date.now() + DAY) }));
    const sha256WithRsa = Buffer.from('06092a864886f70d01010b', 'hex');
    const outer = der.lastIndexOf(sha256WithRsa);
    der[outer + sha256WithRsa.length - 1] = 0x0c; // sha384WithRSAEncryption, same length
    expect(() => parseCrl(der)).toThrow(CertificateParseError);
  });
});
