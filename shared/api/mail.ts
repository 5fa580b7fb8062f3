import { z } from 'zod';

/**
 * Messagerie MSSanté: reading what the IMAP sync stored in the vault, acting on it, writing.
 * Every list is a page; bodies travel one message at a time. Messages to the user come from
 * main in French (`message` fields).
 */
const id = z.number().int().positive();
const count = z.number().int().nonnegative();
const address = z.string().trim().toLowerCase().email().max(320);
const folderPath = z.string().min(1).max(1000);

export const mailConnectivitySchema = z.enum(['online', 'offline', 'unknown']);

export const mailFolderSchema = z
  .object({
    path: folderPath,
    name: z.string().max(300),
    /** `\Inbox`, `\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive` or null. */
    specialUse: z.string().max(40).nullable(),
    total: count,
    unread: count,
  })
  .strict();
export type MailFolderView = z.infer<typeof mailFolderSchema>;

export const mailSummarySchema = z
  .object({
    id,
    folder: folderPath,
    date: z.number(),
    from: z.string().max(1000),
    to: z.array(z.string().max(1000)).max(500),
    subject: z.string().max(2000),
    snippet: z.string().max(400),
    seen: z.boolean(),
    flagged: z.boolean(),
    answered: z.boolean(),
    hasAttachments: z.boolean(),
    patientId: id.nullable(),
    /** asked: the sender asks this professional for a read receipt, not answered yet; read: a receipt came back for this (sent) message. */
    receipt: z.enum(['none', 'asked', 'read']),
  })
  .strict();
export type MailSummaryView = z.infer<typeof mailSummarySchema>;

export const mailAttachmentSchema = z
  .object({ id, filename: z.string().max(300), mime: z.string().max(200), size: count })
  .strict();
export type MailAttachmentView = z.infer<typeof mailAttachmentSchema>;

/** A read receipt (MDN, RFC 8098) that came back for a message this professional sent. */
export const mailReceiptSchema = z
  .object({
    recipient: z.string().max(320),
    /** `displayed`, `processed`, `deleted`, … or `error`. */
    disposition: z.string().max(60),
    at: z.number(),
  })
  .strict();

/** An IHE_XDM.ZIP that came with the message, and what the patient matcher made of it. */
export const mailXdmSchema = z
  .object({
    documents: z.array(z.object({ title: z.string().max(500), typeCode: z.string().max(64).nullable() }).strict()).max(50),
    /** linked: exact match, attached; to-review: candidates, never attached on a guess; unknown-patient; invalid: refused archive. */
    match: z.enum(['linked', 'to-review', 'unknown-patient', 'invalid']),
    message: z.string().max(500).nullable(),
  })
  .strict();

export const mailMessageSchema = mailSummarySchema
  .extend({
    cc: z.array(z.string().max(1000)).max(500),
    messageId: z.string().max(1000).nullable(),
    bodyText: z.string().max(5_000_000),
    /** Sanitised (DOMPurify); remote content replaced by `data-blocked-src`. */
    bodyHtml: z.string().max(10_000_000).nullable(),
    remoteContentBlocked: z.boolean(),
    /** French marker when the MIME structure could not be read (the raw text is shown). */
    mimeError: z.string().max(500).nullable(),
    attachments: z.array(mailAttachmentSchema).max(200),
    /** none: not asked; asked: the sender asks for one (the user chooses); sent / declined. */
    readReceipt: z.enum(['none', 'asked', 'sent', 'declined']),
    /** Receipts received for this (sent) message. */
    receipts: z.array(mailReceiptSchema).max(500),
    xdm: mailXdmSchema.nullable(),
  })
  .strict();
export type MailMessageView = z.infer<typeof mailMessageSchema>;

export const mailStatusSchema = z
  .object({
    /** False when no MSSanté mailbox is configured on this workstation. */
    configured: z.boolean(),
    auth: z.enum(['password', 'psc', 'certificate']).nullable(),
    connectivity: mailConnectivitySchema,
    /** The mailbox authenticates with Pro Santé Connect and no valid session exists. */
    needsPscSignIn: z.boolean(),
    syncing: z.object({ folder: folderPath, done: count, total: count }).strict().nullable(),
    lastSyncAt: z.number().nullable(),
    /** French, for the banner; null when all is well. */
    message: z.string().max(500).nullable(),
  })
  .strict();
