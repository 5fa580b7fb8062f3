import type { SqliteDb } from '../connection.js';
import { buildMatchQuery, normaliseForIndex } from '../search/frenchText.js';

/**
 * What the messaging screens read from the vault (issue 7): folders with counts, windows of a
 * folder newest first, search, one message in full, attachment bytes; and the few writes that
 * belong to reading: the read-receipt answer (once), the patient matcher's verdict on an
 * IHE_XDM archive, merging the local copy of a sent message with the one the sync brings back.
 * The sync writes messages (`repo/mailSync.ts`); this file only reads them, apart from those.
 */
export interface MailboxFolder {
  readonly path: string;
  readonly name: string;
  readonly specialUse: string | null;
  readonly total: number;
  readonly unread: number;
}

export interface MailboxSummary {
  readonly id: number;
  readonly folder: string;
  readonly date: number;
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly snippet: string;
  readonly flags: string[];
  readonly hasAttachments: boolean;
  readonly patientId: number | null;
  /** `read_receipt` of the row: what the sender asked of us, and what we answered. */
  readonly readReceipt: 'none' | 'asked' | 'sent' | 'declined';
  /** At least one read receipt came back for this message (ours, sent). */
  readonly receiptsBack: boolean;
}

export interface MailboxReceipt {
  readonly recipient: string;
  readonly disposition: string;
  readonly at: number;
}

export interface MailboxXdm {
  readonly documents: unknown;
  readonly patientIds: unknown;
  readonly match: 'pending' | 'linked' | 'to-review' | 'unknown-patient' | 'invalid';
  readonly message: string | null;
}

export interface MailboxMessage extends MailboxSummary {
  readonly uid: number | null;
  readonly cc: string[];
  readonly messageId: string | null;
  readonly bodyText: string;
  readonly bodyHtml: string | null;
  readonly remoteContentBlocked: boolean;
  readonly mimeError: string | null;
  readonly parseState: 'pending' | 'parsed';
  readonly headerBlock: string | null;
  readonly inReplyTo: string | null;
  readonly references: string[];
  readonly dispositionNotificationTo: string | null;
  readonly returnPath: string | null;
  readonly attachments: { id: number; filename: string; mime: string; size: number; contentId: string | null }[];
  readonly receipts: MailboxReceipt[];
  readonly xdm: MailboxXdm | null;
}

/** A message of the demo mailbox (fictitious), written once at the first open of a demo vault. */
export interface DemoMessage {
  readonly folder: string;
  readonly uid: number;
  readonly messageId: string;
  readonly date: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly bodyText: string;
  readonly bodyHtml?: string | null;
  readonly remoteContentBlocked?: boolean;
  readonly flags: readonly string[];
  readonly dispositionNotificationTo?: string | null;
  readonly attachments?: readonly { filename: string; mime: string; data: Uint8Array }[];
  readonly xdm?: { documents: readonly { title: string; typeCode: string | null }[]; match: MailboxXdm['match']; message: string | null; patientId: number | null };
}

const SNIPPET_LENGTH = 160;

// `exists` on the attachments index: right even for rows the parser has not flagged yet.
const SUMMARY_COLUMNS = `m.id, m.folder, m.date, m."from", m."to", m.subject, m.snippet, m.flags, m.patient_id as patientId,
  (m.has_attachments = 1 or exists (select 1 from attachments a where a.message_id = m.id)) as hasAttachments,
  m.read_receipt as readReceipt,
  (m.message_id is not null and exists (select 1 from mail_receipts r where r.original_message_id = m.message_id)) as receiptsBack`;

interface SummaryRow {
  id: number;
  folder: string;
  date: number;
  from: string;
  to: string;
  subject: string;
  snippet: string;
  flags: string;
  patientId: number | null;
  hasAttachments: number;
  readReceipt: MailboxSummary['readReceipt'];
  receiptsBack: number;
}

