import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { SyncedMessage } from '../../vault/repo/mailSync.js';
import { sanitizeMailHtml } from './sanitizeHtml.js';

/** What IMAP gives for one message before parsing. */
export interface FetchedMessage {
  readonly uid: number;
  readonly flags: readonly string[];
  readonly internalDate: number | null;
  readonly source: Buffer;
}

/** Shown in place of the body when the MIME structure cannot be read (the raw text stays searchable). */
export const MALFORMED_MARKER = '[Message mal formé : sa structure MIME est illisible. Le texte brut est affiché tel quel.]';
const MAX_RAW_TEXT = 200_000;

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((a) => a.value).flatMap((a) => (a.group ? a.group : [a])).map((a) => a.address ?? a.name).filter((a): a is string => typeof a === 'string' && a !== '');
}

function headerBlock(source: Buffer): string {
  const text = source.subarray(0, 64 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/**
 * Structural checks mailparser does not report (it is lenient and returns an empty body):
 * a multipart without boundary, or whose boundary never appears. Returns a technical reason.
 */
export function mimeProblem(source: Buffer): string | null {
  const headers = headerBlock(source).replace(/\r?\n[ \t]+/g, ' ');
  const ct = /^content-type:\s*([^\r\n]*)/im.exec(headers)?.[1];
  if (ct === undefined || !/^\s*multipart\//i.test(ct)) return null;
  const boundary = /boundary\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(ct);
  const value = boundary?.[1] ?? boundary?.[2];
  if (value === undefined || value === '') return 'multipart-without-boundary';
  if (!source.includes(`--${value}`, 0, 'latin1')) return 'boundary-not-found';
  return null;
}

function rawTextOf(source: Buffer): string {
  const text = source.toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  return (end < 0 ? '' : text.slice(end).trim()).slice(0, MAX_RAW_TEXT);
}

function fromParsed(meta: FetchedMessage, parsed: ParsedMail, mimeError: string | null): SyncedMessage {
  const html = typeof parsed.html === 'string' && parsed.html !== '' ? sanitizeMailHtml(parsed.html) : null;
  const date = parsed.date?.getTime();
  const bodyText = mimeError === null ? (parsed.text ?? '') : `${MALFORMED_MARKER}\n\n${rawTextOf(meta.source)}`;
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

/**
 * One message, parsed with mailparser into what the vault stores. Never throws: a message it
 * cannot read comes out with `mimeError` set and the marker as its text, so one bad mail never
 * stops a folder's sync.
 */
export async function parseFetchedMessage(meta: FetchedMessage): Promise<SyncedMessage> {
  let parsed: ParsedMail | null = null;
  let error: string | null = mimeProblem(meta.source);
  try {
    parsed = await simpleParser(meta.source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 5_000_000 });
  } catch (e) {
    error = `parse:${(e as Error).name}`;
  }
  if (parsed === null) {
    return { uid: meta.uid, messageId: null, date: meta.internalDate ?? 0, from: '', to: [], subject: '', bodyText: `${MALFORMED_MARKER}\n\n${rawTextOf(meta.source)}`, bodyHtml: null, remoteContentBlocked: false, mimeError: error, flags: [...meta.flags], attachments: [] };
  }
  return fromParsed(meta, parsed, error);
}
