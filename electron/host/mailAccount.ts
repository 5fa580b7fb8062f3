import fs from 'node:fs';
import type { MailAccountSettings } from '../mail/smtp/settings.js';
import type { MailConfig } from './config.js';

/**
 * The mailbox of this workstation, from host configuration. Secrets are callbacks: the PSC
 * access token is asked of the PSC session each time a connection opens (never stored), the
 * organisation certificate's files are read then.
 */
export function accountFromConfig(mail: MailConfig, sources: { pscAccessToken: () => Promise<string> }): MailAccountSettings {
  const endpoint = (e: MailConfig['submission']) => ({
    host: e.host,
    port: e.port,
    ...(e.caFile ? { caPem: fs.readFileSync(e.caFile, 'utf8') } : {}),
    ...(e.servername ? { servername: e.servername } : {}),
  });
  const auth = mail.auth;
  return {
    address: mail.address,
    submission: endpoint(mail.submission),
    imap: endpoint(mail.imap),
    auth:
      auth.type === 'password'
        ? { type: 'password', user: auth.user, password: async () => auth.password }
        : auth.type === 'psc'
          ? { type: 'xoauth2', user: auth.user, accessToken: sources.pscAccessToken }
          : { type: 'certificate', user: auth.user, certPem: async () => fs.promises.readFile(auth.certFile, 'utf8'), keyPem: async () => fs.promises.readFile(auth.keyFile, 'utf8') },
    serverFilesSentCopy: mail.serverFilesSentCopy,
    ...(mail.sentFolder ? { sentFolder: mail.sentFolder } : {}),
  };
}
