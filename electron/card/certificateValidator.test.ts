import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REVOCATION_POLICY, REFUSAL_MESSAGES, refusalCodes, validateCertificate, type ValidationInput } from './certificateValidator.js';
import { buildCrl, generateRsaKey, issueCertificate, type IssuedCertificate, type PkiKey, type SubjectAttribute } from './pkiBuilder.js';
import { parseCertificate, parseCrl, type ParsedCrl } from './x509.js';

const DAY = 86_400_000;
const NOW = new Date('2026-06-15T10:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const ca = (cn: string): SubjectAttribute[] => [
  { name: 'C', value: 'FR' },
  { name: 'O', value: 'ASIP-SANTE TEST' },
  { name: 'OU', value: '0002 187512751' },
  { name: 'OU', value: 'IGC-SANTE' },
  { name: 'CN', value: cn },
];
const person: SubjectAttribute[] = [
  { name: 'C', value: 'FR' },
  { name: 'title', value: 'Médecin' },
  { name: 'CN', value: '810100000017' },
  { name: 'SN', value: 'TEST' },
  { name: 'GN', value: 'Jeanne' },
];

let leafKey: PkiKey;
let root: IssuedCertificate;
let inter: IssuedCertificate;
let foreignInter: IssuedCertificate;

beforeAll(() => {
  leafKey = generateRsaKey(2048);
  root = issueCertificate({ subject: ca('AC RACINE IGC-SANTE FORT TEST'), key: generateRsaKey(2048), notBefore: ago(1000), notAfter: ago(-3000), ca: {} });
  inter = issueCertificate({ subject: ca('AC IGC-SANTE FORT PERSONNES TEST'), key: generateRsaKey(2048), issuer: root, notBefore: ago(900), notAfter: ago(-2900), ca: { pathLen: 0 } });
  const foreignRoot = issueCertificate({ subject: ca('AUTRE RACINE'), key: generateRsaKey(2048), notBefore: ago(1000), notAfter: ago(-3000), ca: {} });
  foreignInter = issueCertificate({ subject: ca('AUTRE AC'), key: generateRsaKey(2048), issuer: foreignRoot, notBefore: ago(900), notAfter: ago(-2900), ca: {} });
});

function leaf(overrides: Partial<Parameters<typeof issueCertificate>[0]> = {}): IssuedCertificate {
  return issueCertificate({ subject: person, key: leafKey, issuer: inter, notBefore: ago(30), notAfter: ago(-1000), keyUsage: ['digitalSignature', 'keyEncipherment'], ...overrides });
}

function crl(options: { revoked?: string[]; thisUpdate?: Date; nextUpdate?: Date; by?: IssuedCertificate } = {}): ParsedCrl {
  const by = options.by ?? inter;
  return parseCrl(
    buildCrl({
      issuerDer: by.der,
      issuerKey: by.key,
      revoked: (options.revoked ?? []).map((serialHex) => ({ serialHex, date: ago(2) })),
      thisUpdate: options.thisUpdate ?? ago(1),
      nextUpdate: options.nextUpdate ?? ago(-6),
    }),
  );
}

function validate(cert: IssuedCertificate, extra: Partial<ValidationInput> = {}) {
  return validateCertificate({
    leaf: parseCertificate(cert.der),
    expectedRole: 'authentication',
    anchors: [parseCertificate(root.der), parseCertificate(inter.der)],
    crls: [crl()],
    now: NOW,
    ...extra,
  });
}

