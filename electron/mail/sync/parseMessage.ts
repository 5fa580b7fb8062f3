import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { SyncedMessage } from '../../vault/repo/mailSync.js';
import { malformedBody, mimeProblem } from './malformed.js';
import { sanitizeMailHtml } from './sanitizeHtml.js';

export { MALFORMED_MARKER, malformedBody, mimeProblem } from './malformed.js';

/** What IMAP gives for one message before parsing. */
export interface FetchedMessage {
  readonly uid: number;
  readonly flags: readonly string[];
  readonly internalDate: number | null;
  readonly source: Buffer;
}

export function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((a) => a.value).flatMap((a) => (a.group ? a.group : [a])).map((a) => a.address ?? a.name).filter((a): a is string => typeof a === 'string' && a !== '');
}

function fromParsed(meta: FetchedMessage, parsed: ParsedMail, mimeError: string | null): SyncedMessage {
  const html = typeof parsed.html === 'string' && parsed.html !== '' ? sanitizeMailHtml(parsed.html) : null;
  const date = parsed.date?.getTime();
  const bodyText = mimeError === null ? (parsed.text ?? '') : malformedBody(meta.source);
  return {
    uid: meta.uid,
    messageId: parsed.messageId ?? null,
    date: date !== undefined && Number.isFinite(date) ? date : (meta.internalDate ?? 0),
    from: addresses(parsed.from)[0] ?? '',
    to: [...addresses(parsed.to), ...addresses(parsed.cc)],
    subject: parsed.subject ?? '',
    bodyText,
    bodyHtml: mimeError === null ? (html?.html ?? null) : null,
    remoteContentBlocked: (html?.remoteBlocked ?? 0) > 0,
    mimeError,
    flags: [...meta.flags],
    attachments: mimeError !== null ? [] : parsed.attachments.map((a) => ({
      filename: a.filename ?? 'piece-jointe',
      mime: a.contentType || 'application/octet-stream',
      contentId: a.cid ?? null,
      data: a.content,
    })),
  };
}

/** mailparser's reading of a source, and the technical reason when its MIME structure is broken (null: fine). */
export interface ReadSource {
  readonly parsed: ParsedMail | null;
  readonly mimeError: string | null;
}

export async function readSource(source: Buffer): Promise<ReadSource> {
  let mimeError: string | null = mimeProblem(source);
  try {
    const parsed = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 5_000_000 });
    return { parsed, mimeError };
  } catch (e) {
    mimeError = `parse:${(e as Error).name}`;
    return { parsed: null, mimeError };
  }
}

/**
 * One message, parsed with mailparser into what the vault stores. Never throws: a message it
 * cannot read comes out with `mimeError` set and the marker as its text, so one bad mail never
 * stops a folder's sync.
 */
export async function parseFetchedMessage(meta: FetchedMessage): Promise<SyncedMessage> {
  const { parsed, mimeError } = await readSource(meta.source);
  if (parsed === null) {
    return { uid: meta.uid, messageId: null, date: meta.internalDate ?? 0, from: '', to: [], subject: '', bodyText: malformedBody(meta.source), bodyHtml: null, remoteContentBlocked: false, mimeError, flags: [...meta.flags], attachments: [] };
  }
  return fromParsed(meta, parsed, mimeError);
}
