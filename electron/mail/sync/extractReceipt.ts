import type { ParsedMail } from 'mailparser';
import type { ReceiptFound } from '../../vault/repo/mailParse.js';
import { headerAddresses, MAX_ORIGINAL_HEADERS, parseMdn, shouldSendMdn } from '../mdn/mdn.js';

/**
 * What a parsed message says about read receipts (RFC 8098): whether its sender asks for one,
 * the header lines an MDN will quote, and — when the message is itself an MDN — the receipt it
 * carries for one of our sent messages.
 */
export interface ReceiptFacts {
  readonly headerBlock: string | null;
  readonly dispositionNotificationTo: string | null;
  readonly returnPath: string | null;
  readonly readReceiptAsked: boolean;
  readonly receipt: ReceiptFound | null;
}

/** The original header lines, cut on a line boundary at 32 KiB (what an MDN may quote). */
export function headerBlockOf(parsed: Pick<ParsedMail, 'headerLines'>): string | null {
  const lines = parsed.headerLines.map((l) => l.line);
  if (lines.length === 0) return null;
  let block = '';
  for (const line of lines) {
    const next = block === '' ? line : `${block}\r\n${line}`;
    if (next.length > MAX_ORIGINAL_HEADERS) break;
    block = next;
  }
  return block === '' ? null : block;
}

export function receiptFacts(parsed: ParsedMail, fallbackDate: number): ReceiptFacts {
  const [dnt = null] = headerAddresses(parsed.headers.get('disposition-notification-to'));
  const [returnPath = null] = headerAddresses(parsed.headers.get('return-path'));
  const decision = shouldSendMdn(parsed);
  // Asked: the sender wants one; whether it leaves automatically or after the user's yes is the
  // mail host's choice. Never for a report (no receipt loops) nor when nothing was asked.
  const readReceiptAsked = decision.send || (decision.reason !== 'not-requested' && decision.reason !== 'is-report');
  const mdn = parseMdn(parsed);
  let receipt: ReceiptFound | null = null;
  if (mdn !== null) {
    const [from = ''] = headerAddresses(parsed.headers.get('from'));
    const date = parsed.date?.getTime();
    receipt = {
      originalMessageId: mdn.originalMessageId,
      recipient: (mdn.finalRecipient ?? mdn.originalRecipient ?? from).toLowerCase(),
      disposition: mdn.error === undefined ? mdn.disposition : 'error',
      at: date !== undefined && Number.isFinite(date) ? date : fallbackDate,
    };
  }
  return { headerBlock: headerBlockOf(parsed), dispositionNotificationTo: dnt, returnPath, readReceiptAsked, receipt };
}
