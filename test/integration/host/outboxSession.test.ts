import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardView, OutboxView, Status } from '../../../shared/api/index.js';
import type { Host } from '../../../electron/host/createHost.js';
import { startMailServer, type TestMailServer } from '../../peers/mail/mailServer.js';
import { createTestCard, type TestCard } from '../../peers/softhsm/createTestCard.js';
import { tempDir } from '../card/helpers.js';
import { waitForDelivery } from '../outbox/support.js';
import { appCaller as ctx, callHost, hostOnTestCard, until as poll } from './support.js';

/**
 * The outbox inside the product, through the router: it runs only while the session is open;
 * a message queued while the operator is down waits, survives a lock, and leaves once the
 * operator is back and the professional signed in again — once.
 */
let card: TestCard;
let server: TestMailServer;
let host: Host;
let dir: string;

const call = <T>(method: string, input: unknown): Promise<T> => callHost<T>(host, method, input);
const until = async <T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> => (await poll(read, ok, timeoutMs)).value;

beforeAll(async () => {
  dir = tempDir('host-outbox');
  card = await createTestCard(path.join(dir, 'card'), 'valid');
  server = await startMailServer({ dir: path.join(dir, 'mail') });
  const caFile = path.join(dir, 'operator-ca.pem');
  fs.writeFileSync(caFile, server.tls.caPem);
  const martin = server.users[0];
  if (!martin) throw new Error('test users');
  const endpoint = (port: number) => ({ host: '127.0.0.1', port, caFile, servername: 'localhost' });
  host = hostOnTestCard(card, path.join(dir, 'data'), {
    mail: {
      address: martin.address,
      submission: endpoint(server.submissionPort),
      imap: endpoint(server.imapPort),
      auth: { type: 'password', user: martin.address, password: martin.password },
      serverFilesSentCopy: true,
      // The X-MSS-NIL product reference (a test value): normal mode refuses to send without one.
      productReference: 'CADUCEE-TEST-NIL',
      settleMs: 2_000,
    },
  });
  await host.ready;
  await until(() => call<CardView>('card.getState', {}), (v) => v.state === 'present');
}, 60_000);

afterAll(async () => {
  await host?.close();
  await server?.stop();
});

describe('outbox in the host', () => {
  it('refuses outbox calls while locked', async () => {
    expect(await host.router.call('outbox.list', {}, ctx)).toEqual({ ok: false, error: { code: 'LOCKED' } });
    expect(await host.router.call('mail.send', { to: ['dr.durand@hopital.test'], subject: 'x', text: 'y' }, ctx)).toEqual({
      ok: false,
      error: { code: 'LOCKED' },
    });
  });

  it('sends through the operator once signed in', async () => {
    expect(await call('card.signIn', { pin: card.pin })).toMatchObject({ result: 'signed-in' });
    const { jobId } = await call<{ jobId: number }>('mail.send', { to: ['dr.durand@hopital.test'], subject: 'Compte rendu 1', text: 'Bonjour' });
    expect(jobId).toBeGreaterThan(0);
    const view = await until(() => call<OutboxView>('outbox.list', {}), (v) => v.jobs.some((j) => j.id === jobId && j.state === 'done'));
    expect(view.configured).toBe(true);
    expect(view.connectivity).toBe('online');
  });

  it('keeps what was queued offline through a lock, and sends it once after the next sign-in', async () => {
    // Postfix delivers after its 250: stopping it mid-delivery makes it deliver again at restart.
    const durandFirst = server.users[1];
    if (!durandFirst) throw new Error('test users');
    await waitForDelivery(server, durandFirst, 1);
    await server.stop();
    const sent: number[] = [];
    for (const n of [2, 3]) sent.push((await call<{ jobId: number }>('mail.send', { to: ['dr.durand@hopital.test'], subject: `Compte rendu ${n}`, text: 'Hors ligne' })).jobId);
    const offline = await until(() => call<Status>('status.get', {}), (s) => s.network === 'offline' && s.pendingJobs === 2);
    expect(offline.pendingJobs).toBe(2);

    await call('card.signOut', {});
    await until(() => call<CardView>('card.getState', {}), (v) => v.state === 'present');
    expect((await call<Status>('status.get', {})).pendingJobs).toBe(2);

    await server.start();
    expect(await call('card.signIn', { pin: card.pin })).toMatchObject({ result: 'signed-in' });
    for (const id of sent) await call('outbox.retryNow', { id });
    await until(() => call<OutboxView>('outbox.list', {}), (v) => sent.every((id) => v.jobs.some((j) => j.id === id && j.state === 'done')), 30_000);
    const durand = server.users[1];
    if (!durand) throw new Error('test users');
    const inbox = await waitForDelivery(server, durand, 3);
    expect([...inbox.values()]).toEqual([1, 1, 1]);
    expect((await call<Status>('status.get', {})).pendingJobs).toBe(0);
  });
});
