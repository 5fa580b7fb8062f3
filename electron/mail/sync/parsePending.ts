import type { ParsedCompletion } from '../../vault/repo/mailParse.js';
import type { ParseItem } from './malformed.js';
import { extractXdm, findXdm } from './extractXdm.js';
import { receiptFacts } from './extractReceipt.js';
import { unreadableCompletion } from './malformed.js';
import { addresses, readSource } from './parseMessage.js';
import { sanitizeMailHtml } from './sanitizeHtml.js';

export type { ParseItem } from './malformed.js';

/** What a parse says besides the completion, for logs only (codes, never content). */
export interface ParseNotes {
  readonly xdmRefused: string | null;
}

const asArray = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : v.split(/\s+/)).filter((s) => s !== '');

/**
 * Parses one stored source into what completes it in the vault (runs in the parse worker).
 * Never throws: an unreadable message comes out with `mimeError` and the marker as its body.
 */
export async function parsePending(item: ParseItem): Promise<{ completion: ParsedCompletion; notes: ParseNotes }> {
  const source = Buffer.from(item.raw.buffer, item.raw.byteOffset, item.raw.byteLength);
  const { parsed, mimeError } = await readSource(source);
  if (parsed === null) return { completion: unreadableCompletion(item, mimeError ?? 'parse'), notes: { xdmRefused: null } };
  const receipts = receiptFacts(parsed, item.date);
  const headers = { cc: addresses(parsed.cc), headerBlock: receipts.headerBlock, inReplyTo: parsed.inReplyTo ?? null, referencesIds: asArray(parsed.references) };
  if (mimeError !== null) {
    return { completion: { ...unreadableCompletion(item, mimeError), ...headers, dispositionNotificationTo: receipts.dispositionNotificationTo, returnPath: receipts.returnPath }, notes: { xdmRefused: null } };
  }
  const html = typeof parsed.html === 'string' && parsed.html !== '' ? sanitizeMailHtml(parsed.html) : null;
  const zip = findXdm(parsed.attachments);
  const xdm = zip === null ? null : await extractXdm(zip);
  return {
    completion: {
      id: item.id,
      bodyText: parsed.text ?? '',
      bodyHtml: html?.html ?? null,
      remoteContentBlocked: (html?.remoteBlocked ?? 0) > 0,
      mimeError: null,
      ...headers,
      // Inline images of a multipart/related body are not what the paperclip announces.
      hasAttachments: parsed.attachments.some((a) => !(a.related === true && a.cid !== undefined)),
      dispositionNotificationTo: receipts.dispositionNotificationTo,
      returnPath: receipts.returnPath,
      readReceiptAsked: receipts.readReceiptAsked,
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename ?? 'piece-jointe',
        mime: a.contentType || 'application/octet-stream',
        contentId: a.cid ?? null,
        data: a.content,
      })),
      receipt: receipts.receipt,
      xdm: xdm?.found ?? null,
    },
    notes: { xdmRefused: xdm?.code ?? null },
  };
}
