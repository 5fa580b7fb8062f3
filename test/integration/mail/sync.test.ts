import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSyncError } from '../../../electron/mail/sync/errors.js';
import { createMailSync, type MailSync, type MailSyncVault, type SyncProgress, type SyncResult } from '../../../electron/mail/sync/mailSync.js';
import { MALFORMED_MARKER } from '../../../electron/mail/sync/parseMessage.js';
import { silentLogger } from '../../../electron/policy/logger.js';
import { openVault, type Vault } from '../../../electron/vault/client.js';
import { startMailServer, type TestMailServer, type TestMailUser } from '../../peers/mail/mailServer.js';
import { accountFor } from '../outbox/support.js';
import { testImapClient } from '../../peers/mail/imapClient.js';

/**
 * The IMAP sync against the real test operator (Dovecot with CONDSTORE/QRESYNC/IDLE), into a
 * real vault (worker, encrypted file). The mailbox is filled by IMAP APPEND; "another client"
 * is a second imapflow connection changing flags, expunging and appending behind our back.
 */
let server: TestMailServer;
let vault: Vault;
let sync: MailSync;
let martin: TestMailUser;
let dir: string;
const writes: string[] = [];
const WRITE_METHODS = new Set(['saveFolderSyncState', 'resetMailFolder', 'storePendingMessages', 'completeParsedMessages', 'applyFlagChanges', 'removeExpunged', 'setMessageFlags']);
const COUNT = 200;

