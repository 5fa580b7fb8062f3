import type { SqliteDb } from '../connection.js';
import { normaliseForIndex } from '../search/frenchText.js';
import type { SyncedAttachment } from './mailSync.js';

/**
 * Store first, parse later (issue 7, migration 0006): the IMAP sync writes each page as it
 * arrives — envelope fields, flags and the raw source, `parse_state = 'pending'` — so a folder
 * is listed as soon as it is fetched; a parse worker (electron/mail/sync) then reads pending
 * sources in batches and completes them here: body, snippet, full-text row, attachments, read-
 * receipt request, received MDN (`mail_receipts`), IHE_XDM archive (`message_xdm`).
 *
 * Pending messages are already searchable by subject and sender (an FTS row with an empty body
 * is written at store time and replaced at completion).
 */
export interface PendingMessage {
  readonly uid: number;
  readonly messageId: string | null;
  readonly date: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly inReplyTo: string | null;
  readonly flags: readonly string[];
  readonly size: number;
  /** From the BODYSTRUCTURE; parsing confirms it. */
  readonly hasAttachments: boolean;
  readonly raw: Uint8Array;
}

/** A pending message as the parser needs it. */
export interface PendingParse {
  readonly id: number;
  readonly folder: string;
  readonly date: number;
  readonly raw: Uint8Array;
}

export interface ReceiptFound {
  readonly originalMessageId: string;
  readonly recipient: string;
  /** `displayed`, `processed`, `deleted`, … or `error`. */
  readonly disposition: string;
  readonly at: number;
}

export interface XdmFoundDocument {
  readonly title: string;
  readonly typeCode: string | null;
  readonly mimeType: string;
  readonly uniqueId: string | null;
  readonly patientId: string | null;
}

export interface XdmFound {
  readonly documents: readonly XdmFoundDocument[];
  /** The CX patient ids of METADATA.XML (document entries and submission set), distinct. */
  readonly patientIds: readonly string[];
  /** `pending`: for the patient matcher; `invalid`: the archive was refused (`message` says why, in French). */
  readonly match: 'pending' | 'invalid';
  readonly message: string | null;
}

export interface ParsedCompletion {
  readonly id: number;
  readonly bodyText: string;
  readonly bodyHtml: string | null;
  readonly remoteContentBlocked: boolean;
  /** Technical reason when the MIME structure could not be read (the body is then the marker + raw text). */
  readonly mimeError: string | null;
  readonly cc: readonly string[];
  readonly hasAttachments: boolean;
  /** The original header lines (≤ 32 KiB), for an MDN later. */
  readonly headerBlock: string | null;
  readonly inReplyTo: string | null;
  readonly referencesIds: readonly string[];
  readonly dispositionNotificationTo: string | null;
  readonly returnPath: string | null;
  /** The sender asks for a read receipt (never set for a report itself). */
  readonly readReceiptAsked: boolean;
  readonly attachments: readonly SyncedAttachment[];
  readonly receipt: ReceiptFound | null;
  readonly xdm: XdmFound | null;
}

export interface ParsedBatchResult {
  /** Ids actually completed (a message deleted or completed meanwhile is skipped). */
  readonly ids: number[];
  readonly folders: string[];
}

const SNIPPET_LENGTH = 160;
/** Folders of our own messages: a receipt request there is ours, not one to answer. */
const OWN_FOLDERS = new Set(['\\Sent', '\\Drafts']);

