import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERTIFICATE_PLAIN_PLACEHOLDER } from '../../../electron/mail/connectionOptions.js';
import { MailFailure } from '../../../electron/mail/smtp/errors.js';
import { newMessageId } from '../../../electron/mail/smtp/outgoingMail.js';
import type { MailAccountSettings } from '../../../electron/mail/smtp/settings.js';
import { createSubmissionClient } from '../../../electron/mail/smtp/submissionClient.js';
import { MailSyncError } from '../../../electron/mail/sync/errors.js';
import { createMailSync } from '../../../electron/mail/sync/mailSync.js';
import { silentLogger } from '../../../electron/policy/logger.js';
import { openVault, type Vault } from '../../../electron/vault/client.js';
import { DEFAULT_USERS, startMailServer, type TestMailServer } from '../../peers/mail/mailServer.js';
import type { OrganisationCertificate } from '../../peers/mail/organisationCerts.js';
import { accountFor, waitForDelivery } from '../outbox/support.js';

/**
 * Organisation mailboxes authenticate with a TLS client certificate (STANDARDS.md §3, CONF.27:
 * IGC-Santé « Élémentaire Organisation »): Dovecot verifies it against the organisation CA and
 * takes the user name from its CN (SASL EXTERNAL, or PLAIN whose password it ignores), Postfix
 * lets a verified certificate submit without SASL. Without one, with an expired one or one
 * from another chain: refused, and the client says it is the certificate.
 */

const ORG = 'accueil@centre-sante.test';
const [martin] = DEFAULT_USERS;
if (martin === undefined) throw new Error('test users');

let dir: string;
let server: TestMailServer;
let vault: Vault;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-operator-cert-'));
  server = await startMailServer({ dir: path.join(dir, 'mail'), organisationMailboxes: [ORG] });
  vault = await openVault({ file: path.join(dir, 'vault.db'), key: crypto.randomBytes(32) });
});
afterAll(async () => {
  await vault?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const clientTls = (cert?: OrganisationCertificate) => ({ ca: server.tls.caPem, servername: 'localhost', minVersion: 'TLSv1.2' as const, ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}) });

async function imapPlain(cert: OrganisationCertificate | undefined, user = ORG): Promise<'ok' | 'refused'> {
  const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, doSTARTTLS: true, tls: clientTls(cert), auth: { user, pass: CERTIFICATE_PLAIN_PLACEHOLDER }, logger: false, connectionTimeout: 10_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.logout();
    return 'ok';
  } catch (error) {
    if ((error as { authenticationFailed?: boolean }).authenticationFailed === true) return 'refused';
    throw error;
  }
}

/** SASL EXTERNAL (RFC 4422 appendix A) by hand: imapflow cannot send it. Returns the tagged reply. */
async function imapExternal(cert: OrganisationCertificate | undefined): Promise<string> {
  const plain = net.connect({ host: '127.0.0.1', port: server.imapPort });
  let socket: net.Socket = plain;
  let buffer = '';
  let waiter: (() => void) | null = null;
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    waiter?.();
  };
  const line = async (prefix: string): Promise<string> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = buffer.split('\r\n').find((l) => l.startsWith(prefix));
      if (found !== undefined) {
        buffer = '';
        return found;
      }
      if (Date.now() > deadline) throw new Error(`IMAP: no "${prefix}" line`);
      await new Promise<void>((resolve) => {
        waiter = resolve;
        setTimeout(resolve, 200);
      });
    }
  };
  plain.on('data', onData);
  try {
    await line('* OK');
    plain.write('a STARTTLS\r\n');
    await line('a OK');
    plain.off('data', onData);
    const secure = tls.connect({ socket: plain, ...clientTls(cert) });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    socket = secure;
    secure.on('data', onData);
    // "=" : an empty initial response (SASL-IR), the identity comes from the certificate.
    secure.write('b AUTHENTICATE EXTERNAL =\r\n');
    const reply = await line('b ');
    secure.write('c LOGOUT\r\n');
    return reply;
  } finally {
    socket.destroy();
    plain.destroy();
  }
}

async function smtpSend(cert: OrganisationCertificate | undefined): Promise<'ok' | number> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.submissionPort, secure: false, requireTLS: true, tls: clientTls(cert), connectionTimeout: 10_000 });
  try {
    await transport.sendMail({ envelope: { from: ORG, to: [martin!.address] }, raw: `From: <${ORG}>\r\nTo: <${martin!.address}>\r\nSubject: certificat\r\nMessage-ID: <${crypto.randomUUID()}@centre-sante.test>\r\n\r\nbonjour\r\n` });
    return 'ok';
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode;
    if (typeof code === 'number') return code;
    throw error;
  } finally {
    transport.close();
  }
}

