import MailComposer from 'nodemailer/lib/mail-composer';
import { MailFailure } from './errors.js';

/** A file sent with a message; the bytes are in memory by the time the message is composed. */
export interface OutgoingAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/**
 * MSSanté headers of a message carrying an IHE_XDM.ZIP (ECO.2.4.1/2.4.2), as `buildXdm`
 * returns them. Absent when no CDA travels: then neither header is written.
 */
export interface XdmHeaders {
  readonly 'X-MSS-CODECDA': string;
  readonly 'X-MSS-INS': 'O' | 'N';
}

/**
 * One outgoing message, as the outbox stores it. `messageId` and `date` are fixed when the
 * message is queued: every attempt, and the Sent copy, carry the same bytes and the same
 * Message-ID, which is what the exactly-once check searches.
 */
export interface OutgoingMail {
  readonly messageId: string;
  readonly date: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[] | undefined;
  readonly subject: string;
  readonly text: string;
  /** With `text`, a multipart/alternative body. */
  readonly html?: string | undefined;
  /** Replying: the parent's Message-ID, and the thread's References (parent last). */
  readonly inReplyTo?: string | undefined;
  readonly references?: readonly string[] | undefined;
  /** Attached files (named `files`, not `attachments`: a stored payload's `attachments` hold base64 or vault ids). */
  readonly files?: readonly OutgoingAttachment[] | undefined;
  /** `X-MSS-NIL` (ECO.2.4.3): the product reference, on every message (see `mssNil`). */
  readonly mssNil?: string | undefined;
  readonly xdmHeaders?: XdmHeaders | undefined;
  /** Read receipt asked: `Disposition-Notification-To` (RFC 8098), normally the sender. */
  readonly dispositionNotificationTo?: string | undefined;
  /** Bytes already built (an MDN, `buildMdn`): submitted as they are; the fields above only give the envelope. */
  readonly prebuilt?: Buffer | undefined;
}

const CODECDA = /^[A-Za-z0-9._-]{1,64}(,[A-Za-z0-9._-]{1,64})*$/;
/** Product references are short printable ASCII strings (no CR/LF: header injection). */
const NIL = /^[\x21-\x7e][\x20-\x7e]{0,126}$/;

/**
 * The `X-MSS-NIL` value for the current mode. In normal mode it is a required setting: without
 * it nothing leaves (the job waits for the user, `needs-user`), never a message without it. In
 * demo and tests a visible placeholder stands in.
 */
export function mssNil(settings: { readonly mode: 'normal' | 'demo'; readonly productReference?: string | undefined }): string {
  const value = settings.productReference?.trim();
  if (value !== undefined && value !== '') {
    if (!NIL.test(value)) throw new MailFailure('needs-user', 'mss-nil-invalid', 'La référence produit MSSanté (X-MSS-NIL) des réglages est mal formée : corrigez-la.');
    return value;
  }
  if (settings.mode === 'demo') return 'CADUCEE-DEMO';
  throw new MailFailure('needs-user', 'mss-nil-missing', 'La référence produit MSSanté (X-MSS-NIL) manque dans les réglages : aucun message ne peut partir sans elle.');
}

function headersOf(mail: OutgoingMail): Record<string, string> {
  const headers: Record<string, string> = {};
  if (mail.mssNil !== undefined) {
    if (!NIL.test(mail.mssNil)) throw new MailFailure('permanent', 'mss-nil-invalid', 'Référence produit MSSanté mal formée.');
    headers['X-MSS-NIL'] = mail.mssNil;
  }
  if (mail.xdmHeaders !== undefined) {
    const { 'X-MSS-CODECDA': codes, 'X-MSS-INS': ins } = mail.xdmHeaders;
    if (!CODECDA.test(codes) || (ins !== 'O' && ins !== 'N')) throw new MailFailure('permanent', 'mss-xdm-headers', 'En-têtes MSSanté du document mal formés.');
    // ECO.2.4.1/2: only with a CDA, i.e. with the IHE_XDM.ZIP itself.
    if (!(mail.files ?? []).some((a) => a.filename.toUpperCase() === 'IHE_XDM.ZIP')) throw new MailFailure('permanent', 'mss-xdm-missing', 'Les en-têtes du document sont présents sans l’archive IHE_XDM.ZIP.');
    headers['X-MSS-CODECDA'] = codes;
    headers['X-MSS-INS'] = ins;
  }
  if (mail.dispositionNotificationTo !== undefined) headers['Disposition-Notification-To'] = mail.dispositionNotificationTo;
  return headers;
}

/** Builds the RFC 5322 bytes once; the same buffer is submitted and, if needed, appended. */
export async function composeRaw(mail: OutgoingMail): Promise<Buffer> {
  if (mail.prebuilt !== undefined) return mail.prebuilt;
  const composer = new MailComposer({
    messageId: mail.messageId,
    date: new Date(mail.date),
    from: mail.from,
    to: [...mail.to],
    ...(mail.cc === undefined ? {} : { cc: [...mail.cc] }),
    subject: mail.subject,
    text: mail.text,
    ...(mail.html === undefined ? {} : { html: mail.html }),
    ...(mail.inReplyTo === undefined ? {} : { inReplyTo: mail.inReplyTo }),
    ...(mail.references === undefined || mail.references.length === 0 ? {} : { references: [...mail.references] }),
    headers: headersOf(mail),
    ...(mail.files === undefined || mail.files.length === 0
      ? {}
      : { attachments: mail.files.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content, contentDisposition: 'attachment' as const })) }),
    // Deterministic boundaries are not needed: the bytes are built once per attempt from the
    // same fields, and the check looks at the Message-ID only.
  });
  return composer.compile().build();
}

/** `<random@domain-of-sender>`: unique, and tied to the sender's domain (RFC 5322 §3.6.4). */
export function newMessageId(from: string, random: string): string {
  const domain = from.split('@')[1] ?? 'caducee.invalid';
  return `<${random}@${domain}>`;
}
