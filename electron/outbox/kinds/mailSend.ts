import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MailFailure } from '../../mail/smtp/errors.js';
import { mssNil, newMessageId, type OutgoingAttachment, type OutgoingMail, type XdmHeaders } from '../../mail/smtp/outgoingMail.js';
import type { MailAccountSettings } from '../../mail/smtp/settings.js';
import { createSentCopyClient, type SentCopyClient } from '../../mail/smtp/sentCopy.js';
import { createSubmissionClient, type SubmissionClient } from '../../mail/smtp/submissionClient.js';
import type { Logger } from '../../policy/logger.js';
import type { JobContext, JobKind, JobResult, NewJob } from '../types.js';

export const MAIL_SEND = 'mail.send';
export const MAIL_PEER = 'mail';

/** Inline attachment bytes (decoded) one payload may carry; bigger files are referenced by vault id. */
export const MAX_INLINE_ATTACHMENT_BYTES = 8 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MESSAGE_ID = /^<[^<>\s]+@[^<>\s]+>$/;
const decodedLength = (b64: string) => Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);

const attachmentPayload = z
  .object({
    filename: z.string().min(1).max(255),
    contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/),
    /** The bytes, base64 (small files). */
    data: z.string().regex(BASE64).optional(),
    /** Or a file already in the vault, read when the message is composed. */
    vaultAttachmentId: z.number().int().positive().optional(),
  })
  .refine((a) => (a.data === undefined) !== (a.vaultAttachmentId === undefined), { message: 'data or vaultAttachmentId' });
export type MailAttachmentPayload = z.infer<typeof attachmentPayload>;

/**
 * Stored with the job; a shape change must stay readable or the job is set aside (`invalid`).
 * Every field added after the first release is optional: payloads queued before still parse.
 */
export const mailSendPayload = z.object({
  account: z.string().min(3),
  messageId: z.string().regex(MESSAGE_ID),
  date: z.number().int(),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  cc: z.array(z.string().min(3)).optional(),
  subject: z.string(),
  text: z.string(),
  messageRowId: z.number().int().optional(),
  html: z.string().optional(),
  inReplyTo: z.string().regex(MESSAGE_ID).optional(),
  references: z.array(z.string().regex(MESSAGE_ID)).max(100).optional(),
  attachments: z
    .array(attachmentPayload)
    .max(50)
    .refine((list) => list.reduce((n, a) => n + (a.data === undefined ? 0 : decodedLength(a.data)), 0) <= MAX_INLINE_ATTACHMENT_BYTES, { message: 'inline attachments too large' })
    .optional(),
  /** `X-MSS-CODECDA` / `X-MSS-INS` of the attached IHE_XDM.ZIP (`buildXdm(...).headers`). */
  xdmHeaders: z.object({ 'X-MSS-CODECDA': z.string().regex(/^[A-Za-z0-9._-]{1,64}(,[A-Za-z0-9._-]{1,64})*$/), 'X-MSS-INS': z.enum(['O', 'N']) }).optional(),
  /** Read receipt asked: `Disposition-Notification-To: <from>`. */
  readReceipt: z.boolean().optional(),
  /** The vault row of the message answered: flagged `\Answered` once this one is sent. */
  replyToRowId: z.number().int().positive().optional(),
});
export type MailSendPayload = z.infer<typeof mailSendPayload>;

/** A file of a draft: bytes (kept inline, bounded) or a vault attachment. */
export type DraftAttachment =
  | { readonly filename: string; readonly contentType: string; readonly content: Buffer }
  | { readonly filename: string; readonly contentType: string; readonly vaultAttachmentId: number };

export interface MailDraft {
  readonly account: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** Replying: the parent's Message-ID and its References (the parent is appended). */
  readonly replyTo?: { readonly messageId: string; readonly references?: readonly string[] };
  readonly attachments?: readonly DraftAttachment[];
  /**
   * An IHE_XDM.ZIP for a patient-linked document (`buildXdm`): attached as `IHE_XDM.ZIP`, its
   * MSSanté headers set, the PDF copy (if given) beside it.
   */
  readonly xdm?: { readonly zip: Buffer; readonly headers: XdmHeaders; readonly pdf?: { readonly filename: string; readonly content: Buffer } };
  readonly readReceipt?: boolean;
  /** The vault row of the message answered (`\Answered` after sending). */
  readonly replyToRowId?: number;
  /** The registry patient this message is about: stored on its row. */
  readonly patientId?: number;
}

