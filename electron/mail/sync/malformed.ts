import type { ParsedCompletion } from '../../vault/repo/mailParse.js';

/**
 * Messages whose MIME structure cannot be read: how to tell (mailparser is lenient), and what
 * is shown instead of a body. No parser here: the main thread uses it when the parse worker fails.
 */

/** Shown in place of the body when the MIME structure cannot be read (the raw text stays searchable). */
export const MALFORMED_MARKER = '[Message mal formé : sa structure MIME est illisible. Le texte brut est affiché tel quel.]';
const MAX_RAW_TEXT = 200_000;

function headerBlock(source: Buffer): string {
  const text = source.subarray(0, 64 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}

/** The message's own Content-Type header value (unfolded), or undefined. */
export function topContentType(source: Buffer): string | undefined {
  const headers = headerBlock(source).replace(/\r?\n[ \t]+/g, ' ');
  return /^content-type:\s*([^\r\n]*)/im.exec(headers)?.[1];
}

/**
 * Structural checks mailparser does not report (it is lenient and returns an empty body):
 * a multipart without boundary, or whose boundary never appears. Returns a technical reason.
 */
export function mimeProblem(source: Buffer): string | null {
  const ct = topContentType(source);
  if (ct === undefined || !/^\s*multipart\//i.test(ct)) return null;
  const boundary = /boundary\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(ct);
  const value = boundary?.[1] ?? boundary?.[2];
  if (value === undefined || value === '') return 'multipart-without-boundary';
  if (!source.includes(`--${value}`, 0, 'latin1')) return 'boundary-not-found';
  return null;
}

function rawTextOf(source: Buffer): string {
  // Only the start is shown: a huge broken message must not be decoded whole.
  const text = source.subarray(0, MAX_RAW_TEXT * 2).toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  return (end < 0 ? '' : text.slice(end).trim()).slice(0, MAX_RAW_TEXT);
}

/** The body shown for a message whose structure could not be read: the marker, then its raw text. */
export function malformedBody(source: Buffer): string {
  return `${MALFORMED_MARKER}\n\n${rawTextOf(source)}`;
}


/** One stored message to parse: its vault id, its source and the date to fall back on. */
export interface ParseItem {
  readonly id: number;
  readonly date: number;
  readonly raw: Uint8Array;
}

/** The completion of a message whose source cannot be read at all (or made the worker fail). */
export function unreadableCompletion(item: ParseItem, mimeError: string): ParsedCompletion {
  const source = Buffer.from(item.raw.buffer, item.raw.byteOffset, item.raw.byteLength);
  return {
    id: item.id,
    bodyText: malformedBody(source),
    bodyHtml: null,
    remoteContentBlocked: false,
    mimeError,
    cc: [],
    hasAttachments: false,
    headerBlock: null,
    inReplyTo: null,
    referencesIds: [],
    dispositionNotificationTo: null,
    returnPath: null,
    readReceiptAsked: false,
    attachments: [],
    receipt: null,
    xdm: null,
  };
}

