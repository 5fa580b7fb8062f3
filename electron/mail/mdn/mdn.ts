import { createHash } from 'node:crypto';
import { encodeWords } from 'nodemailer/lib/mime-funcs';

/**
 * Message Disposition Notifications (RFC 8098) as STANDARDS.md §3 and the ANS volet
 * "transmission de documents CDA par courriel MSSanté" describe them: a
 * `multipart/report; report-type=disposition-notification` in three parts (human text,
 * `message/disposition-notification`, the original's headers as `text/rfc822-headers`).
 * Pure functions: building, deciding whether to send one, reading one back.
 */

/** What the MDN needs of the message it reports on. */
export interface MdnOriginal {
  readonly messageId: string;
  readonly from: string;
  readonly returnPath?: string | undefined;
  readonly to: readonly string[];
  readonly subject?: string | undefined;
  /** Where the receipt goes (the original's Disposition-Notification-To); default Return-Path, then From. */
  readonly dispositionNotificationTo?: string | undefined;
  /** The original's `Original-Recipient` header (RFC 8098 §3.2.3), e.g. `rfc822;a@b`; default the final recipient. */
  readonly originalRecipient?: string | undefined;
  /** The original's raw header block (mailparser's `headerLines`), for the third part; else rebuilt from the fields above. */
  readonly headers?: string | undefined;
}

export type MdnDisposition = 'processed' | { readonly error: string; readonly label: string };

export interface BuildMdnInput {
  readonly original: MdnOriginal;
  /** `Reporting-UA`: `<host or product>; <product version>`. */
  readonly reportingUa: string;
  /** The mailbox the MDN is issued for (`Final-Recipient: rfc822;…`); also the MDN's From. */
  readonly finalRecipient: string;
  readonly disposition: MdnDisposition;
  /** Fixed once (the outbox job): every attempt builds the same bytes. */
  readonly messageId: string;
  readonly date: number;
}

export interface BuiltMdn {
  readonly raw: Buffer;
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
}

/** The original's header block travels in the report; a hostile one is cut, never copied whole. */
export const MAX_ORIGINAL_HEADERS = 32 * 1024;

const CRLF = '\r\n';
const ADDRESS = /^[^\s<>@,;"]+@[^\s<>@,;"]+$/;
const MESSAGE_ID = /^<[^<>\s]+@[^<>\s]+>$/;

/** No CR/LF/controls in a header-borne value (header injection), one line. */
function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
}

function address(value: string, what: string): string {
  const a = oneLine(value);
  if (!ADDRESS.test(a)) throw new Error(`mdn: ${what} is not a mail address`);
  return a;
}

// eslint-disable-next-line no-control-regex
const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);

/** `code^label` of a failed disposition: `^` separates, so neither may hold one. */
function errorText(d: { error: string; label: string }): string {
  const code = oneLine(d.error).replace(/\^/g, ' ');
  const label = oneLine(d.label).replace(/\^/g, ' ');
  if (code === '') throw new Error('mdn: empty error code');
  return `${code}^${label}`;
}

export function dispositionField(d: MdnDisposition): string {
  const base = 'automatic-action/MDN-sent-automatically; processed';
  return d === 'processed' ? base : `${base}/Error: ${errorText(d)}`;
}

/** Subject per the ANS volet: the original's, prefixed `[KO Intégration système !][code]` on error. */
function mdnSubject(original: MdnOriginal, d: MdnDisposition): string {
  const subject = oneLine(original.subject ?? '');
  const xdm = subject.startsWith('XDM/1.0/DDM+');
  const base = xdm ? subject : `Accusé de traitement : ${subject}`;
  return d === 'processed' ? base : `[KO Intégration système !][${oneLine(d.error).replace(/[[\]]/g, '')}] ${base}`;
}

function headerBlock(original: MdnOriginal): string {
  if (original.headers !== undefined) {
    let block = original.headers.replace(/\r?\n/g, CRLF).replace(/(\r\n)+$/, '');
    if (block.length > MAX_ORIGINAL_HEADERS) block = block.slice(0, block.lastIndexOf(CRLF, MAX_ORIGINAL_HEADERS)).replace(/(\r\n)+$/, '');
    // A line starting a boundary could close our multipart early: such a header is not kept.
    return block
      .split(CRLF)
      .filter((l) => !l.startsWith('--'))
      .join(CRLF);
  }
  const lines = [`Message-ID: ${oneLine(original.messageId)}`, `From: ${oneLine(original.from)}`, `To: ${original.to.map(oneLine).join(', ')}`];
  if (original.subject !== undefined) lines.push(`Subject: ${encodeWords(oneLine(original.subject), 'Q', 52)}`);
  return lines.join(CRLF);
}

