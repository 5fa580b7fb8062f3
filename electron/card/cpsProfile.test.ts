import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificateRole, parseIdNat, pickCardCertificates, profileFromCertificate } from './cpsProfile.js';
import { generateRsaKey, issueCertificate, type IssuedCertificate, type PkiKey, type SubjectAttribute } from './pkiBuilder.js';
import { CertificateParseError, parseCertificate } from './x509.js';

describe('idNat_PS from the CN', () => {
  it.each([
    ['810002813839', { kind: 'RPPS', rpps: '10002813839' }],
    ['00B7010446', { kind: 'ADELI', adeli: '0B7010446' }],
    ['0751234567', { kind: 'ADELI', adeli: '751234567' }],
    ['1751234567001', { kind: 'ADELI-CABINET' }],
    ['3750000001', { kind: 'FINESS', value: '750000001' }],
    ['4123456789', { kind: 'SIREN', value: '123456789' }],
    ['512345678900012', { kind: 'SIRET', value: '12345678900012' }],
    ['61000281383900001', { kind: 'RPPS-CABINET' }],
  ] as const)('%s', (cn, expected) => {
    expect(parseIdNat(cn)).toMatchObject({ ...expected, idNat: cn });
  });
  it.each(['8123', '81000281383X', '', '9123456789', '41234', 'abc'])('%s → unknown', (cn) => {
    expect(parseIdNat(cn).kind).toBe('unknown');
  });
});

const DAY = 86_400_000;
const subject: SubjectAttribute[] = [
  { name: 'C', value: 'FR' },
  { name: 'title', value: 'Masseur-Kinésithérapeute' },
  { name: 'CN', value: '810100000017' },
  { name: 'SN', value: 'LÉVÊQUE' },
  { name: 'GN', value: 'Zoé' },
];
let key: PkiKey;
let ca: IssuedCertificate;
beforeAll(() => {
  key = generateRsaKey(1024);
  ca = issueCertificate({ subject: [{ name: 'CN', value: 'AC TEST' }], key, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY), ca: {} });
});
const leaf = (keyUsage: Parameters<typeof issueCertificate>[0]['keyUsage']) =>
  issueCertificate({ subject, key, issuer: ca, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2028-01-01T00:00:00Z'), ...(keyUsage ? { keyUsage } : {}) });

describe('CPS profile', () => {
  it('reads idNat, SN, GN, title (UTF-8), validity, issuer and role', () => {
    const p = profileFromCertificate(parseCertificate(leaf(['digitalSignature', 'keyEncipherment']).der));
    expect(p).toMatchObject({
      idNat: { kind: 'RPPS', rpps: '10100000017' },
      lastName: 'LÉVÊQUE',
      firstName: 'Zoé',
      profession: 'Masseur-Kinésithérapeute',
      issuerCn: 'AC TEST',
      role: 'authentication',
    });
    expect(p.notAfter.toISOString()).toBe('2028-01-01T00:00:00.000Z');
    expect([...p.keyUsage].sort()).toEqual(['digitalSignature', 'keyEncipherment']);
  });

  it('reads the real CPS layout with a multi-valued RDN (CN+SN+GN) and BMPString/PrintableString values', () => {
    const { asn1 } = forge;
    const U = asn1.Class.UNIVERSAL;
    const atv = (oid: string, type: number, value: string) =>
      asn1.create(U, asn1.Type.SEQUENCE, true, [asn1.create(U, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()), asn1.create(U, type, false, value)]);
    const name = asn1.create(U, asn1.Type.SEQUENCE, true, [
      asn1.create(U, asn1.Type.SET, true, [atv('2.5.4.6', asn1.Type.PRINTABLESTRING, 'FR')]),
      asn1.create(U, asn1.Type.SET, true, [atv('2.5.4.12', asn1.Type.UTF8, forge.util.encodeUtf8('Médecin'))]),
      asn1.create(U, asn1.Type.SET, true, [
        atv('2.5.4.3', asn1.Type.PRINTABLESTRING, '810002813839'),
        atv('2.5.4.4', asn1.Type.BMPSTRING, 'DURAND'), // forge writes BMPString as UTF-16BE
        atv('2.5.4.42', asn1.Type.UTF8, forge.util.encodeUtf8('Hélène')),
      ]),
    ]);
    // Splice that Name into a real certificate in place of its subject.
    const cert = forge.pki.certificateFromPem(leaf(['nonRepudiation']).pem);
    const tbsAsn1 = forge.pki.certificateToAsn1(cert);
    const tbs = (tbsAsn1.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
    (tbs.value as forge.asn1.Asn1[])[5] = name;
    const der = Buffer.from(asn1.toDer(tbsAsn1).getBytes(), 'binary');
    const parsed = parseCertificate(der);
    expect(parsed.subject.text).toBe('C=FR, title=Médecin, CN=810002813839+SN=DURAND+GN=Hélène');
    expect(profileFromCertificate(parsed)).toMatchObject({ idNat: { kind: 'RPPS', rpps: '10002813839' }, lastName: 'DURAND', firstName: 'Hélène', profession: 'Médecin', role: 'signature' });
  });

  it('roles by key usage', () => {
    expect(certificateRole(parseCertificate(leaf(['nonRepudiation']).der))).toBe('signature');
    expect(certificateRole(parseCertificate(leaf(['digitalSignature']).der))).toBe('authentication');
    expect(certificateRole(parseCertificate(leaf(['keyEncipherment']).der))).toBe('unknown');
    expect(certificateRole(parseCertificate(leaf(undefined).der))).toBe('unknown');
    expect(certificateRole(parseCertificate(ca.der))).toBe('ca');
  });

  it('picks authentication and signature certificates by key usage and key pairing, not by label', () => {
    const auth = { id: '01', label: 'CPS_SIGN', der: leaf(['digitalSignature', 'keyEncipherment']).der };
    const sign = { id: '02', label: 'CPS_AUTH', der: leaf(['nonRepudiation']).der };
    const caCert = { id: 'a0', label: 'x', der: ca.der };
    const orphan = { id: '09', label: 'x', der: leaf(['digitalSignature']).der };
    const picked = pickCardCertificates([caCert, orphan, sign, auth], ['01', '02']);
    expect(picked.authentication?.source.id).toBe('01');
    expect(picked.signature?.source.id).toBe('02');
    expect(picked.cas).toHaveLength(1);
    // wrong key usage: the authentication slot gets the other paired certificate (to be refused later)
    const bad = { id: '01', label: 'x', der: leaf(['keyEncipherment']).der };
    expect(pickCardCertificates([bad, sign]).authentication?.source.id).toBe('01');
    // garbage on the card is ignored
    expect(pickCardCertificates([{ id: '03', label: 'x', der: Buffer.from('nope') }]).authentication).toBeUndefined();
  });

  it('malformed DER → CertificateParseError, never a crash', () => {
    expect(() => parseCertificate(Buffer.from([0x30, 0x82, 0x01]))).toThrow(CertificateParseError);
    const good = leaf(['digitalSignature']).der;
    expect(() => parseCertificate(good.subarray(0, good.length - 5))).toThrow(CertificateParseError);
    expect(() => parseCertificate(Buffer.concat([good, Buffer.from([0])]))).toThrow(CertificateParseError);
  });
});
