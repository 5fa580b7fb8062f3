import type { ConnectionOptions } from 'node:tls';
import { loadClientCertificate } from './clientCertificate.js';
import type { EndpointSettings, MailAccountSettings } from './smtp/settings.js';

/**
 * TLS and SASL options of every connection to the operator (IMAP sync, Sent copy, SMTP
 * submission), in one place so the three never disagree: STARTTLS only, TLS ≥ 1.2, the
 * operator's CA, and the mailbox's authentication (password for test operators, XOAUTH2 with
 * the Pro Santé Connect token, or a TLS client certificate for an organisation mailbox).
 * Secrets are fetched when a connection opens, never kept here.
 */
export async function tlsOptions(account: MailAccountSettings, endpoint: EndpointSettings): Promise<ConnectionOptions> {
  const base: ConnectionOptions = {
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
    ...(endpoint.caPem === undefined ? {} : { ca: endpoint.caPem }),
    ...(endpoint.servername === undefined ? {} : { servername: endpoint.servername }),
  };
  if (account.auth.type !== 'certificate') return base;
  // Throws ClientCertificateError (unreadable, invalid, mismatch, expired) before any connection.
  const { cert, key } = await loadClientCertificate(account.auth);
  return { ...base, cert, key };
}

/**
 * What an organisation mailbox sends as PLAIN password. The TLS client certificate is the
 * credential: the operator takes the user name from it and checks no password. SASL EXTERNAL
 * (RFC 4422) would say so without a placeholder, but imapflow cannot send it; a constant, never
 * a secret, so nothing is lost if an operator logs it.
 */
export const CERTIFICATE_PLAIN_PLACEHOLDER = 'certificat-client';

/** imapflow's `auth` option. */
export async function imapAuth(account: MailAccountSettings): Promise<{ user: string; pass?: string; accessToken?: string; loginMethod?: string }> {
  const auth = account.auth;
  switch (auth.type) {
    case 'password':
      return { user: auth.user, pass: await auth.password() };
    case 'xoauth2':
      return { user: auth.user, accessToken: await auth.accessToken() };
    case 'certificate':
      return { user: auth.user, pass: CERTIFICATE_PLAIN_PLACEHOLDER };
    default: {
      const never: never = auth;
      throw new Error(`auth ${String(never)}`);
    }
  }
}

/**
 * nodemailer's `auth` option. Organisation mailbox: none — the certificate presented in the
 * STARTTLS handshake authenticates the submission (the operator permits verified client
 * certificates, as Postfix's `permit_tls_clientcerts` does).
 */
export async function smtpAuth(account: MailAccountSettings): Promise<{ user: string; pass: string } | { type: 'OAuth2'; user: string; accessToken: string } | undefined> {
  const auth = account.auth;
  switch (auth.type) {
    case 'password':
      return { user: auth.user, pass: await auth.password() };
    case 'xoauth2':
      return { type: 'OAuth2', user: auth.user, accessToken: await auth.accessToken() };
    case 'certificate':
      return undefined;
    default: {
      const never: never = auth;
      throw new Error(`auth ${String(never)}`);
    }
  }
}
