import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { generateKeyPair, SignJWT } from 'jose';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubmissionClient } from '../../../electron/mail/smtp/submissionClient.js';
import { newMessageId } from '../../../electron/mail/smtp/outgoingMail.js';
import { MailFailure } from '../../../electron/mail/smtp/errors.js';
import { createMailSync } from '../../../electron/mail/sync/mailSync.js';
import { silentLogger } from '../../../electron/policy/logger.js';
import { createPscClient } from '../../../electron/psc/index.js';
import { openVault } from '../../../electron/vault/client.js';
import { DEFAULT_USERS, startMailServer, type TestMailServer } from '../../peers/mail/mailServer.js';
import { loginWithTestAccount, startLocalPsc, TEST_REDIRECT_URI, type LocalPsc, type TestPscAccount } from '../../peers/oidc/localProvider.js';
import { accountFor, waitForDelivery } from '../outbox/support.js';

/**
 * The test operator authenticates like an MSSanté operator (issue 7): personal mailboxes with
 * the Pro Santé Connect access token over SASL XOAUTH2 / OAUTHBEARER, checked locally by
 * Dovecot (signature, expiry, issuer, audience, owner of the mailbox), on IMAP and on SMTP
 * submission (Postfix → Dovecot's auth socket). Password users keep working beside them.
 */

const [martin, durand] = DEFAULT_USERS;
if (martin?.idNat === undefined || durand?.idNat === undefined) throw new Error('test users');
const MARTIN: TestPscAccount = { idNat: martin.idNat, givenName: 'Paul', familyName: 'MARTIN-TEST' };
const DURAND: TestPscAccount = { idNat: durand.idNat, givenName: 'Anne', familyName: 'DURAND-TEST' };

let dir: string;
let psc: LocalPsc;
let server: TestMailServer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-operator-auth-'));
  psc = await startLocalPsc({ port: 0, accounts: { martin: MARTIN, durand: DURAND } });
  server = await startMailServer({ dir: path.join(dir, 'mail'), oauth: { issuer: psc.issuer, audience: psc.mailAudience, jwksUri: psc.jwksUri } });
});
afterAll(async () => {
  await server?.stop();
  await psc?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Why Dovecot refused the last logins (auth_verbose): the refusal must be the one under test. */
function authLog(): string {
  return fs.readFileSync(path.join(dir, 'mail', 'dovecot.log'), 'utf8');
}

function imapWithToken(user: string, accessToken: string): ImapFlow {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: server.imapPort,
    secure: false,
    doSTARTTLS: true,
    tls: { ca: server.tls.caPem, servername: 'localhost', minVersion: 'TLSv1.2' },
    auth: { user, accessToken },
    logger: false,
    disableCompression: true,
    connectionTimeout: 10_000,
  });
  client.on('error', () => undefined);
  return client;
}

async function imapLogin(user: string, accessToken: string): Promise<'ok' | 'refused'> {
  const client = imapWithToken(user, accessToken);
  try {
    await client.connect();
    await client.logout();
    return 'ok';
  } catch (error) {
    if ((error as { authenticationFailed?: boolean }).authenticationFailed === true) return 'refused';
    throw error;
  }
}

async function smtpSend(user: string, accessToken: string): Promise<'ok' | 'refused'> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.submissionPort,
    secure: false,
    requireTLS: true,
    tls: { ca: server.tls.caPem, servername: 'localhost', minVersion: 'TLSv1.2' },
    auth: { type: 'OAuth2', user, accessToken },
    connectionTimeout: 10_000,
  });
  try {
    await transport.sendMail({ envelope: { from: user, to: [durand!.address] }, raw: `From: <${user}>\r\nTo: <${durand!.address}>\r\nSubject: jeton\r\nMessage-ID: <${crypto.randomUUID()}@test>\r\n\r\nbonjour\r\n` });
    return 'ok';
  } catch (error) {
    if ((error as { code?: string }).code === 'EAUTH') return 'refused';
    throw error;
  } finally {
    transport.close();
  }
}

