import type { SqliteDb } from '../connection.js';
import { normaliseForIndex } from '../search/frenchText.js';

/**
 * What the IMAP sync (electron/mail/sync) writes and reads: per-folder state for CONDSTORE /
 * QRESYNC, whole pages of parsed messages (message + FTS row + attachments in one transaction),
 * flag changes, expunges. Needs migration 0005_mailsync.
 */
export interface FolderSyncState {
  readonly path: string;
  readonly specialUse: string | null;
  readonly uidValidity: number;
  /** Decimal string: a modseq does not fit a JS number in general. */
  readonly highestModseq: string;
  readonly uidNext: number;
}

export interface SyncedAttachment {
  readonly filename: string;
  readonly mime: string;
  readonly contentId: string | null;
  readonly data: Uint8Array;
}

export interface SyncedMessage {
  readonly uid: number;
  readonly messageId: string | null;
  readonly date: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly bodyText: string;
  readonly bodyHtml: string | null;
  readonly remoteContentBlocked: boolean;
  /** Set when the MIME structure could not be read: the UI shows it instead of a body. */
  readonly mimeError: string | null;
  readonly flags: readonly string[];
  readonly attachments: readonly SyncedAttachment[];
}

export interface MessageHtml {
  readonly id: number;
  readonly bodyHtml: string | null;
  readonly remoteContentBlocked: boolean;
  readonly mimeError: string | null;
}

const SNIPPET_LENGTH = 160;

function sameFlags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((f) => set.has(f));
}

