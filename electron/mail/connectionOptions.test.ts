import { describe, expect, it } from 'vitest';
import { generateRsaKey, issueCertificate } from '../card/pkiBuilder.js';
import { ClientCertificateError } from './clientCertificate.js';
import { CERTIFICATE_PLAIN_PLACEHOLDER, imapAuth, smtpAuth, tlsOptions } from './connectionOptions.js';
import type { MailAccountSettings, MailboxAuth } from './smtp/settings.js';

const endpoint = { host: '127.0.0.1', port: 1143, caPem: 'CA', servername: 'localhost' };
const account = (auth: MailboxAuth): MailAccountSettings => ({ address: 'accueil@centre.test', submission: endpoint, imap: endpoint, auth, serverFilesSentCopy: true });
const key = generateRsaKey(2048);
const certPem = issueCertificate({ subject: [{ name: 'CN', value: 'accueil@centre.test' }], key, notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 86_400_000) }).pem;

describe('connection options per authentication', () => {
  it('password: TLS ≥ 1.2 with the operator CA, PLAIN/LOGIN credentials', async () => {
    const a = account({ type: 'password', user: 'u@x.test', password: async () => 'pw' });
    expect(await tlsOptions(a, endpoint)).toEqual({ minVersion: 'TLSv1.2', rejectUnauthorized: true, ca: 'CA', servername: 'localhost' });
    expect(await imapAuth(a)).toEqual({ user: 'u@x.test', pass: 'pw' });
    expect(await smtpAuth(a)).toEqual({ user: 'u@x.test', pass: 'pw' });
  });

  it('xoauth2: the Pro Santé Connect token, asked for when the connection opens', async () => {
    let asked = 0;
    const a = account({ type: 'xoauth2', user: 'u@x.test', accessToken: async () => `jwt-${++asked}` });
    expect(await imapAuth(a)).toEqual({ user: 'u@x.test', accessToken: 'jwt-1' });
    expect(await smtpAuth(a)).toEqual({ type: 'OAuth2', user: 'u@x.test', accessToken: 'jwt-2' });
    expect((await tlsOptions(a, endpoint)).cert).toBeUndefined();
  });

  it('certificate: the key pair in the handshake, no SASL on SMTP, a PLAIN placeholder on IMAP', async () => {
    const a = account({ type: 'certificate', user: 'accueil@centre.test', certPem: async () => certPem, keyPem: async () => key.privatePem });
    expect(await tlsOptions(a, endpoint)).toMatchObject({ minVersion: 'TLSv1.2', rejectUnauthorized: true, ca: 'CA', cert: certPem, key: key.privatePem });
    expect(await smtpAuth(a)).toBeUndefined();
    expect(await imapAuth(a)).toEqual({ user: 'accueil@centre.test', pass: CERTIFICATE_PLAIN_PLACEHOLDER });
  });

  it('certificate: a broken pair fails before any connection, with a typed error', async () => {
    const a = account({ type: 'certificate', user: 'accueil@centre.test', certPem: async () => certPem, keyPem: async () => generateRsaKey(2048).privatePem });
    await expect(tlsOptions(a, endpoint)).rejects.toBeInstanceOf(ClientCertificateError);
  });
});