describe('certificate validator', () => {
  it('accepts a good authentication certificate and returns the chain to the anchor', () => {
    const result = validate(leaf());
    expect(result).toMatchObject({ ok: true, warnings: [] });
    expect(result.ok && result.chain.length).toBe(2);
  });

  it('accepts when only the root is an anchor and the intermediate comes from the card', () => {
    const result = validate(leaf(), { anchors: [parseCertificate(root.der)], intermediates: [parseCertificate(inter.der)] });
    expect(result.ok && result.chain.length).toBe(3);
  });

  it('expired', () => expect(validate(leaf({ notBefore: ago(1000), notAfter: ago(1) }))).toMatchObject({ ok: false, code: 'expired' }));
  it('not-yet-valid', () => expect(validate(leaf({ notBefore: ago(-1) }))).toMatchObject({ ok: false, code: 'not-yet-valid' }));
  it('untrusted-issuer (foreign CA)', () => expect(validate(leaf({ issuer: foreignInter }))).toMatchObject({ ok: false, code: 'untrusted-issuer' }));
  it('untrusted-issuer (self-signed root outside the store)', () => {
    expect(validate(leaf(), { anchors: [parseCertificate(inter.der)].slice(0, 0), intermediates: [parseCertificate(inter.der), parseCertificate(root.der)] })).toMatchObject({ ok: false, code: 'untrusted-issuer' });
  });
  it('bad-signature (issuer name matches, key does not)', () => {
    const impostor = { subject: inter.subject, key: generateRsaKey(1024) };
    expect(validate(leaf({ issuer: impostor }))).toMatchObject({ ok: false, code: 'bad-signature' });
  });
  it('issuer-invalid (intermediate that is not a CA)', () => {
    const notCa = issueCertificate({ subject: ca('AC SANS BC TEST'), key: generateRsaKey(1024), issuer: root, notBefore: ago(100), notAfter: ago(-100), keyUsage: ['digitalSignature'] });
    const l = leaf({ issuer: notCa });
    expect(validate(l, { intermediates: [parseCertificate(notCa.der)], crls: [] , policy: { mode: 'off', expiredCrlGraceDays: 0 } })).toMatchObject({ ok: false, code: 'issuer-invalid' });
  });
  it('wrong-key-usage: authentication without digitalSignature, signature without nonRepudiation, no keyUsage at all', () => {
    expect(validate(leaf({ keyUsage: ['keyEncipherment'] }))).toMatchObject({ ok: false, code: 'wrong-key-usage' });
    expect(validate(leaf(), { expectedRole: 'signature' })).toMatchObject({ ok: false, code: 'wrong-key-usage' });
    expect(validate(leaf({ keyUsage: ['nonRepudiation'] }), { expectedRole: 'signature' })).toMatchObject({ ok: true });
    expect(validate(leaf({ keyUsage: [] }))).toMatchObject({ ok: false, code: 'wrong-key-usage' });
  });
  it('revoked (listed in the intermediate CRL), even in an outdated CRL', () => {
    const l = leaf();
    expect(validate(l, { crls: [crl({ revoked: ['0abc', l.serialHex] })] })).toMatchObject({ ok: false, code: 'revoked' });
    expect(validate(l, { crls: [crl({ revoked: [l.serialHex], thisUpdate: ago(60), nextUpdate: ago(50) })] })).toMatchObject({ ok: false, code: 'revoked' });
  });
  it('crl-unavailable: no CRL, a CRL of another issuer, or a CRL whose signature does not verify', () => {
    expect(validate(leaf(), { crls: [] })).toMatchObject({ ok: false, code: 'crl-unavailable' });
    expect(validate(leaf(), { crls: [crl({ by: root })] })).toMatchObject({ ok: false, code: 'crl-unavailable' });
    const forged = parseCrl(buildCrl({ issuerDer: inter.der, issuerKey: generateRsaKey(1024), revoked: [], thisUpdate: ago(1), nextUpdate: ago(-6) }));
    expect(validate(leaf(), { crls: [forged] })).toMatchObject({ ok: false, code: 'crl-unavailable' });
  });
  it('CRL past nextUpdate: a warning during the grace period, then crl-expired; the newest CRL wins', () => {
    expect(validate(leaf(), { crls: [crl({ thisUpdate: ago(10), nextUpdate: ago(3) })] })).toMatchObject({ ok: true, warnings: [{ code: 'crl-outdated' }] });
    expect(validate(leaf(), { crls: [crl({ thisUpdate: ago(20), nextUpdate: ago(8) })] })).toMatchObject({ ok: false, code: 'crl-expired' });
    expect(validate(leaf(), { crls: [crl({ thisUpdate: ago(20), nextUpdate: ago(8) }), crl()] })).toMatchObject({ ok: true, warnings: [] });
    expect(DEFAULT_REVOCATION_POLICY.expiredCrlGraceDays).toBe(7);
  });
  it("policy 'warn' turns a missing CRL into a warning; 'off' skips revocation", () => {
    expect(validate(leaf(), { crls: [], policy: { mode: 'warn', expiredCrlGraceDays: 7 } })).toMatchObject({ ok: true, warnings: [{ code: 'crl-not-checked' }] });
    expect(validate(leaf(), { crls: [], policy: { mode: 'off', expiredCrlGraceDays: 7 } })).toMatchObject({ ok: true, warnings: [] });
  });
  it('every refusal code has its own French message', () => {
    const messages = refusalCodes.map((c) => REFUSAL_MESSAGES[c]);
    expect(new Set(messages).size).toBe(refusalCodes.length);
    for (const m of messages) expect(m).toMatch(/[a-zé]/);
  });
});
