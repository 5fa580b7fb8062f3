import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailSync, type MailSync, type MailSyncVault, type ParsedEvent } from '../../../electron/mail/sync/index.js';
import { MALFORMED_MARKER } from '../../../electron/mail/sync/malformed.js';
import { askingReceipt, mdnFromPetit, withXdm, XDM_PATIENT_ID } from '../../../electron/mail/sync/testMails.js';
import { silentLogger } from '../../../electron/policy/logger.js';
import { openVault, type Vault } from '../../../electron/vault/client.js';
import { openDatabase, type SqliteDb } from '../../../electron/vault/connection.js';
import { testImapClient } from '../../peers/mail/imapClient.js';
import { startMailServer, type TestMailServer, type TestMailUser } from '../../peers/mail/mailServer.js';
import { accountFor } from '../outbox/support.js';

/**
 * Store first, parse later, against the real test operator and a real vault: a synced folder is
 * listed before anything is parsed (the parse queue's vault reads are held behind a gate here),
 * `parseNow` parses one message on demand, then the worker completes the rest — bodies,
 * read-receipt requests, received MDNs (`mail_receipts`) and IHE_XDM archives (`message_xdm`).
 * A second sync of the same mailbox (a restart) skips stored pending rows and finishes them.
 * While watching, the folders IDLE does not see are resynced on a timer.
 */
let server: TestMailServer;
let vault: Vault;
let peek: SqliteDb;
let martin: TestMailUser;
let dir: string;
const key = randomBytes(32);
const syncs: MailSync[] = [];
const COUNT = 120;

function plain(i: number): string {
  return [
    'From: Dr Durand <dr.durand@hopital.test>',
    'To: dr.martin@medecin.test',
    `Subject: Bilan n°${i}`,
    `Message-ID: <bilan-${i}@hopital.test>`,
    `Date: ${new Date(Date.UTC(2026, 10, 2, 8, 0, i)).toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p onclick="x()">Bilan hépatique numéro ${i} <img src="https://pisteur.test/p.gif"></p>`,
    '',
  ].join('\r\n');
}

const MALFORMED = 'From: labo@biologie.test\r\nSubject: structure cassée\r\nMessage-ID: <casse@biologie.test>\r\nContent-Type: multipart/mixed; boundary="absente"\r\n\r\nKaliémie 4,1 mmol/L\r\n';

/** A gate on the parse queue's batch reads: closed, nothing is parsed in the background. */
function gated(v: Vault) {
  let open: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const proxy = new Proxy(v, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'pendingParses' && typeof value === 'function') {
        return async (arg: unknown) => {
          await gate;
          return (value as (a: unknown) => unknown)(arg);
        };
      }
      return value;
    },
  }) as MailSyncVault;
  return {
    vault: proxy,
    open: () => open(),
    close: () => {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
  };
}

function newSync(v: MailSyncVault): MailSync {
  const s = createMailSync({ account: accountFor(server, martin), vault: v, log: silentLogger, pageSize: 40, parse: { batchSize: 16 } });
  syncs.push(s);
  return s;
}

const rowOf = (messageId: string) =>
  peek.prepare('select id, parse_state as state, snippet, subject, "from", cc, read_receipt as readReceipt, raw is not null as hasRaw from messages where message_id = ?').get(messageId) as
    | { id: number; state: string; snippet: string; subject: string; from: string; cc: string; readReceipt: string; hasRaw: number }
    | undefined;

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-syncparse-'));
  server = await startMailServer({ dir: path.join(dir, 'mail') });
  const user = server.users[0];
  if (user === undefined) throw new Error('test users');
  martin = user;
  const file = path.join(dir, 'vault.db');
  vault = await openVault({ file, key: Buffer.from(key), synchronous: 'NORMAL' });
  // A second, read-only connection to the same encrypted file: what the vault holds, as SQL.
  peek = openDatabase({ file, key: Buffer.from(key), readonly: true });
  const c = testImapClient(server, martin);
  await c.connect();
  try {
    for (let i = 1; i <= COUNT; i += 1) await c.append('INBOX', plain(i), []);
    await c.append('INBOX', await askingReceipt(), []);
    await c.append('INBOX', mdnFromPetit(), []);
    await c.append('INBOX', await withXdm(), []);
    await c.append('INBOX', await withXdm(Buffer.from('PK pas vraiment une archive'), '<xdm-casse@labo.test>'), []);
    await c.append('INBOX', MALFORMED, []);
  } finally {
    await c.logout();
  }
});

