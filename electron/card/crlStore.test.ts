import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../policy/logger.js';
import { readCachedCrls, refreshCrls, storeCrl } from './crlStore.js';
import { buildCrl, generateRsaKey, issueCertificate, type IssuedCertificate } from './pkiBuilder.js';
import { parseCertificate, parseCrl } from './x509.js';

let ca: IssuedCertificate;
const DAY = 86_400_000;
beforeAll(() => {
  ca = issueCertificate({ subject: [{ name: 'CN', value: 'AC CRL TEST' }], key: generateRsaKey(1024), notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY), ca: {} });
});
const crlAt = (daysAgo: number, key = ca.key) =>
  buildCrl({ issuerDer: ca.der, issuerKey: key, revoked: [], thisUpdate: new Date(Date.now() - daysAgo * DAY), nextUpdate: new Date(Date.now() + DAY), crlNumber: 100 - daysAgo });
const made: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-crl-'));
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('CRL cache', () => {
  it('keeps the newest CRL per issuer', () => {
    const dir = tmp();
    expect(storeCrl(dir, parseCrl(crlAt(3)))).toBe(true);
    expect(storeCrl(dir, parseCrl(crlAt(1)))).toBe(true);
    expect(storeCrl(dir, parseCrl(crlAt(2)))).toBe(false);
    const cached = readCachedCrls(dir, silentLogger);
    expect(cached).toHaveLength(1);
    expect(cached[0]?.crlNumber).toBe((99).toString(16));
  });

  it('reads files and folders, refuses CRLs not signed by a known CA, survives bad sources', async () => {
    const src = tmp();
    fs.writeFileSync(path.join(src, 'good.crl'), crlAt(1));
    fs.writeFileSync(path.join(src, 'forged.crl'), crlAt(0, generateRsaKey(1024)));
    fs.writeFileSync(path.join(src, 'junk.crl'), 'junk');
    const cache = tmp();
    const crls = await refreshCrls({ sources: [src, path.join(src, 'missing.crl')], cacheDir: cache, log: silentLogger, issuers: [parseCertificate(ca.der)] });
    expect(crls).toHaveLength(1);
    expect(crls[0]?.crlNumber).toBe((99).toString(16));
  });

  it('fetches a URL with a timeout and keeps the last good CRL when the network fails', async () => {
    const cache = tmp();
    const body = crlAt(1);
    const ok: typeof fetch = async () => new Response(new Uint8Array(body));
    await refreshCrls({ sources: ['http://crl.test/ac.crl'], cacheDir: cache, log: silentLogger, fetchImpl: ok });
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('timeout', 'TimeoutError'))));
    const started = Date.now();
    const crls = await refreshCrls({ sources: ['http://crl.test/ac.crl'], cacheDir: cache, log: silentLogger, fetchImpl: hanging, timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(crls).toHaveLength(1);
    expect(crls[0]?.der.equals(body)).toBe(true);
  });
});
