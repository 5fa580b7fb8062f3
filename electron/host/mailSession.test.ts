import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { PscStatusView } from '../../shared/api/index.js';
import { mailSyncError } from '../mail/sync/errors.js';
import type { MailSync, SyncResult } from '../mail/sync/index.js';
import type { MailAccountSettings } from '../mail/smtp/settings.js';
import { silentLogger } from '../policy/logger.js';
import type { Vault } from '../vault/client.js';
import { createEventBus } from './eventBus.js';
import { createMailSession } from './mailSession.js';

/** Logic of the session around the sync (fakes): the real exchange is test/integration/host/mailExchange.test.ts. */
const account: MailAccountSettings = {
  address: 'dr.martin@medecin.test',
  submission: { host: '127.0.0.1', port: 1 },
  imap: { host: '127.0.0.1', port: 1 },
  auth: { type: 'xoauth2', user: 'dr.martin@medecin.test', accessToken: async () => 'token' },
  serverFilesSentCopy: true,
};

const result = (folder: string, added = 0): SyncResult => ({ folder, full: false, added, updated: 0, removed: 0, ms: 1 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
type Listener = (...args: any[]) => void;

function fakeSync() {
  const emitter = new EventEmitter();
  const calls: string[] = [];
  const sync = {
    listFolders: async () => [],
    syncFolder: async (path: string) => result(path),
    syncAll: async () => {
      calls.push('syncAll');
      return [result('INBOX', 2), result('Sent')];
    },
    setSeen: async () => undefined,
    setFlag: async (id: number, flag: string, on: boolean) => {
      calls.push(`setFlag ${id} ${flag} ${on}`);
    },
    watch: async () => {
      calls.push('watch');
      return result('INBOX');
    },
    parseNow: async (id: number) => {
      calls.push(`parseNow ${id}`);
    },
    on(event: string, listener: Listener) {
      emitter.on(event, listener);
      return sync;
    },
    off(event: string, listener: Listener) {
      emitter.off(event, listener);
      return sync;
    },
    close: async () => {
      calls.push('close');
    },
  };
  return { sync: sync as unknown as MailSync, emitter, calls };
}

const fakeVault = (extra: Partial<Record<string, unknown>> = {}) =>
  ({
    mailboxFolders: async () => [{ path: 'Sent', specialUse: '\\Sent' }],
    mailboxMergeSentCopies: async () => 0,
    mailboxPendingXdm: async () => [],
    ...extra,
  }) as unknown as Vault;

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('mail session', () => {
  it('waits for Pro Santé Connect before any connection, follows its session, ends cleanly when it expires', async () => {
    const events = createEventBus();
    const seen: { event: string; payload: unknown }[] = [];
    events.subscribe((event, payload) => seen.push({ event, payload }));
    let psc: PscStatusView['state'] = 'signed-out';
    const fake = fakeSync();
    let created = 0;
    const session = createMailSession({
      account,
      authKind: 'psc',
      mode: 'normal',
      insMode: 'production',
      log: silentLogger,
      events,
      psc: { status: () => ({ configured: true, state: psc, identity: null, expiresAt: null, message: null }) },
      createSync: () => {
        created += 1;
        return fake.sync;
      },
    });
    await session.start(fakeVault());
    await settle();
    expect(created).toBe(0);
    expect(session.status()).toMatchObject({ configured: true, auth: 'psc', needsPscSignIn: true, message: expect.stringMatching(/Pro Santé Connect/) });

    psc = 'signed-in';
    events.emit('psc.changed', { configured: true, state: 'signed-in', identity: null, expiresAt: null, message: null });
    await settle();
    expect(created).toBe(1);
    expect(fake.calls).toEqual(['watch', 'syncAll']);
    expect(session.status()).toMatchObject({ needsPscSignIn: false, connectivity: 'online', message: null, syncing: null });
    expect(session.status().lastSyncAt).not.toBeNull();
    expect(seen.filter((e) => e.event === 'mail.changed').map((e) => e.payload)).toEqual([{ folders: ['INBOX'] }, { folders: ['INBOX'] }]);

    fake.emitter.emit('progress', { folder: 'INBOX', done: 5, total: 10 });
    expect(session.status().syncing).toEqual({ folder: 'INBOX', done: 5, total: 10 });
    fake.emitter.emit('parsed', { folders: ['INBOX'], ids: [1] });
    expect(seen.at(-1)).toMatchObject({ event: 'mail.changed', payload: { folders: ['INBOX'] } });

    // The server refuses the token (revoked): sign in again → a fresh sync.
    fake.emitter.emit('error', mailSyncError('auth', 'auth'));
    expect(session.status()).toMatchObject({ needsPscSignIn: true, connectivity: 'offline' });
    events.emit('psc.changed', { configured: true, state: 'signed-in', identity: null, expiresAt: null, message: null });
    await settle();
    expect(created).toBe(2);
    expect(session.status()).toMatchObject({ needsPscSignIn: false, connectivity: 'online' });

    psc = 'expired';
    events.emit('psc.changed', { configured: true, state: 'expired', identity: null, expiresAt: null, message: null });
    await settle();
    expect(fake.calls.at(-1)).toBe('close');
    expect(session.status()).toMatchObject({ needsPscSignIn: true, connectivity: 'offline', message: expect.stringMatching(/expiré/) });
    await session.stop();
  });

  it('reports offline, and then leaves flag changes to the caller (vault + outbox)', async () => {
    const fake = fakeSync();
    const session = createMailSession({ account, authKind: 'password', mode: 'normal', insMode: 'production', log: silentLogger, events: createEventBus(), createSync: () => fake.sync });
    await session.start(fakeVault());
    await settle();
    expect(await session.storeFlag(7, '\\Seen', true)).toBe(true);
    fake.emitter.emit('connection', 'offline');
    expect(session.status().connectivity).toBe('offline');
    expect(await session.storeFlag(7, '\\Seen', false)).toBe(false);
    expect(fake.calls.filter((c) => c.startsWith('setFlag'))).toEqual(['setFlag 7 \\Seen true']);
    await session.parseNow(9);
    expect(fake.calls).toContain('parseNow 9');
    await session.stop();
    expect(session.status().connectivity).toBe('unknown');
  });

  it('replays a queued flag only where the message still is', async () => {
    const fake = fakeSync();
    const session = createMailSession({ account, authKind: 'password', mode: 'normal', insMode: 'production', log: silentLogger, events: createEventBus(), createSync: () => fake.sync });
    await session.start(fakeVault({ messageLocation: async (id: number) => (id === 1 ? { folder: 'INBOX', uid: 5, flags: [] } : null) }));
    await settle();
    expect(await session.replayFlag({ account: account.address, messageRowId: 1, folder: 'INBOX', uid: 5, flag: '\\Flagged', on: true })).toBe('stored');
    expect(await session.replayFlag({ account: account.address, messageRowId: 1, folder: 'INBOX', uid: 6, flag: '\\Flagged', on: true })).toBe('gone');
    expect(await session.replayFlag({ account: account.address, messageRowId: 2, folder: 'INBOX', uid: 5, flag: '\\Flagged', on: true })).toBe('gone');
    await session.stop();
    await expect(session.replayFlag({ account: account.address, messageRowId: 1, folder: 'INBOX', uid: 5, flag: '\\Flagged', on: true })).rejects.toMatchObject({ offline: true });
  });

  it('demo: no server, a fictitious mailbox written once', async () => {
    const events = createEventBus();
    const seen: unknown[] = [];
    events.subscribe((event, payload) => {
      if (event === 'mail.changed') seen.push(payload);
    });
    let seeded = 0;
    const session = createMailSession({ account: undefined, authKind: null, mode: 'demo', insMode: 'demo', log: silentLogger, events, createSync: () => { throw new Error('no sync in demo'); } });
    await session.start(fakeVault({ mailboxSeedDemo: async (m: unknown[]) => (seeded = m.length) }));
    expect(seeded).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual([{ folders: ['INBOX', 'Sent'] }]);
    expect(session.status()).toMatchObject({ configured: true, connectivity: 'online', needsPscSignIn: false });
    await session.stop();
  });
});
