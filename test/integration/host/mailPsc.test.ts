import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailStatusView, MailSummaryView, OutboxView, PscStatusView } from '../../../shared/api/index.js';
import { createHost, type Host } from '../../../electron/host/createHost.js';
import type { OpenAuthWindow } from '../../../electron/host/pscSession.js';
import { startMailServer, type TestMailServer, type TestMailUser } from '../../peers/mail/mailServer.js';
import { loginWithTestAccount, startLocalPsc, TEST_REDIRECT_URI, type LocalPsc } from '../../peers/oidc/localProvider.js';
import { createTestCard, type TestCard } from '../../peers/softhsm/createTestCard.js';
import { tempDir } from '../card/helpers.js';
import { appCaller, callHost, until, waitForCardState } from './support.js';

/**
 * The personal MSSanté mailbox authenticates with the Pro Santé Connect token (XOAUTH2,
 * checked by the test operator against the local provider's keys): no connection while PSC is
 * not signed in (the status asks for it), the sync starts when it is, reads and sends with the
 * token, and stops cleanly when the PSC session ends.
 */
let card: TestCard;
let provider: LocalPsc;
let server: TestMailServer;
let host: Host;
let martin: TestMailUser;
let durand: TestMailUser;
let dir: string;

const call = <T>(method: string, input: unknown) => callHost<T>(host, method, input);
const status = () => call<MailStatusView>('mail.status', {});
const openAuthWindow: OpenAuthWindow = async (url) => loginWithTestAccount(url, 'jeanne');
const imapLogins = () => (fs.readFileSync(path.join(dir, 'mail', 'dovecot.log'), 'utf8').match(/imap-login: Info: Login: user=<dr\.martin@medecin\.test>, method=(?:OAUTHBEARER|XOAUTH2)/g) ?? []).length;

beforeAll(async () => {
  dir = tempDir('host-mail-psc');
  card = await createTestCard(path.join(dir, 'card'), 'valid');
  provider = await startLocalPsc({ port: 0, accounts: { jeanne: { idNat: '810100000017', givenName: 'Jeanne', familyName: 'HÉBERT-TEST' } } });
  server = await startMailServer({ dir: path.join(dir, 'mail'), oauth: { issuer: provider.issuer, audience: provider.mailAudience, jwksUri: provider.jwksUri } });
  [martin, durand] = server.users as [TestMailUser, TestMailUser];
  const caFile = path.join(dir, 'operator-ca.pem');
  fs.writeFileSync(caFile, server.tls.caPem);
  const endpoint = (port: number) => ({ host: '127.0.0.1', port, caFile, servername: 'localhost' });
  process.env['SOFTHSM2_CONF'] = card.softhsmConf;
  host = createHost(
    {
      mode: 'normal',
      hostKind: 'electron',
      dataDir: path.join(dir, 'data'),
      appVersion: 'test',
      platform: 'linux',
      trustedOrigins: [appCaller.origin],
      card: { modulePath: card.modulePath, anchorFolders: [card.anchorsDir], crlSources: [card.crlPath], rescan: true, pollIntervalMs: 200 },
      psc: { issuer: provider.issuer, clientId: provider.clientId, redirectUri: TEST_REDIRECT_URI, scope: 'openid scope_all', acrValues: 'eidas1', mailResource: provider.mailAudience },
      mail: {
        address: martin.address,
        submission: endpoint(server.submissionPort),
        imap: endpoint(server.imapPort),
        auth: { type: 'psc', user: martin.address },
        productReference: 'CADUCEE-TEST-NIL',
        settleMs: 2_000,
      },
    },
    { openAuthWindow },
  );
  await host.ready;
  await waitForCardState(host, 'present');
  expect(await call('card.signIn', { pin: card.pin })).toMatchObject({ result: 'signed-in' });
}, 90_000);

afterAll(async () => {
  await host?.close();
  await server?.stop();
  await provider?.close();
});

describe('PSC mailbox in the host', () => {
  it('asks for Pro Santé Connect and does not connect before', async () => {
    const { value } = await until(status, (s) => s.needsPscSignIn);
    expect(value).toMatchObject({ configured: true, auth: 'psc', needsPscSignIn: true, message: expect.stringMatching(/Pro Santé Connect/) });
    // The vault works meanwhile.
    expect(await call('mail.folders', {})).toEqual({ folders: [] });
    expect(imapLogins()).toBe(0);
  });

  it('syncs with the PSC token once signed in, and sends with it', async () => {
    expect(await call('psc.signIn', {})).toEqual({ openUrl: null });
    await until(() => call<PscStatusView>('psc.status', {}), (s) => s.state === 'signed-in');
    const { value } = await until(status, (s) => s.connectivity === 'online' && !s.needsPscSignIn && s.lastSyncAt !== null, 20_000);
    expect(value.message).toBeNull();
    expect(imapLogins()).toBeGreaterThan(0);

    const subject = `Par PSC ${Date.now()}`;
    const { jobId } = await call<{ jobId: number }>('mail.send', { to: [martin.address, durand.address], subject, text: 'Envoyé avec le jeton Pro Santé Connect.' });
    await until(() => call<OutboxView>('outbox.list', {}), (v) => v.jobs.some((j) => j.id === jobId && j.state === 'done'), 30_000);
    await until(() => call<{ items: MailSummaryView[] }>('mail.list', { folder: 'INBOX', offset: 0, limit: 50 }), (p) => p.items.some((m) => m.subject === subject), 30_000);
  });

  it('stops when the PSC session ends, and says why', async () => {
    await call('psc.signOut', {});
    const { value } = await until(status, (s) => s.needsPscSignIn, 10_000);
    expect(value).toMatchObject({ connectivity: 'offline', message: expect.stringMatching(/Pro Santé Connect/) });
  });
});
