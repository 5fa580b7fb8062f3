import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailSendKind, mailSendJob } from '../../../electron/outbox/kinds/mailSend.js';
import { createOutbox, type Outbox } from '../../../electron/outbox/outbox.js';
import type { OutboxStatus } from '../../../electron/outbox/types.js';
import { silentLogger } from '../../../electron/policy/logger.js';
import { openVault, type Vault } from '../../../electron/vault/client.js';
import { startMailServer, type TestMailServer } from '../../peers/mail/mailServer.js';
import { accountFor, waitForDelivery } from './support.js';

let dir: string;
let server: TestMailServer;
let vault: Vault;
let outbox: Outbox;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-offline-'));
  server = await startMailServer({ dir: path.join(dir, 'mail') });
  vault = await openVault({ file: path.join(dir, 'vault.db'), key: randomBytes(32) });
  const [martin] = server.users;
  if (martin === undefined) throw new Error('test users');
  const kind = createMailSendKind({ accounts: [accountFor(server, martin)], log: silentLogger, settleMs: 2_000 });
  outbox = createOutbox({ vault, kinds: [kind], log: silentLogger, probe: { baseMs: 200, maxMs: 1_000 } });
  await outbox.start();
});
afterAll(async () => {
  await outbox?.stop();
  await vault?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function statusWhere(predicate: (s: OutboxStatus) => boolean): Promise<OutboxStatus> {
  return new Promise((resolve) => {
    if (predicate(outbox.status())) return resolve(outbox.status());
    const off = outbox.on((e) => {
      if (e.type === 'status' && predicate(e.status)) {
        off();
        resolve(e.status);
      }
    });
  });
}

function jobsDone(ids: readonly number[]): Promise<void> {
  const left = new Set(ids);
  return new Promise((resolve) => {
    const off = outbox.on((e) => {
      if (e.type === 'job' && e.state === 'done') left.delete(e.id);
      if (left.size === 0) {
        off();
        resolve();
      }
    });
  });
}

describe('outbox offline (real Dovecot + Postfix, stopped and restarted)', () => {
  it('queues while the server is down, shows offline, and sends everything once it is back', async () => {
    const [martin, durand] = server.users;
    if (martin === undefined || durand === undefined) throw new Error('test users');
    await server.stop();

    const jobs = [1, 2, 3].map((i) => mailSendJob({ account: martin.address, to: [durand.address], subject: `Hors ligne ${i}`, text: 'Bonjour' }));
    const ids = (await outbox.enqueue(jobs)).filter((id): id is number => id !== null);
    expect(ids).toHaveLength(3);
    const offline = await statusWhere((s) => s.connectivity === 'offline');
    expect(offline.offlinePeers).toEqual(['mail']);
    await outbox.waitForIdle();

    // Nothing dropped, no attempt counted, a French reason for the screen.
    const listed = await outbox.list();
    expect(listed.map((j) => j.state)).toEqual(['pending', 'pending', 'pending']);
    expect(listed.every((j) => j.attempts === 0 && j.lastErrorCode === 'network:ECONNREFUSED')).toBe(true);
    expect(listed[0]?.lastErrorMessage).toMatch(/injoignable/);
    expect(listed.map((j) => j.subject).sort()).toEqual(['Hors ligne 1', 'Hors ligne 2', 'Hors ligne 3']);

    const done = jobsDone(ids);
    await server.start();
    await statusWhere((s) => s.connectivity === 'online');
    await done;
    expect((await outbox.counts()).done).toBe(3);

    const inbox = await waitForDelivery(server, durand, 3);
    expect([...inbox.keys()].sort()).toEqual(jobs.map((j) => j.key).sort());
    expect([...inbox.values()]).toEqual([1, 1, 1]);
    expect((await vault.inboxPage({ folder: 'Sent' })).length).toBe(3);
  });
});
