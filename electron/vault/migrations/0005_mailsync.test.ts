import { describe, expect, it } from 'vitest';
import { createMailSyncRepository, type SyncedMessage } from '../repo/mailSync.js';
import { createMessageRepository } from '../repo/messages.js';
import { openTestDb } from '../testSupport.js';
import { migrate, MIGRATIONS } from './index.js';
import { migration0005 } from './0005_mailsync.js';

const V = MIGRATIONS.indexOf(migration0005);

const synced = (uid: number, overrides: Partial<SyncedMessage> = {}): SyncedMessage => ({
  uid, messageId: `<m${uid}@x>`, date: 1_000 + uid, from: 'dr.durand@hopital.test', to: ['dr.martin@medecin.test'], subject: `Résultat ${uid}`,
  bodyText: `Bilan biologique ${uid}`, bodyHtml: null, remoteContentBlocked: false, mimeError: null, flags: [], attachments: [], ...overrides,
});

describe('migration 0005_mailsync', () => {
  it('is registered and keeps existing messages, adding the sync columns and folder state', () => {
    expect(V).toBeGreaterThanOrEqual(3);
    const { db } = openTestDb({ migrateTo: V });
    db.prepare(`insert into messages (folder, uid, date, "from", "to", subject, snippet, body_text) values ('INBOX', 4, 1, 'a', '[]', 's', 's', 'b')`).run();
    expect(migrate(db, V + 1)).toBe(V + 1);
    expect(db.prepare('select uid, body_html as h, remote_content_blocked as r, mime_error as e from messages').get()).toEqual({ uid: 4, h: null, r: 0, e: null });
    expect(db.prepare("select strict from pragma_table_list where name = 'mail_folders'").get()).toEqual({ strict: 1 });
    expect(() => db.prepare("insert into mail_folders (path, uidvalidity, highestmodseq, synced_at) values ('X', 1, 'abc', 1)").run()).toThrow(/CHECK/);
  });

  it('stores pages idempotently with FTS and attachments, applies flags and expunges, resets a folder', () => {
    const { db } = openTestDb();
    const repo = createMailSyncRepository(db, () => 42);
    const messages = createMessageRepository(db);
    const pdf = new Uint8Array([37, 80, 68, 70]);
    const ids = repo.storeSyncedMessages({ folder: 'INBOX', messages: [synced(1, { attachments: [{ filename: 'cr.pdf', mime: 'application/pdf', contentId: null, data: pdf }] }), synced(2, { bodyHtml: '<p>x</p>', remoteContentBlocked: true })] });
    expect(ids).toHaveLength(2);
    // A replayed page inserts nothing twice.
    expect(repo.storeSyncedMessages({ folder: 'INBOX', messages: [synced(2), synced(3)] })).toHaveLength(1);
    expect(repo.folderUids('INBOX')).toEqual([1, 2, 3]);
    expect(messages.searchMessages({ query: 'bilan biologique' })).toHaveLength(3);
    expect(db.prepare('select filename, size, content_id as cid from attachments').all()).toEqual([{ filename: 'cr.pdf', size: 4, cid: null }]);
    expect(repo.getMessageHtml(ids[1] ?? 0)).toEqual({ id: ids[1], bodyHtml: '<p>x</p>', remoteContentBlocked: true, mimeError: null });

    expect(repo.applyFlagChanges({ folder: 'INBOX', changes: [{ uid: 1, flags: ['\\Seen'] }, { uid: 2, flags: [] }, { uid: 99, flags: ['\\Seen'] }] })).toBe(1);
    expect(repo.messageLocation(ids[0] ?? 0)).toEqual({ folder: 'INBOX', uid: 1, flags: ['\\Seen'] });
    expect(repo.removeExpunged({ folder: 'INBOX', uids: [1, 50] })).toBe(1);
    expect(db.prepare('select count(*) as n from attachments').get()).toEqual({ n: 0 });
    expect(messages.searchMessages({ query: 'bilan biologique' })).toHaveLength(2);

    repo.saveFolderSyncState({ path: 'INBOX', specialUse: '\\Inbox', uidValidity: 7, highestModseq: '18446744073709551615', uidNext: 4 });
    expect(repo.getFolderSyncState('INBOX')).toEqual({ path: 'INBOX', specialUse: '\\Inbox', uidValidity: 7, highestModseq: '18446744073709551615', uidNext: 4 });
    expect(repo.resetMailFolder('INBOX')).toBe(2);
    expect(repo.getFolderSyncState('INBOX')).toBeNull();
    expect(messages.searchMessages({ query: 'bilan' })).toHaveLength(0);
  });
});