function part(contentType: string, body: string, forceBase64 = false): string {
  if (forceBase64) {
    const b64 = (Buffer.from(body, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join(CRLF);
    return `Content-Type: ${contentType}${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${b64}${CRLF}`;
  }
  const encoding = isAscii(body) ? '7bit' : '8bit';
  return `Content-Type: ${contentType}${CRLF}Content-Transfer-Encoding: ${encoding}${CRLF}${CRLF}${body}${CRLF}`;
}

/** The raw MDN. Deterministic for the same input (the boundary comes from the Message-ID). */
export function buildMdn(input: BuildMdnInput): BuiltMdn {
  const { original, disposition } = input;
  if (!MESSAGE_ID.test(input.messageId)) throw new Error('mdn: bad Message-ID');
  const originalId = oneLine(original.messageId);
  if (!MESSAGE_ID.test(originalId)) throw new Error('mdn: the original has no usable Message-ID');
  const from = address(input.finalRecipient, 'final recipient');
  const to = address(original.dispositionNotificationTo ?? original.returnPath ?? original.from, 'receipt address');
  const subject = mdnSubject(original, disposition);
  const boundary = `=_mdn_${createHash('sha256').update(input.messageId).digest('hex').slice(0, 24)}`;

  const human =
    disposition === 'processed'
      ? `Le message ${originalId} adressé à ${from} a été reçu et traité.${CRLF}`
      : `Le message ${originalId} adressé à ${from} n’a pas pu être intégré automatiquement pour la raison suivante : ${oneLine(disposition.label)}${CRLF}Le système a retourné l’erreur ${errorText(disposition)}${CRLF}`;
  const fields = [
    `Reporting-UA: ${oneLine(input.reportingUa)}`,
    `Original-Recipient: ${oneLine(original.originalRecipient ?? `rfc822;${from}`)}`,
    `Final-Recipient: rfc822;${from}`,
    `Original-Message-ID: ${originalId}`,
    `Disposition: ${dispositionField(disposition)}`,
  ].join(CRLF);

  const head = [
    `Date: ${new Date(input.date).toUTCString().replace('GMT', '+0000')}`,
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${encodeWords(subject, 'Q', 52)}`,
    `Message-ID: ${input.messageId}`,
    // RFC 3834: an automatic answer; nobody answers it automatically in turn.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=disposition-notification;${CRLF} boundary="${boundary}"`,
  ].join(CRLF);
  const body = [
    `--${boundary}${CRLF}${part('text/plain; charset=utf-8', human, true)}`,
    `--${boundary}${CRLF}${part('message/disposition-notification', `${fields}${CRLF}`)}`,
    `--${boundary}${CRLF}${part('text/rfc822-headers', `${headerBlock(original)}${CRLF}`)}`,
    `--${boundary}--${CRLF}`,
  ].join('');
  return { raw: Buffer.from(`${head}${CRLF}${CRLF}${body}`, 'utf8'), messageId: input.messageId, from, to, subject };
}

/** The part of mailparser's `ParsedMail` these functions read. */
export interface ParsedLike {
  readonly headers: ReadonlyMap<string, unknown>;
  readonly messageId?: string | undefined;
  readonly attachments?: readonly { readonly contentType: string; readonly content: Buffer }[];
}

/** Addresses of a header as mailparser gives it (AddressObject, list of them, or a string). */
export function headerAddresses(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.split(',').map((s) => /<([^<>]+)>/.exec(s)?.[1] ?? s.trim()).filter((s) => s !== '');
  if (Array.isArray(value)) return value.flatMap(headerAddresses);
  const v = value as { value?: unknown; address?: unknown; group?: unknown };
  if (typeof v.address === 'string' && v.address !== '') return [v.address];
  if (Array.isArray(v.group)) return v.group.flatMap(headerAddresses);
  if (Array.isArray(v.value)) return v.value.flatMap(headerAddresses);
  return [];
}

export type MdnDecision =
  | { readonly send: true; readonly to: string }
  | { readonly send: false; readonly reason: 'not-requested' | 'is-report' | 'several-addresses' | 'return-path-differs'; readonly to?: string };

/**
 * Whether an MDN goes back automatically (RFC 8098 §2.1, STANDARDS.md §3): only when the
 * message asks for one (`Disposition-Notification-To`), never for a report itself (no loops),
 * and, unless the user allowed it in the settings, only when that address is the Return-Path —
 * otherwise the user has to confirm (`return-path-differs`, with the address to show).
 */
export function shouldSendMdn(parsed: ParsedLike, options: { readonly allowOtherThanReturnPath?: boolean } = {}): MdnDecision {
  const asked = headerAddresses(parsed.headers.get('disposition-notification-to'));
  if (asked.length === 0) return { send: false, reason: 'not-requested' };
  const contentType = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const auto = String(parsed.headers.get('auto-submitted') ?? 'no').toLowerCase();
  if (contentType?.value?.toLowerCase() === 'multipart/report' || (auto !== 'no' && auto !== '')) return { send: false, reason: 'is-report' };
  const [to] = asked;
  if (to === undefined || asked.length > 1) return { send: false, reason: 'several-addresses' };
  if (options.allowOtherThanReturnPath === true) return { send: true, to };
  const returnPath = headerAddresses(parsed.headers.get('return-path'));
  if (returnPath.length !== 1 || returnPath[0]?.toLowerCase() !== to.toLowerCase()) return { send: false, reason: 'return-path-differs', to };
  return { send: true, to };
}

/** `MdnOriginal` from a parsed message (mailparser `ParsedMail`, with `headerLines`). */
export function mdnOriginalFrom(parsed: ParsedLike & { readonly headerLines?: readonly { readonly line: string }[]; readonly subject?: string | undefined }): MdnOriginal {
  const messageId = parsed.messageId ?? '';
  const [from = ''] = headerAddresses(parsed.headers.get('from'));
  const [returnPath] = headerAddresses(parsed.headers.get('return-path'));
  const [dnt] = headerAddresses(parsed.headers.get('disposition-notification-to'));
  const originalRecipient = parsed.headers.get('original-recipient');
  return {
    messageId,
    from,
    to: headerAddresses(parsed.headers.get('to')),
    ...(returnPath === undefined ? {} : { returnPath }),
    ...(dnt === undefined ? {} : { dispositionNotificationTo: dnt }),
    ...(parsed.subject === undefined ? {} : { subject: parsed.subject }),
    ...(typeof originalRecipient === 'string' ? { originalRecipient } : {}),
    ...(parsed.headerLines === undefined ? {} : { headers: parsed.headerLines.map((l) => l.line).join(CRLF) }),
  };
}

export interface ParsedMdn {
  /** Ties the receipt to the sent message. */
  readonly originalMessageId: string;
  /** `processed`, `displayed`, `dispatched`, `deleted` (RFC 8098 disposition-type). */
  readonly disposition: string;
  readonly actionMode: 'automatic-action' | 'manual-action' | string;
  readonly sendingMode: string;
  readonly finalRecipient?: string;
  readonly originalRecipient?: string;
  readonly reportingUa?: string;
  /** `processed/Error: code^label` (ANS volet), or a bare RFC 8098 `error` modifier. */
  readonly error?: { readonly code: string; readonly label: string };
}

/** Unfolded `name: value` fields of a message/disposition-notification body. */
function fieldsOf(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    const name = line.slice(0, at).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(at + 1).trim());
  }
  return fields;
}

