import { describe, expect, it } from 'vitest';
import { generateRsaKey, issueCertificate } from '../card/pkiBuilder.js';
import { certificateUserMessage, ClientCertificateError, loadClientCertificate } from './clientCertificate.js';

const DAY = 86_400_000;
const key = generateRsaKey(2048);
const otherKey = generateRsaKey(2048);
const subject = [{ name: 'CN', value: 'accueil@centre.test' }] as const;
const cert = (from: number, to: number) => issueCertificate({ subject, key, notBefore: new Date(Date.now() + from * DAY), notAfter: new Date(Date.now() + to * DAY) }).pem;
const source = (certPem: string, keyPem: string) => ({ certPem: async () => certPem, keyPem: async () => keyPem });

async function problemOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ClientCertificateError);
  return (error as ClientCertificateError).problem;
}

describe('loadClientCertificate', () => {
  it('returns the PEM pair of a valid certificate and its key', async () => {
    const pem = cert(-1, 365);
    await expect(loadClientCertificate(source(pem, key.privatePem))).resolves.toEqual({ cert: pem, key: key.privatePem });
  });

  it('names what is wrong: unreadable, invalid, mismatch, expired, not yet valid', async () => {
    const missing = { certPem: () => Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })), keyPem: async () => key.privatePem };
    expect(await problemOf(loadClientCertificate(missing))).toBe('unreadable');
    expect(await problemOf(loadClientCertificate(source('pas un certificat', key.privatePem)))).toBe('invalid');
    expect(await problemOf(loadClientCertificate(source(cert(-1, 365), 'pas une clé')))).toBe('invalid');
    expect(await problemOf(loadClientCertificate(source(cert(-1, 365), otherKey.privatePem)))).toBe('mismatch');
    expect(await problemOf(loadClientCertificate(source(cert(-400, -1), key.privatePem)))).toBe('expired');
    expect(await problemOf(loadClientCertificate(source(cert(2, 365), key.privatePem)))).toBe('not-yet-valid');
  });

  it('has a French sentence for each failure, with a no-break space before the colon', () => {
    for (const failure of ['unreadable', 'invalid', 'mismatch', 'expired', 'not-yet-valid', 'refused'] as const) {
      const message = certificateUserMessage(failure);
      expect(message).toMatch(/certificat/);
      expect(message).toContain('\u00a0:');
      expect(message).not.toMatch(/'/);
    }
  });
});