export function createMailSyncRepository(db: SqliteDb, now: () => number = Date.now) {
  const folderState = db.prepare(`select path, special_use as specialUse, uidvalidity as uidValidity, highestmodseq as highestModseq, uidnext as uidNext
    from mail_folders where path = ?`);
  const upsertState = db.prepare(`insert into mail_folders (path, special_use, uidvalidity, highestmodseq, uidnext, synced_at) values (?, ?, ?, ?, ?, ?)
    on conflict (path) do update set special_use = excluded.special_use, uidvalidity = excluded.uidvalidity,
      highestmodseq = excluded.highestmodseq, uidnext = excluded.uidnext, synced_at = excluded.synced_at`);
  const deleteState = db.prepare('delete from mail_folders where path = ?');
  const deleteFolderMessages = db.prepare('delete from messages where folder = ?');
  const insert = db.prepare(`insert into messages (folder, uid, message_id, date, "from", "to", subject, snippet, body_text, flags, body_html, remote_content_blocked, mime_error)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (folder, uid) where uid is not null do nothing`);
  const index = db.prepare('insert into messages_fts (rowid, subject, sender, body) values (?, ?, ?, ?)');
  const insertAttachment = db.prepare('insert into attachments (message_id, filename, mime, size, data, content_id) values (?, ?, ?, ?, ?, ?)');
  const flagsByUid = db.prepare('select id, flags from messages where folder = ? and uid = ?');
  const setFlags = db.prepare('update messages set flags = ? where id = ?');
  const deleteByUid = db.prepare('delete from messages where folder = ? and uid = ?');
  const uidsOf = db.prepare('select uid from messages where folder = ? and uid is not null order by uid');
  const location = db.prepare('select folder, uid, flags from messages where id = ?');
  const attachmentsOf = db.prepare('select id, filename, mime, size, content_id as contentId from attachments where message_id = ? order by id');
  const html = db.prepare('select id, body_html as bodyHtml, remote_content_blocked as blocked, mime_error as mimeError from messages where id = ?');

  const resetFolder = db.transaction((path: string) => {
    // Attachments go with their messages (on delete cascade), FTS rows by trigger.
    const removed = deleteFolderMessages.run(path).changes;
    deleteState.run(path);
    return removed;
  });

  const store = db.transaction((folder: string, messages: readonly SyncedMessage[]) => {
    const ids: number[] = [];
    for (const m of messages) {
      const snippet = m.bodyText.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_LENGTH);
      const result = insert.run(folder, m.uid, m.messageId, m.date, m.from, JSON.stringify(m.to), m.subject, snippet, m.bodyText, JSON.stringify(m.flags), m.bodyHtml, m.remoteContentBlocked ? 1 : 0, m.mimeError);
      if (result.changes === 0) continue; // already there (a page replayed after a crash)
      const id = Number(result.lastInsertRowid);
      index.run(id, normaliseForIndex(m.subject), normaliseForIndex(m.from), normaliseForIndex(m.bodyText));
      for (const a of m.attachments) {
        insertAttachment.run(id, a.filename, a.mime, a.data.byteLength, Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength), a.contentId);
      }
      ids.push(id);
    }
    return ids;
  });

  const applyFlags = db.transaction((folder: string, changes: readonly { uid: number; flags: readonly string[] }[]) => {
    let changed = 0;
    for (const c of changes) {
      const row = flagsByUid.get(folder, c.uid) as { id: number; flags: string } | undefined;
      if (row === undefined || sameFlags(JSON.parse(row.flags) as string[], c.flags)) continue;
      setFlags.run(JSON.stringify([...c.flags]), row.id);
      changed += 1;
    }
    return changed;
  });

  const removeUids = db.transaction((folder: string, uids: readonly number[]) => {
    let removed = 0;
    for (const uid of uids) removed += deleteByUid.run(folder, uid).changes;
    return removed;
  });

  return {
    getFolderSyncState(path: string): FolderSyncState | null {
      return (folderState.get(path) as FolderSyncState | undefined) ?? null;
    },
    saveFolderSyncState(s: FolderSyncState): void {
      upsertState.run(s.path, s.specialUse, s.uidValidity, s.highestModseq, s.uidNext, now());
      // End of a folder's sync: checkpoints resume (`storePendingMessages` pauses them), at the
      // next commit — background parse work, not this call the sync waits on.
      db.pragma('wal_autocheckpoint=1000');
    },
    /** UIDVALIDITY changed (or the folder is gone): forget every message of it and its state. */
    resetMailFolder(path: string): number {
      return resetFolder(path);
    },
    /** Returns the vault ids of the messages actually inserted (known UIDs are skipped). */
    storeSyncedMessages(args: { folder: string; messages: readonly SyncedMessage[] }): number[] {
      return store(args.folder, args.messages);
    },
    /** Returns how many messages really changed. */
    applyFlagChanges(args: { folder: string; changes: readonly { uid: number; flags: readonly string[] }[] }): number {
      return applyFlags(args.folder, args.changes);
    },
    removeExpunged(args: { folder: string; uids: readonly number[] }): number {
      return removeUids(args.folder, args.uids);
    },
    folderUids(folder: string): number[] {
      return (uidsOf.all(folder) as { uid: number }[]).map((r) => r.uid);
    },
    messageLocation(id: number): { folder: string; uid: number | null; flags: string[] } | null {
      const row = location.get(id) as { folder: string; uid: number | null; flags: string } | undefined;
      return row === undefined ? null : { folder: row.folder, uid: row.uid, flags: JSON.parse(row.flags) as string[] };
    },
    setMessageFlags(args: { id: number; flags: readonly string[] }): void {
      setFlags.run(JSON.stringify([...args.flags]), args.id);
    },
    /** The attachment list of a message (no data: `getAttachment(id)` reads one). */
    messageAttachments(messageId: number): { id: number; filename: string; mime: string; size: number; contentId: string | null }[] {
      return attachmentsOf.all(messageId) as { id: number; filename: string; mime: string; size: number; contentId: string | null }[];
    },
    getMessageHtml(id: number): MessageHtml | null {
      const row = html.get(id) as { id: number; bodyHtml: string | null; blocked: number; mimeError: string | null } | undefined;
      return row === undefined ? null : { id: row.id, bodyHtml: row.bodyHtml, remoteContentBlocked: row.blocked === 1, mimeError: row.mimeError };
    },
  };
}