function plain(i: number): string {
  return [
    'From: Dr Durand <dr.durand@hopital.test>',
    'To: dr.martin@medecin.test',
    `Subject: =?UTF-8?Q?Compte_rendu_n=C2=B0${i}?=`,
    `Message-ID: <cr-${i}@hopital.test>`,
    `Date: ${new Date(Date.UTC(2026, 10, 1, 8, 0, i)).toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `Bonjour, compte rendu d’échographie numéro ${i}. Cordialement.`,
    '',
  ].join('\r\n');
}

const HOSTILE = [
  'From: Inconnu <pirate@ailleurs.test>',
  'To: dr.martin@medecin.test',
  'Subject: Facture urgente',
  'Message-ID: <hostile@ailleurs.test>',
  'MIME-Version: 1.0',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><head><script>alert("tête")</script></head><body>',
  '<p onmouseover="steal()">Voir la facture</p>',
  '<img src="https://tracker.ailleurs.test/pixel.gif?u=martin" onerror="alert(1)" width="1">',
  '<a href="javascript:fetch(\'https://x\')">ouvrir</a>',
  '<div style="background:url(http://tracker.ailleurs.test/bg.png)">fond</div>',
  '</body></html>',
  '',
].join('\r\n');

const MALFORMED = [
  'From: Automate <labo@biologie.test>',
  'To: dr.martin@medecin.test',
  'Subject: Résultats (structure cassée)',
  'Message-ID: <broken@biologie.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="introuvable"',
  '',
  'Kaliémie 4,1 mmol/L',
  '--autre-frontiere',
  'Content-Type: text/plain',
  '',
  'partie orpheline',
  '',
].join('\r\n');

const WITH_PDF = [
  'From: Dr Durand <dr.durand@hopital.test>',
  'To: dr.martin@medecin.test',
  'Subject: Courrier de sortie',
  'Message-ID: <pdf@hopital.test>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Courrier joint.',
  '--b',
  'Content-Type: application/pdf; name="sortie.pdf"',
  'Content-Disposition: attachment; filename="sortie.pdf"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from('%PDF-1.4\n%test\n').toString('base64'),
  '--b--',
  '',
].join('\r\n');

async function otherClient(): Promise<ImapFlow> {
  const c = testImapClient(server, martin);
  await c.connect();
  return c;
}

async function withOther<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = await otherClient();
  try {
    return await fn(c);
  } finally {
    await c.logout();
  }
}

/** Bounded wait until the background parse worker has completed every stored message. */
async function allParsed(timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await vault.countPendingParses()) > 0) {
    if (Date.now() > deadline) throw new Error('messages still pending after the deadline');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function idOf(messageId: string): Promise<number> {
  const page = await vault.inboxPage({ folder: 'INBOX', limit: 1000 });
  for (const s of page) {
    const m = await vault.getMessage(s.id);
    if (m?.messageId === messageId) return m.id;
  }
  throw new Error(`not in the vault: ${messageId}`);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-mailsync-'));
  server = await startMailServer({ dir: path.join(dir, 'mail') });
  const user = server.users[0];
  if (user === undefined) throw new Error('test users');
  martin = user;
  vault = await openVault({ file: path.join(dir, 'vault.db'), key: randomBytes(32), synchronous: 'NORMAL' });
  // Every write the sync makes, by name: "no change touches nothing" is checked on this list.
  const counted = new Proxy(vault, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop === 'string' && WRITE_METHODS.has(prop) && typeof value === 'function') {
        return (arg: unknown) => {
          writes.push(prop);
          return (value as (a: unknown) => unknown)(arg);
        };
      }
      return value;
    },
  }) as MailSyncVault;
  sync = createMailSync({ account: accountFor(server, martin), vault: counted, log: silentLogger, pageSize: 50, reconnectDelayMs: 200 });

  const started = Date.now();
  await withOther(async (c) => {
    for (let i = 1; i <= COUNT; i += 1) await c.append('INBOX', plain(i), i % 3 === 0 ? ['\\Seen'] : []);
    await c.append('INBOX', HOSTILE, []);
    await c.append('INBOX', MALFORMED, []);
    await c.append('INBOX', WITH_PDF, ['\\Seen']);
  });
  console.info(`[mail sync] filled INBOX by APPEND: ${COUNT + 3} messages in ${Date.now() - started} ms`);
});

afterAll(async () => {
  await sync?.close();
  await vault?.close();
  await server?.stop();
});

describe('mail sync against Dovecot', () => {
  it('lists folders with their special use', async () => {
    const folders = await sync.listFolders();
    expect(folders.find((f) => f.path === 'INBOX')).toMatchObject({ selectable: true });
    // Dovecot's test config declares the usual special-use folders (Sent at least).
    expect(folders.some((f) => f.specialUse === '\\Sent')).toBe(true);
  });

  it('syncs the inbox in pages with progress, storing envelope, flags, body and attachments', async () => {
    const progress: SyncProgress[] = [];
    const result = await sync.syncFolder('INBOX', { onProgress: (p) => progress.push(p) });
    const total = COUNT + 3;
    expect(result).toMatchObject({ folder: 'INBOX', full: true, added: total, updated: 0, removed: 0 });
    console.info(`[mail sync] initial sync: ${total} messages in ${result.ms} ms (pages of 50)`);
    expect(progress[0]).toEqual({ folder: 'INBOX', done: 0, total });
    expect(progress.at(-1)).toEqual({ folder: 'INBOX', done: total, total });
    expect(progress.length).toBe(1 + Math.ceil(total / 50));
    expect(progress.every((p, i) => i === 0 || p.done > (progress[i - 1]?.done ?? 0))).toBe(true);

    const page = await vault.inboxPage({ folder: 'INBOX', limit: 1000 });
    expect(page).toHaveLength(total);
    await allParsed();
    const seen = page.filter((m) => m.flags.includes('\\Seen')).length;
    expect(seen).toBe(Math.floor(COUNT / 3) + 1);
    const hits = await vault.searchMessages({ query: 'échographie numéro 42' });
    expect(hits.map((h) => h.subject)).toContain('Compte rendu n°42');

    const pdf = await vault.getMessage(await idOf('<pdf@hopital.test>'));
    expect(pdf?.bodyText).toContain('Courrier joint.');
    const [attachment, ...more] = await vault.messageAttachments(pdf?.id ?? 0);
    expect(more).toEqual([]);
    expect(attachment).toMatchObject({ filename: 'sortie.pdf', mime: 'application/pdf', size: 15 });
    expect(Buffer.from((await vault.getAttachment(attachment?.id ?? 0))?.data ?? []).toString()).toBe('%PDF-1.4\n%test\n');
  });

  it('stores a hostile HTML mail sanitised, remote content blocked', async () => {
    const id = await idOf('<hostile@ailleurs.test>');
    const html = await vault.getMessageHtml(id);
    expect(html?.remoteContentBlocked).toBe(true);
    const body = html?.bodyHtml ?? '';
    expect(body).toContain('Voir la facture');
    expect(body).not.toMatch(/<script|onmouseover|onerror|javascript:|alert/i);
    expect(body).not.toMatch(/\ssrc="https?:/);
    expect(body).toContain('data-blocked-src="https://tracker.ailleurs.test/pixel.gif?u=martin"');
    expect(body).not.toContain('http://tracker.ailleurs.test/bg.png');
  });

  it('stores a malformed MIME message with a clear marker, without stopping the sync', async () => {
    const id = await idOf('<broken@biologie.test>');
    const m = await vault.getMessage(id);
    expect(m?.subject).toBe('Résultats (structure cassée)');
    expect(m?.bodyText.startsWith(MALFORMED_MARKER)).toBe(true);
    expect(m?.bodyText).toContain('Kaliémie 4,1 mmol/L');
    expect((await vault.getMessageHtml(id))?.mimeError).toBe('boundary-not-found');
  });

  it('resyncs with no change without writing anything, fast', async () => {
    writes.length = 0;
    const times: number[] = [];
    let last: SyncResult | null = null;
    for (let i = 0; i < 5; i += 1) {
      last = await sync.syncFolder('INBOX');
      times.push(last.ms);
    }
    expect(last).toMatchObject({ full: false, added: 0, updated: 0, removed: 0 });
    expect(writes).toEqual([]);
    const best = Math.min(...times);
    console.info(`[mail sync] no-change resync (QRESYNC, open connection): ${times.join(', ')} ms`);
    expect(best).toBeLessThan(100);
  });

  it('sees flag changes and expunges made by another client', async () => {
    const flaggedId = await idOf('<cr-5@hopital.test>');
    const before = await vault.getMessage(flaggedId);
    await withOther(async (c) => {
      await c.mailboxOpen('INBOX');
      await c.messageFlagsAdd({ header: { 'message-id': '<cr-5@hopital.test>' } }, ['\\Flagged', '\\Seen']);
      await c.messageFlagsRemove({ header: { 'message-id': '<cr-6@hopital.test>' } }, ['\\Seen']);
      await c.messageDelete({ header: { 'message-id': '<cr-7@hopital.test>' } });
    });
    writes.length = 0;
    const result = await sync.syncFolder('INBOX');
    expect(result).toMatchObject({ full: false, added: 0, updated: 2, removed: 1 });
    expect(before?.flags).toEqual([]);
    expect((await vault.getMessage(flaggedId))?.flags).toEqual(['\\Flagged', '\\Seen']);
    expect((await vault.getMessage(await idOf('<cr-6@hopital.test>')))?.flags).toEqual([]);
    await expect(idOf('<cr-7@hopital.test>')).rejects.toThrow(/not in the vault/);
  });

  it('sends a flag to the server (setSeen) where another client sees it', async () => {
    const id = await idOf('<cr-10@hopital.test>');
    await sync.setSeen(id, true);
    expect((await vault.getMessage(id))?.flags).toEqual(['\\Seen']);
    const serverFlags = await withOther(async (c) => {
      await c.mailboxOpen('INBOX', { readOnly: true });
      const [m] = await c.fetchAll({ header: { 'message-id': '<cr-10@hopital.test>' } }, { flags: true });
      return [...(m?.flags ?? [])];
    });
    expect(serverFlags).toContain('\\Seen');
    await sync.setSeen(id, false);
    expect((await vault.getMessage(id))?.flags).toEqual([]);
  });

  it('receives new mail pushed by IDLE (changed event)', async () => {
    await sync.watch();
    // Let imapflow enter IDLE (auto-IDLE after 500 ms of quiet).
    await new Promise((r) => setTimeout(r, 800));
    const changed = new Promise<SyncResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no changed event within 10 s')), 10_000);
      sync.on('changed', (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    const sent = Date.now();
    await withOther((c) => c.append('INBOX', plain(999), []));
    const result = await changed;
    console.info(`[mail sync] IDLE push: appended → in the vault in ${Date.now() - sent} ms`);
    expect(result).toMatchObject({ folder: 'INBOX', added: 1 });
    expect(await idOf('<cr-999@hopital.test>')).toBeGreaterThan(0);
  });

  it('goes offline when the server stops, comes back by itself and resumes the push', async () => {
    const states: string[] = [];
    const errors: MailSyncError[] = [];
    sync.on('connection', (s) => states.push(s));
    sync.on('error', (e) => errors.push(e));
    await server.stop();
    await new Promise((r) => setTimeout(r, 600));
    await server.start();
    const deadline = Date.now() + 15_000;
    while (states.at(-1) !== 'online' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(states[0]).toBe('offline');
    expect(states.at(-1)).toBe('online');
    expect(errors.every((e) => e.offline)).toBe(true);
    await new Promise((r) => setTimeout(r, 800));
    const changed = new Promise<SyncResult>((resolve) => sync.on('changed', resolve));
    await withOther((c) => c.append('INBOX', plain(1000), []));
    expect(await changed).toMatchObject({ added: 1 });
  });

  it('drops and re-reads a folder whose UIDVALIDITY changed', async () => {
    await withOther(async (c) => {
      await c.mailboxCreate('Archives');
      for (let i = 1; i <= 3; i += 1) await c.append('Archives', plain(500 + i), []);
    });
    expect(await sync.syncFolder('Archives')).toMatchObject({ full: true, added: 3 });
    await withOther(async (c) => {
      await c.mailboxDelete('Archives');
      await c.mailboxCreate('Archives');
      for (let i = 1; i <= 2; i += 1) await c.append('Archives', plain(600 + i), []);
    });
    expect(await sync.syncFolder('Archives')).toMatchObject({ full: true, added: 2, removed: 3 });
    const subjects = (await vault.inboxPage({ folder: 'Archives' })).map((m) => m.subject).sort();
    expect(subjects).toEqual(['Compte rendu n°601', 'Compte rendu n°602']);
  });

  it('fails with typed French errors: bad password (auth), closed port (offline)', async () => {
    const bad = createMailSync({ account: accountFor(server, { address: martin.address, password: 'faux' }), vault, log: silentLogger });
    const authError = await bad.syncFolder('INBOX').catch((e: unknown) => e);
    await bad.close();
    expect(authError).toBeInstanceOf(MailSyncError);
    expect(authError).toMatchObject({ kind: 'auth', offline: false });
    expect((authError as MailSyncError).userMessage).toMatch(/reconnectez-vous/);

    const account = accountFor(server, martin);
    const down = createMailSync({ account: { ...account, imap: { ...account.imap, port: 1 } }, vault, log: silentLogger, timeouts: { connectMs: 2_000 } });
    const offline = await down.listFolders().catch((e: unknown) => e);
    await down.close();
    expect(offline).toMatchObject({ kind: 'offline', offline: true });
    expect((offline as MailSyncError).userMessage).toMatch(/hors ligne/);
  });
});
