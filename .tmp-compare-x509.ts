import fs from 'node:fs';
import * as oldX from '/tmp/x5/old/x509.ts';
import * as newX from './electron/card/x509.ts';
import { buildCrl, generateRsaKey, issueCertificate } from './electron/card/pkiBuilder.ts';
const norm = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Set ? [...x].sort() : x && x.type === 'Buffer' ? Buffer.from(x.data).toString('hex') : x)));
let n = 0;
const cmp = (what: string, a: unknown, b: unknown) => {
  const A = JSON.stringify(norm(a)), B = JSON.stringify(norm(b));
  n++;
  if (A !== B) { console.log('DIFF', what); const ao = norm(a) as Record<string, unknown>, bo = norm(b) as Record<string, unknown>; for (const k of Object.keys(ao)) if (JSON.stringify(ao[k]) !== JSON.stringify(bo[k])) console.log('  ', k, JSON.stringify(ao[k]).slice(0,200), '\n   vs', JSON.stringify(bo[k]).slice(0,200)); }
};
const dir = '/work/shared/fixtures/igc-sante/';
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.cer'))) {
  const der = fs.readFileSync(dir + f);
  cmp(f, oldX.parseCertificate(der), newX.parseCertificate(der));
}
const key = generateRsaKey(1024);
const DAY = 864e5;
const ca = issueCertificate({ subject: [{ name: 'C', value: 'FR' }, { name: 'CN', value: 'AC TÉST' }], key, notBefore: new Date(Date.now() - DAY), notAfter: new Date('2051-01-01'), ca: { pathLen: 2 } });
const leaf = issueCertificate({ subject: [{ name: 'title', value: 'Médecin' }, { name: 'CN', value: '810002813839' }, { name: 'SN', value: 'LÉVÊQUE' }, { name: 'GN', value: 'Zoé' }], key, issuer: ca, notBefore: new Date('1999-01-01'), notAfter: new Date('2060-01-01'), keyUsage: ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'encipherOnly', 'decipherOnly'], extKeyUsage: ['clientAuth', 'emailProtection'], crlUrl: 'http://crl.example/ac.crl', serialHex: '00ff01' });
cmp('ca', oldX.parseCertificate(ca.der), newX.parseCertificate(ca.der));
cmp('leaf', oldX.parseCertificate(leaf.der), newX.parseCertificate(leaf.der));
cmp('leaf pem', oldX.parseCertificate(leaf.pem), newX.parseCertificate(leaf.pem));
const crlDer = buildCrl({ issuerDer: ca.der, issuerKey: key, revoked: [{ serialHex: '0abc', date: new Date('2020-01-01') }, { serialHex: leaf.serialHex, date: new Date() }], thisUpdate: new Date(), nextUpdate: new Date(Date.now() + DAY), crlNumber: 0x12345678 });
cmp('crl', oldX.parseCrl(crlDer), newX.parseCrl(crlDer));
console.log('verify crl', newX.verifyCrlSignature(newX.parseCrl(crlDer), newX.parseCertificate(ca.der)), 'leaf', newX.verifyCertificateSignature(newX.parseCertificate(leaf.der), newX.parseCertificate(ca.der)));
for (const c of [leaf, ca]) { const p = newX.parseCertificate(c.der); console.log('name bytes in cert', c.der.includes(p.subject.der), c.der.includes(p.issuer.der)); }
const p = newX.parseCrl(crlDer); console.log('crl issuer bytes', crlDer.includes(p.issuer.der), p.crlNumber, p.revoked);
// big CRL timing
const many = Array.from({ length: 100000 }, (_, i) => ({ serialHex: (0x100000 + i).toString(16), date: new Date() }));
let t = Date.now();
const big = buildCrl({ issuerDer: ca.der, issuerKey: key, revoked: many, thisUpdate: new Date(), nextUpdate: new Date(Date.now() + DAY) });
console.log('built', big.length, Date.now() - t, 'ms');
t = Date.now(); const o = oldX.parseCrl(big); console.log('old parse', Date.now() - t, 'ms', o.revoked.length);
t = Date.now(); const nn = newX.parseCrl(big); console.log('new parse', Date.now() - t, 'ms', nn.revoked.length);
console.log('compared', n);