export function createMailParseRepository(db: SqliteDb) {
  const insertPending = db.prepare(`insert into messages (folder, uid, message_id, date, "from", "to", cc, subject, snippet, body_text, flags, size,
      has_attachments, in_reply_to, parse_state, raw)
    values (?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, ?, ?, 'pending', ?) on conflict (folder, uid) where uid is not null do nothing`);
  const index = db.prepare('insert into messages_fts (rowid, subject, sender, body) values (?, ?, ?, ?)');
  const unindex = db.prepare('delete from messages_fts where rowid = ?');
  const pendingAfter = db.prepare(`select id, folder, date, size from messages where parse_state = 'pending' and id > ? order by id limit ?`);
  const rawOf = db.prepare(`select raw from messages where id = ? and parse_state = 'pending'`);
  const onePending = db.prepare(`select id, folder, date, raw from messages where id = ? and parse_state = 'pending'`);
  const pendingCount = db.prepare(`select count(*) as n from messages where parse_state = 'pending'`);
  const rowOf = db.prepare(`select m.folder, m.subject, m."from", f.special_use as specialUse from messages m left join mail_folders f on f.path = m.folder
    where m.id = ? and m.parse_state = 'pending'`);
  const complete = db.prepare(`update messages set parse_state = 'parsed', body_text = ?, snippet = ?, body_html = ?, remote_content_blocked = ?, mime_error = ?,
      cc = ?, has_attachments = ?, header_block = ?, in_reply_to = coalesce(?, in_reply_to), references_ids = ?, disposition_notification_to = ?,
      return_path = ?, read_receipt = case when ? then 'asked' else read_receipt end, raw = case when ? then raw else null end
    where id = ? and parse_state = 'pending'`);
  const insertAttachment = db.prepare('insert into attachments (message_id, filename, mime, size, data, content_id) values (?, ?, ?, ?, ?, ?)');
  const insertReceipt = db.prepare(`insert into mail_receipts (original_message_id, recipient, disposition, at, mdn_message) values (?, ?, ?, ?, ?)
    on conflict (original_message_id, recipient, disposition) do nothing`);
  const insertXdm = db.prepare(`insert into message_xdm (message_id, documents, patient_ids, match, message) values (?, ?, ?, ?, ?)
    on conflict (message_id) do nothing`);

  const storePending = db.transaction((folder: string, messages: readonly PendingMessage[]) => {
    const ids: number[] = [];
    for (const m of messages) {
      const raw = Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength);
      const result = insertPending.run(folder, m.uid, m.messageId, m.date, m.from, JSON.stringify(m.to), JSON.stringify(m.cc), m.subject, JSON.stringify(m.flags),
        m.size, m.hasAttachments ? 1 : 0, m.inReplyTo, raw);
      if (result.changes === 0) continue; // already there (a page replayed after a crash)
      const id = Number(result.lastInsertRowid);
      index.run(id, normaliseForIndex(m.subject), normaliseForIndex(m.from), '');
      ids.push(id);
    }
    return ids;
  });

  const completeMany = db.transaction((messages: readonly ParsedCompletion[]): ParsedBatchResult => {
    const ids: number[] = [];
    const folders = new Set<string>();
    for (const m of messages) {
      const row = rowOf.get(m.id) as { folder: string; subject: string; from: string; specialUse: string | null } | undefined;
      if (row === undefined) continue;
      const snippet = (m.mimeError === null ? m.bodyText : '').replace(/\s+/g, ' ').trim().slice(0, SNIPPET_LENGTH);
      const asked = m.readReceiptAsked && !OWN_FOLDERS.has(row.specialUse ?? '');
      // A message whose structure could not be read keeps its source: a later version may read it.
      const keepRaw = m.mimeError !== null;
      complete.run(m.bodyText, snippet, m.bodyHtml, m.remoteContentBlocked ? 1 : 0, m.mimeError, JSON.stringify(m.cc), m.hasAttachments ? 1 : 0, m.headerBlock,
        m.inReplyTo, JSON.stringify(m.referencesIds), m.dispositionNotificationTo, m.returnPath, asked ? 1 : 0, keepRaw ? 1 : 0, m.id);
      unindex.run(m.id);
      index.run(m.id, normaliseForIndex(row.subject), normaliseForIndex(row.from), normaliseForIndex(m.bodyText));
      for (const a of m.attachments) {
        insertAttachment.run(m.id, a.filename, a.mime, a.data.byteLength, Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength), a.contentId);
      }
      if (m.receipt !== null) insertReceipt.run(m.receipt.originalMessageId, m.receipt.recipient, m.receipt.disposition, m.receipt.at, m.id);
      if (m.xdm !== null) insertXdm.run(m.id, JSON.stringify(m.xdm.documents), JSON.stringify(m.xdm.patientIds), m.xdm.match, m.xdm.message);
      ids.push(m.id);
      folders.add(row.folder);
    }
    return { ids, folders: [...folders] };
  });

  return {
    /** One fetched page, listed at once; returns the ids inserted (known UIDs are skipped). */
    storePendingMessages(args: { folder: string; messages: readonly PendingMessage[] }): number[] {
      // Bulk path of an initial sync (bench/mail.ts: 0.64 → 0.71 of a bare fetch on 2 cores).
      // These rows can always be fetched again from the server, so their commits skip the
      // fsync (synchronous=NORMAL, the connection's level restored right after: the next FULL
      // commit makes them durable too, and WAL keeps commit order, so a lost tail never leaves
      // the folder state ahead of its messages). The WAL is not checkpointed mid-sync either;
      // `saveFolderSyncState` (end of a folder's sync) turns checkpoints back on.
      const level = db.pragma('synchronous', { simple: true }) as number;
      db.pragma('wal_autocheckpoint=0');
      db.pragma('synchronous=NORMAL');
      try {
        return storePending(args.folder, args.messages);
      } finally {
        db.pragma(`synchronous=${level}`);
      }
    },
    /**
     * The next pending sources after `afterId` (ascending ids: the sync stores the newest page
     * first), at most `limit` messages and about `maxBytes` (always at least one).
     */
    pendingParses(args: { afterId: number; limit: number; maxBytes: number }): PendingParse[] {
      const out: PendingParse[] = [];
      let bytes = 0;
      for (const row of pendingAfter.all(args.afterId, args.limit) as { id: number; folder: string; date: number; size: number }[]) {
        if (out.length > 0 && bytes + row.size > args.maxBytes) break;
        const r = rawOf.get(row.id) as { raw: Buffer | null } | undefined;
        if (r === undefined) continue;
        out.push({ id: row.id, folder: row.folder, date: row.date, raw: r.raw ?? Buffer.alloc(0) });
        bytes += row.size;
      }
      return out;
    },
    /** One message's source if it still waits for parsing (`parseNow`), else null. */
    pendingParse(id: number): PendingParse | null {
      const row = onePending.get(id) as { id: number; folder: string; date: number; raw: Buffer | null } | undefined;
      return row === undefined ? null : { id: row.id, folder: row.folder, date: row.date, raw: row.raw ?? Buffer.alloc(0) };
    },
    countPendingParses(): number {
      return (pendingCount.get() as { n: number }).n;
    },
    /** Completes parsed messages in one transaction; idempotent (only pending rows change). */
    completeParsedMessages(args: { messages: readonly ParsedCompletion[] }): ParsedBatchResult {
      return completeMany(args.messages);
    },
  };
}