export type MailStatusView = z.infer<typeof mailStatusSchema>;

/** Inline attachment bytes one message may carry through the bridge (decoded). */
export const MAX_COMPOSE_ATTACHMENT_BYTES = 8 * 1024 * 1024;

export const composeAttachmentSchema = z
  .object({
    filename: z.string().min(1).max(255),
    contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/).max(200),
    dataBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).max(Math.ceil((MAX_COMPOSE_ATTACHMENT_BYTES * 4) / 3) + 4),
  })
  .strict();

export const mailSendInputSchema = z
  .object({
    to: z.array(address).min(1).max(50),
    cc: z.array(address).max(50).optional(),
    subject: z.string().max(998),
    text: z.string().max(1_000_000),
    attachments: z.array(composeAttachmentSchema).max(20).optional(),
    /** Disposition-Notification-To: the sender. */
    readReceipt: z.boolean().optional(),
    /** Link to a patient of the registry. */
    patientId: id.optional(),
    /** With patientId: the PDF attachments travel as documents of an IHE_XDM.ZIP for that patient. */
    xdm: z.boolean().optional(),
    /** Replying to a stored message (In-Reply-To / References). */
    replyToId: id.optional(),
  })
  .strict();
export type MailSendInput = z.infer<typeof mailSendInputSchema>;

export const mailMethods = {
  'mail.status': { input: z.object({}).strict(), output: mailStatusSchema },
  'mail.folders': { input: z.object({}).strict(), output: z.object({ folders: z.array(mailFolderSchema).max(1000) }).strict() },
  /** A window of a folder, newest first (the virtualized list asks for what it shows). */
  'mail.list': {
    input: z.object({ folder: folderPath, offset: count.max(10_000_000), limit: z.number().int().min(1).max(500) }).strict(),
    output: z.object({ total: count, items: z.array(mailSummarySchema).max(500) }).strict(),
  },
  /** Full-text search over every folder (the vault's FTS), newest first. */
  'mail.search': {
    input: z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(200) }).strict(),
    output: z.object({ items: z.array(mailSummarySchema).max(200) }).strict(),
  },
  'mail.get': { input: z.object({ id }).strict(), output: mailMessageSchema },
  'mail.setSeen': { input: z.object({ id, seen: z.boolean() }).strict(), output: z.object({}).strict() },
  'mail.setFlagged': { input: z.object({ id, flagged: z.boolean() }).strict(), output: z.object({}).strict() },
  /** One attachment's bytes (preview, save). */
  'mail.attachment': {
    input: z.object({ id }).strict(),
    output: z.object({ filename: z.string().max(300), mime: z.string().max(200), dataBase64: z.string().max(60_000_000) }).strict(),
  },
  /**
   * The user chose "show" on blocked remote content: main fetches the images (HTTPS, bounded)
   * and returns the body with them inlined; the renderer's CSP stays closed to the network.
   */
  'mail.remoteContent': { input: z.object({ id }).strict(), output: z.object({ bodyHtml: z.string().max(30_000_000) }).strict() },
  /** The sender asked for a read receipt: send it (outbox job) or decline, once. */
  'mail.answerReadReceipt': { input: z.object({ id, send: z.boolean() }).strict(), output: z.object({}).strict() },
  'mail.syncNow': { input: z.object({}).strict(), output: z.object({}).strict() },
  /** Queues a message: it leaves now, or as soon as the server can be reached. */
  'mail.send': { input: mailSendInputSchema, output: z.object({ jobId: z.number().int().nonnegative().nullable() }).strict() },
} as const;

/** Pushed when stored messages changed (sync, flags, receipts): the screen re-reads. */
export const mailChangedSchema = z.object({ folders: z.array(folderPath).max(1000) }).strict();