afterAll(async () => {
  for (const s of syncs) await s.close();
  peek?.close();
  await vault?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('store first, parse later (Dovecot → vault → parse worker)', () => {
  const total = COUNT + 5;
  let sync: MailSync;
  let gate: ReturnType<typeof gated>;
  const parsed: ParsedEvent[] = [];

  it('lists the whole folder before anything is parsed', async () => {
    gate = gated(vault);
    sync = newSync(gate.vault);
    sync.on('parsed', (e) => parsed.push(e));
    const progress: number[] = [];
    sync.on('progress', (p) => progress.push(p.done));
    const result = await sync.syncFolder('INBOX');
    expect(result).toMatchObject({ full: true, added: total });
    expect(progress.at(-1)).toBe(total);

    const page = await vault.inboxPage({ folder: 'INBOX', limit: 1000 });
    expect(page).toHaveLength(total);
    expect(await vault.countPendingParses()).toBe(total);
    // The envelope is enough for the list: sender, subject, cc; no body or snippet yet.
    expect(rowOf('<accuse@hopital.test>')).toMatchObject({ state: 'pending', snippet: '', subject: 'Demande d’avis — accusé de lecture', from: 'dr.durand@hopital.test', cc: '["secretariat@medecin.test","dr.petit@clinique.test"]', hasRaw: 1 });
    // Searchable by subject already.
    expect((await vault.searchMessages({ query: 'bilan 42' })).map((m) => m.subject)).toContain('Bilan n°42');
    expect(parsed).toEqual([]);
  });

  it('parses one message on demand (parseNow) while the others wait', async () => {
    const id = rowOf('<bilan-7@hopital.test>')?.id ?? 0;
    expect(await sync.parseNow(id)).toBe(true);
    expect(await sync.parseNow(id)).toBe(false);
    expect(rowOf('<bilan-7@hopital.test>')).toMatchObject({ state: 'parsed', snippet: expect.stringMatching(/^Bilan hépatique numéro 7\b/), hasRaw: 0 });
    const html = await vault.getMessageHtml(id);
    expect(html?.remoteContentBlocked).toBe(true);
    expect(html?.bodyHtml).not.toMatch(/onclick|\ssrc="https:/);
    expect(parsed).toEqual([{ folders: ['INBOX'], ids: [id] }]);
    expect(await vault.countPendingParses()).toBe(total - 1);
  });

  it('then parses the rest in the background, in batches, with `parsed` events', async () => {
    gate.open();
    await until('all parsed', async () => (await vault.countPendingParses()) === 0);
    const ids = parsed.flatMap((e) => e.ids);
    expect(new Set(ids).size).toBe(total);
    expect(parsed.length).toBeGreaterThan(total / 16);
    expect(parsed.every((e) => e.ids.length <= 16 && e.folders.join() === 'INBOX')).toBe(true);
    expect((await vault.searchMessages({ query: 'hépatique 99' })).map((m) => m.subject)).toEqual(['Bilan n°99']);
  });

  it('records what parsing found: a receipt request, a received MDN, an IHE_XDM archive, a refused one, a malformed mail', () => {
    expect(rowOf('<accuse@hopital.test>')).toMatchObject({ state: 'parsed', readReceipt: 'asked' });
    expect(peek.prepare('select disposition_notification_to as dnt, return_path as rp, in_reply_to as irt, references_ids as refs from messages where message_id = ?').get('<accuse@hopital.test>')).toEqual({
      dnt: 'dr.durand@hopital.test',
      rp: 'dr.durand@hopital.test',
      irt: '<question@medecin.test>',
      refs: '["<fil-1@medecin.test>","<question@medecin.test>"]',
    });
    const mdn = rowOf('<mdn-1@clinique.test>');
    expect(mdn?.readReceipt).toBe('none');
    expect(peek.prepare('select original_message_id as o, recipient as r, disposition as d, mdn_message as m from mail_receipts').all()).toEqual([{ o: '<envoi-42@medecin.test>', r: 'dr.petit@clinique.test', d: 'processed', m: mdn?.id }]);

    const xdm = peek.prepare('select x.match, x.patient_ids as p, x.documents as d, x.message from message_xdm x join messages m on m.id = x.message_id where m.message_id = ?');
    const good = xdm.get('<xdm@labo.test>') as { match: string; p: string; d: string; message: string | null };
    expect(good).toMatchObject({ match: 'pending', message: null });
    expect(JSON.parse(good.p)).toEqual([XDM_PATIENT_ID]);
    expect(JSON.parse(good.d)).toEqual([expect.objectContaining({ typeCode: '11502-2', title: expect.stringContaining('biologiques') })]);
    expect(xdm.get('<xdm-casse@labo.test>')).toMatchObject({ match: 'invalid', p: '[]', message: expect.stringMatching(/archive ZIP/) });

    const broken = rowOf('<casse@biologie.test>');
    expect(broken).toMatchObject({ state: 'parsed', hasRaw: 1 });
    expect(peek.prepare('select body_text as b, mime_error as e from messages where id = ?').get(broken?.id)).toEqual({ b: expect.stringContaining(MALFORMED_MARKER), e: 'boundary-not-found' });
  });

  it('after a restart, pending rows count as stored and are parsed by the new session', async () => {
    const c = testImapClient(server, martin);
    await c.connect();
    try {
      await c.mailboxCreate('Archives');
      for (let i = 1; i <= 30; i += 1) await c.append('Archives', plain(200 + i), []);
    } finally {
      await c.logout();
    }
    // A session that stores Archives and stops (lock, crash) before parsing anything.
    const first = gated(vault);
    const before = newSync(first.vault);
    expect(await before.syncFolder('Archives')).toMatchObject({ full: true, added: 30 });
    await before.close();
    expect(await vault.countPendingParses()).toBe(30);

    const after = newSync(vault);
    const seen: number[] = [];
    after.on('parsed', (e) => seen.push(...e.ids));
    // Its first sync finds nothing new (stored pending rows are stored) and takes the parsing up.
    expect(await after.syncFolder('Archives')).toMatchObject({ added: 0, removed: 0 });
    await until('archives parsed', async () => (await vault.countPendingParses()) === 0);
    expect(seen).toHaveLength(30);
  });

  it('resumes a first sync that stopped half-way: only the missing messages are fetched', async () => {
    const c = testImapClient(server, martin);
    await c.connect();
    try {
      await c.mailboxCreate('Reprise');
      for (let i = 1; i <= 100; i += 1) await c.append('Reprise', plain(400 + i), []);
    } finally {
      await c.logout();
    }
    // The vault write of the second batch fails (the process dies there, in effect).
    let writes = 0;
    const failing = new Proxy(vault, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'storePendingMessages' && typeof value === 'function') {
          return (arg: unknown) => {
            writes += 1;
            return writes === 2 ? Promise.reject(new Error('crash')) : (value as (a: unknown) => unknown)(arg);
          };
        }
        return value;
      },
    }) as MailSyncVault;
    const crashing = newSync(failing);
    await expect(crashing.syncFolder('Reprise')).rejects.toThrow();
    await crashing.close();
    const stored = (await vault.folderUids('Reprise')).length;
    expect(stored).toBe(40);

    const resumed = newSync(vault);
    expect(await resumed.syncFolder('Reprise')).toMatchObject({ full: true, added: 60, removed: 0 });
    expect((await vault.folderUids('Reprise')).length).toBe(100);
  });

  it('while watching INBOX, resyncs the other folders periodically, then goes back to IDLE on INBOX', async () => {
    const s = createMailSync({ account: accountFor(server, martin), vault, log: silentLogger, otherFoldersEveryMs: 400 });
    syncs.push(s);
    const changed: string[] = [];
    s.on('changed', (r) => changed.push(`${r.folder}+${r.added}`));
    await s.watch();
    const c = testImapClient(server, martin);
    await c.connect();
    try {
      await c.append('Archives', plain(300), []);
      await until('Archives resynced by the timer', () => changed.includes('Archives+1'), 15_000);
      // Back on INBOX: new mail there still comes in by itself.
      await new Promise((r) => setTimeout(r, 800));
      await c.append('INBOX', plain(301), []);
      await until('INBOX push', () => changed.includes('INBOX+1'), 10_000);
    } finally {
      await c.logout();
    }
  });
});