describe('organisation mailbox: TLS client certificate', () => {
  it('logs in to IMAP (SASL EXTERNAL, and PLAIN for imapflow) and submits over SMTP with its certificate', async () => {
    const cert = server.organisationCertificate(ORG);
    expect(await imapExternal(cert)).toMatch(/^b OK/);
    expect(await imapPlain(cert)).toBe('ok');
    expect(await smtpSend(cert)).toBe('ok');
    const log = fs.readFileSync(path.join(dir, 'mail', 'dovecot.log'), 'utf8');
    expect(log).toMatch(/Login: user=<accueil@centre-sante\.test>, method=EXTERNAL/);
    expect(log).toMatch(/Login: user=<accueil@centre-sante\.test>, method=PLAIN/);
  });

  it('refuses a connection without a certificate', async () => {
    expect(await imapExternal(undefined)).toMatch(/^b NO/);
    expect(await imapPlain(undefined)).toBe('refused');
    expect(await smtpSend(undefined)).toBe(530);
  });

  it('refuses an expired certificate and one from a foreign chain', async () => {
    for (const variant of ['expired', 'foreign-ca'] as const) {
      const cert = server.organisationCertificate(ORG, variant);
      expect(await imapExternal(cert)).toMatch(/^b NO/);
      expect(await imapPlain(cert)).toBe('refused');
      expect(await smtpSend(cert)).toBe(530);
    }
  });

  it('refuses a certificate of the organisation CA for a mailbox that is not an organisation one', async () => {
    const cert = server.organisationCertificate(martin.address);
    expect(await imapExternal(cert)).toMatch(/^b NO/);
    expect(await imapPlain(cert, martin.address)).toBe('refused');
  });

  it('keeps the password users working beside certificates', async () => {
    const client = new ImapFlow({ host: '127.0.0.1', port: server.imapPort, secure: false, doSTARTTLS: true, tls: clientTls(), auth: { user: martin.address, pass: martin.password }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    await client.logout();
  });
});

describe('the client code with an organisation certificate', () => {
  const certificateAccount = (cert: OrganisationCertificate): MailAccountSettings =>
    accountFor(server, { address: ORG, password: '' }, {
      auth: { type: 'certificate', user: ORG, certPem: () => fs.promises.readFile(cert.certFile, 'utf8'), keyPem: () => fs.promises.readFile(cert.keyFile, 'utf8') },
    });

  it('submits and syncs with the certificate (connectionOptions → submission client, mail sync)', async () => {
    const account = certificateAccount(server.organisationCertificate(ORG));
    const smtp = createSubmissionClient(account, silentLogger);
    const messageId = newMessageId(ORG, `cert-${crypto.randomUUID()}`);
    try {
      await smtp.send({ messageId, date: Date.now(), from: ORG, to: [martin.address], subject: 'Envoi de la boîte organisationnelle', text: 'x' });
    } finally {
      smtp.close();
    }
    expect((await waitForDelivery(server, martin, 1)).get(messageId)).toBe(1);

    const sync = createMailSync({ account, vault, log: silentLogger });
    try {
      await sync.syncFolder('Sent');
      expect((await vault.inboxPage({ folder: 'Sent' })).map((m) => m.subject)).toContain('Envoi de la boîte organisationnelle');
    } finally {
      await sync.close();
    }
  });

  it('reports a certificate from a foreign chain as refused by the operator, in French', async () => {
    const account = certificateAccount(server.organisationCertificate(ORG, 'foreign-ca'));
    const smtp = createSubmissionClient(account, silentLogger);
    const failure = await smtp.send({ messageId: newMessageId(ORG, crypto.randomUUID()), date: Date.now(), from: ORG, to: [martin.address], subject: 'x', text: 'x' }).catch((e: unknown) => e);
    smtp.close();
    expect(failure).toBeInstanceOf(MailFailure);
    expect(failure).toMatchObject({ kind: 'needs-user', code: 'auth:certificate' });
    expect((failure as MailFailure).userMessage).toMatch(/refusé le certificat de la boîte organisationnelle/);

    const sync = createMailSync({ account, vault, log: silentLogger });
    const error = await sync.listFolders().catch((e: unknown) => e);
    await sync.close();
    expect(error).toBeInstanceOf(MailSyncError);
    expect(error).toMatchObject({ kind: 'auth', offline: false });
  });

  it('reports an expired certificate before connecting, in French', async () => {
    const account = certificateAccount(server.organisationCertificate(ORG, 'expired'));
    const smtp = createSubmissionClient(account, silentLogger);
    const failure = await smtp.send({ messageId: newMessageId(ORG, crypto.randomUUID()), date: Date.now(), from: ORG, to: [martin.address], subject: 'x', text: 'x' }).catch((e: unknown) => e);
    smtp.close();
    expect(failure).toMatchObject({ kind: 'needs-user', code: 'certificate:expired' });
    expect((failure as MailFailure).userMessage).toMatch(/a expiré/);

    const sync = createMailSync({ account, vault, log: silentLogger });
    const error = await sync.listFolders().catch((e: unknown) => e);
    await sync.close();
    expect(error).toMatchObject({ kind: 'auth', code: 'certificate:expired' });
  });
});