function attachmentPayloads(draft: MailDraft): MailAttachmentPayload[] {
  const files: DraftAttachment[] = [];
  if (draft.xdm !== undefined) {
    files.push({ filename: 'IHE_XDM.ZIP', contentType: 'application/zip', content: draft.xdm.zip });
    if (draft.xdm.pdf !== undefined) files.push({ filename: draft.xdm.pdf.filename, contentType: 'application/pdf', content: draft.xdm.pdf.content });
  }
  files.push(...(draft.attachments ?? []));
  return files.map((f) => ('content' in f ? { filename: f.filename, contentType: f.contentType, data: f.content.toString('base64') } : { filename: f.filename, contentType: f.contentType, vaultAttachmentId: f.vaultAttachmentId }));
}

/**
 * The job (and its message row, same transaction) for one message. Message-ID and Date are
 * fixed here, once: every attempt and the Sent copy carry the same ones. Throws (before
 * anything is queued) when the draft cannot make a valid payload, e.g. inline files too big.
 */
export function mailSendJob(draft: MailDraft, now: number = Date.now()): NewJob {
  const messageId = newMessageId(draft.account, randomUUID());
  const attachments = attachmentPayloads(draft);
  const payload: MailSendPayload = mailSendPayload.parse({
    account: draft.account,
    messageId,
    date: now,
    from: draft.account,
    to: [...draft.to],
    ...(draft.cc === undefined ? {} : { cc: [...draft.cc] }),
    subject: draft.subject,
    text: draft.text,
    ...(draft.html === undefined ? {} : { html: draft.html }),
    ...(draft.replyTo === undefined ? {} : { inReplyTo: draft.replyTo.messageId, references: [...(draft.replyTo.references ?? []).filter((r) => r !== draft.replyTo?.messageId), draft.replyTo.messageId].slice(-100) }),
    ...(attachments.length === 0 ? {} : { attachments }),
    ...(draft.xdm === undefined ? {} : { xdmHeaders: { ...draft.xdm.headers } }),
    ...(draft.readReceipt === true ? { readReceipt: true } : {}),
    ...(draft.replyToRowId === undefined ? {} : { replyToRowId: draft.replyToRowId }),
  });
  return {
    kind: MAIL_SEND,
    key: messageId,
    orderKey: draft.account,
    payload,
    message: { folder: 'Outbox', uid: null, messageId, date: now, from: draft.account, to: [...draft.to, ...(draft.cc ?? [])], subject: draft.subject, bodyText: draft.text, ...(draft.patientId === undefined ? {} : { patientId: draft.patientId }) },
  };
}

/** MSSanté product settings: `X-MSS-NIL` (required in normal mode, see `mssNil`). */
export interface MssSettings {
  readonly mode: 'normal' | 'demo';
  readonly productReference?: string | undefined;
}

/** Reads a referenced vault attachment when a message is composed. */
export type ReadVaultAttachment = (id: number) => Promise<Buffer>;

/** The message a payload describes, bytes resolved. Shared with tests and the Sent-copy logic. */
export async function outgoingFromPayload(p: MailSendPayload, extra: { readonly mssNil?: string | undefined; readonly readVaultAttachment?: ReadVaultAttachment | undefined } = {}): Promise<OutgoingMail> {
  const attachments: OutgoingAttachment[] = [];
  for (const a of p.attachments ?? []) {
    let content: Buffer;
    if (a.data !== undefined) content = Buffer.from(a.data, 'base64');
    else {
      if (extra.readVaultAttachment === undefined || a.vaultAttachmentId === undefined) throw new MailFailure('permanent', 'attachment-unavailable', `La pièce jointe « ${a.filename} » n’est plus disponible.`);
      content = await extra.readVaultAttachment(a.vaultAttachmentId).catch(() => {
        throw new MailFailure('permanent', 'attachment-unavailable', `La pièce jointe « ${a.filename} » n’est plus disponible.`);
      });
    }
    attachments.push({ filename: a.filename, contentType: a.contentType, content });
  }
  return {
    messageId: p.messageId,
    date: p.date,
    from: p.from,
    to: p.to,
    cc: p.cc,
    subject: p.subject,
    text: p.text,
    html: p.html,
    inReplyTo: p.inReplyTo,
    references: p.references,
    files: attachments,
    mssNil: extra.mssNil,
    xdmHeaders: p.xdmHeaders,
    dispositionNotificationTo: p.readReceipt === true ? p.from : undefined,
  };
}

