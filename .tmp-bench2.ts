import fs from 'node:fs';
import { buildCrl, generateRsaKey, issueCertificate } from './electron/card/pkiBuilder.ts';
const mode = process.argv[2]; const N = Number(process.argv[3]);
const file = `/tmp/x5/crl-${N}.der`;
if (mode === 'build') {
  const key = generateRsaKey(1024); const DAY = 864e5;
  const ca = issueCertificate({ subject: [{ name: 'CN', value: 'AC' }], key, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY), ca: {} });
  fs.writeFileSync(file, buildCrl({ issuerDer: ca.der, issuerKey: key, revoked: Array.from({ length: N }, (_, i) => ({ serialHex: (0x1000000000 + i * 7919).toString(16) + 'abcdef0123456789', date: new Date() })), thisUpdate: new Date(), nextUpdate: new Date(Date.now() + DAY) }));
} else {
  const x = mode === 'old' ? await import('/tmp/x5/old/x509.ts') : await import('./electron/card/x509.ts');
  const der = fs.readFileSync(file);
  const t = Date.now(); const c = x.parseCrl(der); console.log(mode, N, der.length, 'bytes', Date.now() - t, 'ms', c.revoked.length);
}