const stripType = (v: string | undefined) => (v === undefined ? undefined : v.replace(/^\s*rfc822\s*;\s*/i, '').trim());

/**
 * Reads a received MDN: `null` when the message is not one (or its report part is unusable).
 * The caller matches `originalMessageId` against its sent messages; nothing else ties it.
 */
export function parseMdn(parsed: ParsedLike): ParsedMdn | null {
  const report = parsed.attachments?.find((a) => a.contentType.toLowerCase() === 'message/disposition-notification');
  if (report === undefined) return null;
  const fields = fieldsOf(report.content.subarray(0, 64 * 1024).toString('utf8'));
  const originalMessageId = /<[^<>\s]+@[^<>\s]+>/.exec(fields.get('original-message-id') ?? '')?.[0];
  const disposition = fields.get('disposition');
  if (originalMessageId === undefined || disposition === undefined) return null;
  // disposition-mode ";" disposition-type ["/" modifier *("," modifier)]
  const m = /^\s*([^/;\s]+)\s*\/\s*([^;\s]+)\s*;\s*([A-Za-z-]+)\s*(?:\/\s*(.*))?$/.exec(disposition);
  if (m === null) return null;
  const [, actionMode = '', sendingMode = '', type = '', modifier] = m;
  let error: ParsedMdn['error'];
  if (modifier !== undefined) {
    const e = /^error\s*(?::\s*(.*))?$/i.exec(modifier.trim());
    if (e !== null) {
      const detail = e[1] ?? '';
      const at = detail.indexOf('^');
      error = at < 0 ? { code: detail.trim(), label: '' } : { code: detail.slice(0, at).trim(), label: detail.slice(at + 1).trim() };
    }
  }
  const finalRecipient = stripType(fields.get('final-recipient'));
  const originalRecipient = stripType(fields.get('original-recipient'));
  const reportingUa = fields.get('reporting-ua');
  return {
    originalMessageId,
    disposition: type.toLowerCase(),
    actionMode: actionMode.toLowerCase(),
    sendingMode,
    ...(finalRecipient === undefined ? {} : { finalRecipient }),
    ...(originalRecipient === undefined ? {} : { originalRecipient }),
    ...(reportingUa === undefined ? {} : { reportingUa }),
    ...(error === undefined ? {} : { error }),
  };
}