const json = <T>(text: string | null | undefined, fallback: T): T => {
  if (text === null || text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

function toSummary(r: SummaryRow): MailboxSummary {
  return { id: r.id, folder: r.folder, date: r.date, from: r.from, to: json<string[]>(r.to, []), subject: r.subject, snippet: r.snippet, flags: json<string[]>(r.flags, []), hasAttachments: r.hasAttachments === 1, patientId: r.patientId, readReceipt: r.readReceipt, receiptsBack: r.receiptsBack === 1 };
}

/** The last segment of an IMAP path, whatever the server's delimiter. */
function folderName(path: string): string {
  const parts = path.split(/[/.]/).filter((p) => p !== '');
  return parts[parts.length - 1] ?? path;
}

const LOCAL_FOLDERS = ['Outbox', 'Sent'];
const SPECIAL_ORDER = ['\\Inbox', '\\Drafts', '\\Sent', '\\Archive', '\\Junk', '\\Trash'];

export function createMailboxRepository(db: SqliteDb) {
  const folderStates = db.prepare('select path, special_use as specialUse from mail_folders');
  const folderExists = db.prepare('select exists (select 1 from messages where folder = ?) as n');
  const folderTotal = db.prepare('select count(*) as n from messages where folder = ?');
  const folderUnread = db.prepare('select count(*) as n from messages where folder = ? and seen = 0');
  // `messages_folder_date` walks the folder newest first and stops after offset + limit.
  const window = db.prepare(`select ${SUMMARY_COLUMNS} from messages m where m.folder = ? order by m.date desc, m.id desc limit ? offset ?`);
  const search = db.prepare(`select ${SUMMARY_COLUMNS} from messages_fts f join messages m on m.id = f.rowid where messages_fts match ? order by f.rowid desc limit ?`);
  const full = db.prepare(`select ${SUMMARY_COLUMNS}, m.uid, m.cc, m.message_id as messageId, m.body_text as bodyText, m.body_html as bodyHtml,
      m.remote_content_blocked as blocked, m.mime_error as mimeError, m.parse_state as parseState, m.header_block as headerBlock,
      m.in_reply_to as inReplyTo, m.references_ids as refs, m.disposition_notification_to as dnt, m.return_path as returnPath
    from messages m where m.id = ?`);
  const attachmentsOf = db.prepare('select id, filename, mime, size, content_id as contentId from attachments where message_id = ? order by id');
  const attachmentById = db.prepare('select id, message_id as messageId, filename, mime, data from attachments where id = ?');
  const receiptsOf = db.prepare('select recipient, disposition, at from mail_receipts where original_message_id = ? order by at, id');
  const xdmOf = db.prepare('select documents, patient_ids as patientIds, match, message from message_xdm where message_id = ?');
  const answerReceipt = db.prepare(`update messages set read_receipt = ? where id = ? and read_receipt = 'asked'`);
  const pendingXdm = db.prepare(`select x.message_id as messageId, (select a.id from attachments a where a.message_id = x.message_id and upper(a.filename) = 'IHE_XDM.ZIP' order by a.id limit 1) as attachmentId
    from message_xdm x where x.match = 'pending' order by x.message_id limit ?`);
  const setXdm = db.prepare('update message_xdm set match = ?, message = ? where message_id = ?');
  const linkPatient = db.prepare('update messages set patient_id = ? where id = ?');
  const localInFolder = db.prepare('select id, message_id as messageId, patient_id as patientId from messages where folder = ? and uid is null and message_id is not null');
  const syncedTwin = db.prepare('select id, patient_id as patientId from messages where message_id = ? and folder = ? and uid is not null limit 1');
  const deleteRow = db.prepare('delete from messages where id = ?');
  const countAll = db.prepare('select count(*) as n from messages');
  const insertFolder = db.prepare(`insert into mail_folders (path, special_use, uidvalidity, highestmodseq, uidnext, synced_at) values (?, ?, 1, '0', ?, ?)
    on conflict (path) do nothing`);
  const insertDemo = db.prepare(`insert into messages (folder, uid, message_id, date, "from", "to", subject, snippet, body_text, flags, body_html, remote_content_blocked,
      has_attachments, disposition_notification_to, read_receipt, patient_id, parse_state, size)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'parsed', ?)`);
  const indexFts = db.prepare('insert into messages_fts (rowid, subject, sender, body) values (?, ?, ?, ?)');
  const insertAttachment = db.prepare('insert into attachments (message_id, filename, mime, size, data) values (?, ?, ?, ?, ?)');
  const insertXdm = db.prepare(`insert into message_xdm (message_id, documents, patient_ids, match, message) values (?, ?, '[]', ?, ?)`);

  const mergeSent = db.transaction((folder: string) => {
    let merged = 0;
    for (const local of localInFolder.all(folder) as { id: number; messageId: string; patientId: number | null }[]) {
      const twin = syncedTwin.get(local.messageId, folder) as { id: number; patientId: number | null } | undefined;
      if (twin === undefined) continue;
      // The patient link lives on the local row (set at sending): it moves to the server's copy.
      if (twin.patientId === null && local.patientId !== null) linkPatient.run(local.patientId, twin.id);
      deleteRow.run(local.id);
      merged += 1;
    }
    return merged;
  });

  const xdmVerdict = db.transaction((args: { messageId: number; match: 'linked' | 'to-review' | 'unknown-patient' | 'invalid'; message: string | null; patientId: number | null }) => {
    const changed = setXdm.run(args.match, args.message, args.messageId).changes;
    if (changed > 0 && args.match === 'linked' && args.patientId !== null) linkPatient.run(args.patientId, args.messageId);
    return changed > 0;
  });

  const seedDemo = db.transaction((messages: readonly DemoMessage[]) => {
    if ((countAll.get() as { n: number }).n > 0) return 0;
    const t = Date.now();
    const folders = new Map<string, number>();
    for (const m of messages) folders.set(m.folder, Math.max(folders.get(m.folder) ?? 1, m.uid + 1));
    for (const [path, uidNext] of folders) insertFolder.run(path, path === 'INBOX' ? '\\Inbox' : path === 'Sent' ? '\\Sent' : null, uidNext, t);
    for (const m of messages) {
      const snippet = m.bodyText.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_LENGTH);
      const attachments = m.attachments ?? [];
      const dnt = m.dispositionNotificationTo ?? null;
      const size = m.bodyText.length + attachments.reduce((n, a) => n + a.data.byteLength, 0);
      const id = Number(
        insertDemo.run(m.folder, m.uid, m.messageId, m.date, m.from, JSON.stringify(m.to), m.subject, snippet, m.bodyText, JSON.stringify([...m.flags].sort()), m.bodyHtml ?? null, m.remoteContentBlocked === true ? 1 : 0,
          attachments.length > 0 ? 1 : 0, dnt, dnt === null ? 'none' : 'asked', m.xdm?.patientId ?? null, size).lastInsertRowid,
      );
      indexFts.run(id, normaliseForIndex(m.subject), normaliseForIndex(m.from), normaliseForIndex(m.bodyText));
      for (const a of attachments) insertAttachment.run(id, a.filename, a.mime, a.data.byteLength, Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength));
      if (m.xdm !== undefined) insertXdm.run(id, JSON.stringify(m.xdm.documents), m.xdm.match, m.xdm.message);
    }
    return messages.length;
  });

  return {
    /** Synced folders (special ones first) and local ones (the outbox's), with counts. */
    mailboxFolders(): MailboxFolder[] {
      const states = folderStates.all() as { path: string; specialUse: string | null }[];
      const known = new Set(states.map((s) => s.path));
      // Folders only this workstation knows: what the outbox holds, and sent copies before a first sync.
      for (const folder of LOCAL_FOLDERS) if (!known.has(folder) && (folderExists.get(folder) as { n: number }).n === 1) states.push({ path: folder, specialUse: folder === 'Sent' ? '\\Sent' : null });
      const rank = (f: { path: string; specialUse: string | null }) => {
        const i = SPECIAL_ORDER.indexOf(f.path.toUpperCase() === 'INBOX' ? '\\Inbox' : (f.specialUse ?? ''));
        return i < 0 ? SPECIAL_ORDER.length : i;
      };
      states.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path, 'fr'));
      return states.map((s) => ({
        path: s.path,
        // The outbox's folder is this workstation's, not the server's: its name is ours, in French.
        name: s.path === 'Outbox' && !known.has('Outbox') ? 'Boîte d’envoi' : folderName(s.path),
        specialUse: s.path.toUpperCase() === 'INBOX' ? '\\Inbox' : s.specialUse,
        total: (folderTotal.get(s.path) as { n: number }).n,
        unread: (folderUnread.get(s.path) as { n: number }).n,
      }));
    },
    mailboxWindow(args: { folder: string; offset: number; limit: number }): { total: number; items: MailboxSummary[] } {
      const total = (folderTotal.get(args.folder) as { n: number }).n;
      const items = (window.all(args.folder, args.limit, args.offset) as SummaryRow[]).map(toSummary);
      return { total, items };
    },
    mailboxSearch(args: { query: string; limit: number }): MailboxSummary[] {
      const match = buildMatchQuery(args.query, { autocomplete: true });
      if (match === null) return [];
      return (search.all(match, args.limit) as SummaryRow[]).map(toSummary);
    },
    mailboxMessage(id: number): MailboxMessage | null {
      const r = full.get(id) as
        | (SummaryRow & { uid: number | null; cc: string; messageId: string | null; bodyText: string; bodyHtml: string | null; blocked: number; mimeError: string | null; parseState: 'pending' | 'parsed'; headerBlock: string | null; inReplyTo: string | null; refs: string; dnt: string | null; returnPath: string | null })
        | undefined;
      if (r === undefined) return null;
      const xdm = xdmOf.get(id) as { documents: string; patientIds: string; match: MailboxXdm['match']; message: string | null } | undefined;
      return {
        ...toSummary(r),
        uid: r.uid,
        cc: json<string[]>(r.cc, []),
        messageId: r.messageId,
        bodyText: r.bodyText,
        bodyHtml: r.bodyHtml,
        remoteContentBlocked: r.blocked === 1,
        mimeError: r.mimeError,
        parseState: r.parseState,
        headerBlock: r.headerBlock,
        inReplyTo: r.inReplyTo,
        references: json<string[]>(r.refs, []),
        dispositionNotificationTo: r.dnt,
        returnPath: r.returnPath,
        readReceipt: r.readReceipt,
        attachments: attachmentsOf.all(id) as MailboxMessage['attachments'],
        receipts: r.messageId === null ? [] : (receiptsOf.all(r.messageId) as MailboxReceipt[]),
        xdm: xdm === undefined ? null : { documents: json<unknown>(xdm.documents, []), patientIds: json<unknown>(xdm.patientIds, []), match: xdm.match, message: xdm.message },
      };
    },
    mailboxAttachment(id: number): { id: number; messageId: number; filename: string; mime: string; data: Buffer } | null {
      return (attachmentById.get(id) as { id: number; messageId: number; filename: string; mime: string; data: Buffer } | undefined) ?? null;
    },
    /** Only from `asked`: a receipt is answered once, whatever the screen sends afterwards. */
    mailboxAnswerReadReceipt(args: { id: number; state: 'sent' | 'declined' }): boolean {
      return answerReceipt.run(args.state, args.id).changes > 0;
    },
    /** Archives waiting for the patient matcher, with the attachment that holds each. */
    mailboxPendingXdm(limit: number): { messageId: number; attachmentId: number | null }[] {
      return pendingXdm.all(limit) as { messageId: number; attachmentId: number | null }[];
    },
    /** The matcher's verdict; `linked` (exact match only) attaches the message to the patient. */
    mailboxSetXdmMatch(args: { messageId: number; match: 'linked' | 'to-review' | 'unknown-patient' | 'invalid'; message: string | null; patientId: number | null }): boolean {
      return xdmVerdict(args);
    },
    /** Local rows of sent messages whose server copy has been synced: one row stays (the server's). */
    mailboxMergeSentCopies(folder: string): number {
      return mergeSent(folder);
    },
    /** Demo vault: writes the fictitious mailbox once (does nothing when any message exists). */
    mailboxSeedDemo(messages: readonly DemoMessage[]): number {
      return seedDemo(messages);
    },
  };
}
