import type { SqliteDb } from '../connection.js';
import { buildMatchQuery, normaliseForIndex } from '../search/frenchText.js';

export interface NewMessage {
  readonly folder: string;
  readonly uid: number | null;
  readonly messageId: string | null;
  readonly date: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly bodyText: string;
  readonly flags?: readonly string[];
  readonly patientId?: number | null;
}

/** What a list shows: no body, so a page of 50 stays small across the worker boundary. */
export interface MessageSummary {
  readonly id: number;
  readonly folder: string;
  readonly date: number;
  readonly from: string;
  readonly subject: string;
  readonly snippet: string;
  readonly flags: string[];
  readonly patientId: number | null;
}

export interface Message extends MessageSummary {
  readonly uid: number | null;
  readonly messageId: string | null;
  readonly to: string[];
  readonly bodyText: string;
}

const SNIPPET_LENGTH = 160;
const SUMMARY_COLUMNS = `id, folder, date, "from", subject, snippet, flags, patient_id as patientId`;
interface SummaryRow extends Omit<MessageSummary, 'flags'> { flags: string }

function toSummary(row: SummaryRow): MessageSummary {
  return { ...row, flags: JSON.parse(row.flags) as string[] };
}

export const INBOX_PAGE_SQL = `select ${SUMMARY_COLUMNS} from messages
  where folder = ? and (date < ? or (date = ? and id < ?)) order by date desc, id desc limit ?`;
// Newest first by rowid: FTS5 walks its doclists backwards and stops at the limit (~0.1 ms),
// where `order by rank` must score every match (~180 ms on common words).
export const SEARCH_SQL = `select m.id, m.folder, m.date, m."from", m.subject, m.snippet, m.flags, m.patient_id as patientId from messages_fts f
  join messages m on m.id = f.rowid where messages_fts match ? order by f.rowid desc limit ?`;

export function createMessageRepository(db: SqliteDb) {
  const insert = db.prepare(`insert into messages (folder, uid, message_id, date, "from", "to", subject, snippet, body_text, flags, patient_id)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const index = db.prepare('insert into messages_fts (rowid, subject, sender, body) values (?, ?, ?, ?)');
  const page = db.prepare(INBOX_PAGE_SQL);
  const search = db.prepare(SEARCH_SQL);
  const byId = db.prepare(`select ${SUMMARY_COLUMNS}, uid, message_id as messageId, "to", body_text as bodyText from messages where id = ?`);
  const setPatient = db.prepare('update messages set patient_id = ? where id = ?');

  // The FTS row is written in the same transaction as the message: the index can never lag
  // behind a crash, and one commit per batch pays the WAL sync once.
  const insertMany = db.transaction((messages: readonly NewMessage[]) =>
    messages.map((m) => {
      const snippet = m.bodyText.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_LENGTH);
      const { lastInsertRowid } = insert.run(m.folder, m.uid, m.messageId, m.date, m.from, JSON.stringify(m.to), m.subject, snippet, m.bodyText, JSON.stringify(m.flags ?? []), m.patientId ?? null);
      index.run(lastInsertRowid, normaliseForIndex(m.subject), normaliseForIndex(m.from), normaliseForIndex(m.bodyText));
      return Number(lastInsertRowid);
    }),
  );

  return {
    insertMessages: (messages: readonly NewMessage[]): number[] => insertMany(messages),
    /** Keyset pagination: pass the last row's (date, id) to get the next page. */
    inboxPage(args: { folder: string; before?: { date: number; id: number }; limit?: number }): MessageSummary[] {
      const before = args.before ?? { date: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER };
      return (page.all(args.folder, before.date, before.date, before.id, args.limit ?? 50) as SummaryRow[]).map(toSummary);
    },
    searchMessages(args: { query: string; autocomplete?: boolean; limit?: number }): MessageSummary[] {
      const match = buildMatchQuery(args.query, { autocomplete: args.autocomplete ?? false });
      if (match === null) return [];
      return (search.all(match, args.limit ?? 50) as SummaryRow[]).map(toSummary);
    },
    getMessage(id: number): Message | null {
      const row = byId.get(id) as (SummaryRow & { uid: number | null; messageId: string | null; to: string; bodyText: string }) | undefined;
      if (row === undefined) return null;
      return { ...toSummary(row), uid: row.uid, messageId: row.messageId, to: JSON.parse(row.to) as string[], bodyText: row.bodyText };
    },
    linkMessageToPatient(args: { messageId: number; patientId: number | null }): void {
      setPatient.run(args.patientId, args.messageId);
    },
  };
}