export interface MailSendKindOptions {
  readonly accounts: readonly MailAccountSettings[];
  readonly log: Logger;
  /**
   * How long after an attempt the operator may still be filing its Sent copy (its queue runs
   * after the `250`). Before that, "not found" means "not yet": look again instead of resending.
   */
  readonly settleMs?: number;
  readonly recheckEveryMs?: number;
  readonly now?: () => number;
  /**
   * `X-MSS-NIL` on every message. In normal mode a missing product reference stops sending
   * (`needs-user`, kind paused, clear message). Left out entirely (older callers not wired
   * yet): no header, and a warning in the log.
   */
  readonly mss?: MssSettings;
  readonly readVaultAttachment?: ReadVaultAttachment;
  /** After a message left (or was found on the server): e.g. flag the answered message. Never throws into the job. */
  readonly onSent?: (payload: MailSendPayload) => Promise<void>;
}

interface AccountClients {
  readonly settings: MailAccountSettings;
  readonly submission: SubmissionClient;
  readonly sent: SentCopyClient;
}

export function createMailSendKind(options: MailSendKindOptions): JobKind<MailSendPayload> {
  const now = options.now ?? Date.now;
  const settleMs = options.settleMs ?? 30_000;
  const recheckEveryMs = options.recheckEveryMs ?? 1_000;
  const clients = new Map<string, AccountClients>();
  const maxConnections = Math.max(1, ...options.accounts.map((a) => a.maxConnections ?? 5));

  const forAccount = (address: string): AccountClients => {
    const existing = clients.get(address);
    if (existing !== undefined) return existing;
    const settings = options.accounts.find((a) => a.address === address);
    if (settings === undefined) throw new MailFailure('needs-user', 'account-unknown', 'Ce compte de messagerie n’est plus configuré : vérifiez les réglages.');
    const created = { settings, submission: createSubmissionClient(settings, options.log), sent: createSentCopyClient(settings, options.log) };
    clients.set(address, created);
    return created;
  };

  return {
    kind: MAIL_SEND,
    schema: mailSendPayload,
    peer: MAIL_PEER,
    // SMTP gives no delivery order anyway; the account is the unit of pausing, not of order.
    ordered: false,
    needsCard: false,
    // Ten jobs in flight per pooled connection: the pool always has the next message queued
    // while the vault commits `sending`/`done` (an fsync each, slow while the disk is busy).
    // Measured (bench/outbox.ts): ×4 gives 0.56–0.64 of bare nodemailer, ×10 0.8–1.0. After a
    // crash these are the jobs checked on the server before any resend.
    concurrency: maxConnections * 10,
    async run(p, ctx): Promise<JobResult> {
      const result = await send(p, ctx);
      if (result.outcome === 'done' && options.onSent !== undefined) {
        await options.onSent(p).catch((error: unknown) => options.log.warn('outbox.mail.after-send.failed', { id: ctx.id, error: error instanceof Error ? error.name : 'unknown' }));
      }
      return result;
    },
    async probe() {
      const first = options.accounts[0];
      if (first !== undefined) await forAccount(first.address).submission.verify();
    },
    async close() {
      for (const c of clients.values()) {
        c.submission.close();
        await c.sent.close();
      }
      clients.clear();
    },
  };

  async function send(p: MailSendPayload, ctx: JobContext): Promise<JobResult> {
    const c = forAccount(p.account);
    // The local row waits where the operator files its copy: the sync then merges the two.
    const sentFolder = c.settings.sentFolder ?? 'Sent';
    if (ctx.checkServer) {
      if (await c.sent.hasMessage(p.messageId)) return { outcome: 'done', alreadyOnServer: true, messageFolder: sentFolder };
      const settled = (ctx.claimedAt ?? 0) + settleMs;
      if (now() < settled) return { outcome: 'recheck', at: Math.min(settled, now() + recheckEveryMs) };
      return { outcome: 'resend' };
    }
    let nil: string | undefined;
    if (options.mss !== undefined) nil = mssNil(options.mss);
    else options.log.warn('outbox.mail.mss-nil.unconfigured', { id: ctx.id });
    const mail = await outgoingFromPayload(p, { mssNil: nil, readVaultAttachment: options.readVaultAttachment });
    const result = await c.submission.send(mail);
    if (!c.settings.serverFilesSentCopy) {
      try {
        await c.sent.append(result.raw);
      } catch (error) {
        // Sent already: never resend for a missing copy.
        options.log.warn('outbox.mail.sent-copy.failed', { id: ctx.id, code: error instanceof MailFailure ? error.code : 'unknown' });
        return { outcome: 'done', messageFolder: sentFolder, note: { code: 'sent-copy-missing', message: 'Envoyé, mais la copie n’a pas pu être rangée dans « Envoyés ».' } };
      }
    }
    if (result.rejected.length > 0) {
      return { outcome: 'done', messageFolder: sentFolder, note: { code: 'smtp:rejected-some', message: `Envoyé, mais ${result.rejected.length} destinataire(s) refusé(s) par le serveur.` } };
    }
    return { outcome: 'done', messageFolder: sentFolder };
  }
}