describe('personal mailbox: Pro Santé Connect token (XOAUTH2 / OAUTHBEARER)', () => {
  it('logs in to IMAP (OAUTHBEARER) and submits over SMTP (XOAUTH2) with a valid token', async () => {
    const token = await psc.mintAccessToken(MARTIN);
    expect(await imapLogin(martin.address, token)).toBe('ok');
    expect(await smtpSend(martin.address, token)).toBe('ok');
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await psc.mintAccessToken(MARTIN, { iat: now - 600, exp: now - 60 });
    expect(await imapLogin(martin.address, token)).toBe('refused');
    expect(await smtpSend(martin.address, token)).toBe('refused');
    expect(authLog()).toMatch(/Token has expired/);
  });

  it('refuses a token signed by another key with the same key id', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ iss: psc.issuer, sub: MARTIN.idNat, aud: psc.mailAudience, iat: now, exp: now + 300, SubjectNameID: MARTIN.idNat, client_id: psc.clientId, scope: 'scope_all' })
      .setProtectedHeader({ alg: 'RS256', kid: 'local-psc-1', typ: 'JWT' })
      .sign(privateKey);
    expect(await imapLogin(martin.address, token)).toBe('refused');
    expect(await smtpSend(martin.address, token)).toBe('refused');
    expect(authLog()).toMatch(/Bad signature/);
  });

  it('refuses the token of another professional for this mailbox', async () => {
    const token = await psc.mintAccessToken(DURAND);
    expect(await imapLogin(martin.address, token)).toBe('refused');
    expect(await smtpSend(martin.address, token)).toBe('refused');
    expect(authLog()).toMatch(/passwd-file\(dr\.martin@medecin\.test[^)]*\): unknown user/);
    // The same token opens its owner's mailbox: the refusal above is the ownership check.
    expect(await imapLogin(durand.address, token)).toBe('ok');
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const otherAudience = await psc.mintAccessToken(MARTIN, { aud: 'urn:caducee:test:dmp' });
    expect(await imapLogin(martin.address, otherAudience)).toBe('refused');
    expect(await smtpSend(martin.address, otherAudience)).toBe('refused');
    expect(authLog()).toMatch(/client_id not found in aud field/);
    const otherIssuer = await psc.mintAccessToken(MARTIN, { iss: 'http://127.0.0.1:1/autre' });
    expect(await imapLogin(martin.address, otherIssuer)).toBe('refused');
    expect(authLog()).toMatch(/Issuer 'http:\/\/127\.0\.0\.1:1\/autre' is not allowed/);
  });

  it('refuses garbage and a malformed JWT', async () => {
    expect(await imapLogin(martin.address, 'pas-un-jeton')).toBe('refused');
    expect(await smtpSend(martin.address, 'pas-un-jeton')).toBe('refused');
    expect(await imapLogin(martin.address, 'a.b.c')).toBe('refused');
    expect(authLog()).toMatch(/Not a JWT token/);
  });

  it('keeps the password users working', async () => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: server.imapPort,
      secure: false,
      doSTARTTLS: true,
      tls: { ca: server.tls.caPem, servername: 'localhost', minVersion: 'TLSv1.2' },
      auth: { user: martin.address, pass: martin.password },
      logger: false,
    });
    client.on('error', () => undefined);
    await client.connect();
    await client.logout();
  });
});

describe('the client code with a token from Pro Santé Connect', () => {
  it('signs in with PSC for the mail audience, then syncs over IMAP and submits over SMTP with XOAUTH2', async () => {
    const pscClient = createPscClient({ issuer: psc.issuer, clientId: psc.clientId, redirectUri: TEST_REDIRECT_URI, scope: 'openid scope_all', acrValues: 'eidas1', resource: psc.mailAudience });
    const pending = await pscClient.beginSignIn();
    const session = await pscClient.completeSignIn(await loginWithTestAccount(pending.authorizationUrl, 'martin'), { expectedIdNat: MARTIN.idNat });
    const account = accountFor(server, martin, { auth: { type: 'xoauth2', user: martin.address, accessToken: () => session.accessToken() } });

    const smtp = createSubmissionClient(account, silentLogger);
    const messageId = newMessageId(martin.address, `psc-${crypto.randomUUID()}`);
    try {
      await smtp.send({ messageId, date: Date.now(), from: martin.address, to: [durand.address], subject: 'Envoi avec le jeton PSC', text: 'x' });
    } finally {
      smtp.close();
    }
    expect((await waitForDelivery(server, durand, 1)).get(messageId)).toBe(1);
    // Postfix handed the XOAUTH2 exchange to Dovecot's auth socket.
    expect(fs.readFileSync(path.join(dir, 'mail', 'postfix.log'), 'utf8')).toMatch(/sasl_method=XOAUTH2, sasl_username=dr\.martin@medecin\.test/);

    const vault = await openVault({ file: path.join(dir, 'vault.db'), key: crypto.randomBytes(32) });
    const sync = createMailSync({ account, vault, log: silentLogger });
    try {
      const folders = await sync.listFolders();
      expect(folders.map((f) => f.path)).toContain('INBOX');
      // The operator filed its copy of the message in martin's Sent: read it with the token.
      await sync.syncFolder('Sent');
      expect((await vault.inboxPage({ folder: 'Sent' })).map((m) => m.subject)).toContain('Envoi avec le jeton PSC');
    } finally {
      await sync.close();
      await vault.close();
      await session.signOut();
    }
    expect(authLog()).toMatch(/imap-login: Info: Login: user=<dr\.martin@medecin\.test>, method=OAUTHBEARER/);
  });

  it('turns a refused token into an auth failure with a French message', async () => {
    const account = accountFor(server, martin, { auth: { type: 'xoauth2', user: martin.address, accessToken: () => psc.mintAccessToken(DURAND) } });
    const smtp = createSubmissionClient(account, silentLogger);
    const failure = await smtp.send({ messageId: newMessageId(martin.address, crypto.randomUUID()), date: Date.now(), from: martin.address, to: [durand.address], subject: 'x', text: 'x' }).catch((e: unknown) => e);
    smtp.close();
    expect(failure).toBeInstanceOf(MailFailure);
    expect(failure).toMatchObject({ kind: 'needs-user', code: 'auth' });
    expect((failure as MailFailure).userMessage).toMatch(/reconnectez-vous/);
  });
});
