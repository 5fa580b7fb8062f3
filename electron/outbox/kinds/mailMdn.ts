import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { buildMdn, MAX_ORIGINAL_HEADERS, type MdnDisposition, type MdnOriginal } from '../../mail/mdn/mdn.js';
import { MailFailure } from '../../mail/smtp/errors.js';
import { newMessageId } from '../../mail/smtp/outgoingMail.js';
import { createSentCopyClient, type SentCopyClient } from '../../mail/smtp/sentCopy.js';
import type { MailAccountSettings } from '../../mail/smtp/settings.js';
import { createSubmissionClient, type SubmissionClient } from '../../mail/smtp/submissionClient.js';
import type { Logger } from '../../policy/logger.js';
import type { JobKind, JobResult, NewJob } from '../types.js';
import { MAIL_PEER } from './mailSend.js';

export const MAIL_MDN = 'mail.mdn';

const MESSAGE_ID = /^<[^<>\s]+@[^<>\s]+>$/;

/** Stored with the job. The MDN is rebuilt from it on each attempt: same bytes, same Message-ID. */
export const mailMdnPayload = z.object({
  account: z.string().min(3),
  /** The MDN's own Message-ID (the exactly-once check searches Sent for it). */
  messageId: z.string().regex(MESSAGE_ID),
  date: z.number().int(),
  finalRecipient: z.string().min(3),
  reportingUa: z.string().min(1).max(200),
  original: z.object({
    messageId: z.string().regex(MESSAGE_ID),
    from: z.string(),
    returnPath: z.string().optional(),
    to: z.array(z.string()).max(500),
    subject: z.string().max(2000).optional(),
    dispositionNotificationTo: z.string().min(3).optional(),
    originalRecipient: z.string().max(500).optional(),
    headers: z.string().max(MAX_ORIGINAL_HEADERS * 2).optional(),
  }),
  disposition: z.union([z.literal('processed'), z.object({ error: z.string().min(1).max(100), label: z.string().max(500) })]),
});
export type MailMdnPayload = z.infer<typeof mailMdnPayload>;

export interface MdnRequest {
  /** The mailbox that received the original (the MDN's From and Final-Recipient). */
  readonly account: string;
  readonly original: MdnOriginal;
  readonly disposition: MdnDisposition;
  readonly reportingUa: string;
}

/** Idempotency key: one MDN per original message and recipient mailbox, ever. */
export function mdnKey(originalMessageId: string, finalRecipient: string): string {
  return `${originalMessageId} ${finalRecipient.toLowerCase()}`;
}

/**
 * The job sending one MDN. Decide first with `shouldSendMdn` (mail/mdn): this only queues.
 * A second call for the same original and mailbox is a no-op in the outbox (same key).
 */
export function mailMdnJob(request: MdnRequest, now: number = Date.now()): NewJob {
  const messageId = newMessageId(request.account, randomUUID());
  const o = request.original;
  const headers = o.headers === undefined ? undefined : o.headers.slice(0, MAX_ORIGINAL_HEADERS * 2);
  const payload: MailMdnPayload = mailMdnPayload.parse({
    account: request.account,
    messageId,
    date: now,
    finalRecipient: request.account,
    reportingUa: request.reportingUa,
    original: {
      messageId: o.messageId,
      from: o.from,
      to: [...o.to].slice(0, 500),
      ...(o.returnPath === undefined ? {} : { returnPath: o.returnPath }),
      ...(o.subject === undefined ? {} : { subject: o.subject.slice(0, 2000) }),
      ...(o.dispositionNotificationTo === undefined ? {} : { dispositionNotificationTo: o.dispositionNotificationTo }),
      ...(o.originalRecipient === undefined ? {} : { originalRecipient: o.originalRecipient.slice(0, 500) }),
      ...(headers === undefined ? {} : { headers }),
    },
    disposition: request.disposition,
  });
  // Built once here so that a payload that cannot make an MDN is refused before it is queued.
  buildMdn(payload);
  return { kind: MAIL_MDN, key: mdnKey(o.messageId, request.account), orderKey: request.account, payload };
}

export interface MailMdnKindOptions {
  readonly accounts: readonly MailAccountSettings[];
  readonly log: Logger;
  readonly settleMs?: number;
  readonly recheckEveryMs?: number;
  readonly now?: () => number;
}

/**
 * `mail.mdn`: submits an MDN, with the same exactly-once rule as `mail.send` (after a crash,
 * its Message-ID is searched in Sent before any resend).
 */
export function createMailMdnKind(options: MailMdnKindOptions): JobKind<MailMdnPayload> {
  const now = options.now ?? Date.now;
  const settleMs = options.settleMs ?? 30_000;
  const recheckEveryMs = options.recheckEveryMs ?? 1_000;
  const clients = new Map<string, { settings: MailAccountSettings; submission: SubmissionClient; sent: SentCopyClient }>();

  const forAccount = (address: string) => {
    const existing = clients.get(address);
    if (existing !== undefined) return existing;
    const settings = options.accounts.find((a) => a.address === address);
    if (settings === undefined) throw new MailFailure('needs-user', 'account-unknown', 'Ce compte de messagerie n’est plus configuré : vérifiez les réglages.');
    const created = { settings, submission: createSubmissionClient({ ...settings, maxConnections: 1 }, options.log), sent: createSentCopyClient(settings, options.log) };
    clients.set(address, created);
    return created;
  };

  return {
    kind: MAIL_MDN,
    schema: mailMdnPayload,
    peer: MAIL_PEER,
    ordered: false,
    needsCard: false,
    concurrency: 2,
    async run(p, ctx): Promise<JobResult> {
      const c = forAccount(p.account);
      if (ctx.checkServer) {
        if (await c.sent.hasMessage(p.messageId)) return { outcome: 'done', alreadyOnServer: true };
        const settled = (ctx.claimedAt ?? 0) + settleMs;
        if (now() < settled) return { outcome: 'recheck', at: Math.min(settled, now() + recheckEveryMs) };
        return { outcome: 'resend' };
      }
      let built;
      try {
        built = buildMdn(p);
      } catch {
        throw new MailFailure('permanent', 'mdn-invalid', 'L’accusé de lecture n’a pas pu être construit.');
      }
      const result = await c.submission.send({ messageId: built.messageId, date: p.date, from: p.account, to: [built.to], subject: built.subject, text: '', prebuilt: built.raw });
      if (!c.settings.serverFilesSentCopy) {
        try {
          await c.sent.append(result.raw);
        } catch (error) {
          options.log.warn('outbox.mail.mdn.sent-copy.failed', { id: ctx.id, code: error instanceof MailFailure ? error.code : 'unknown' });
          return { outcome: 'done', note: { code: 'sent-copy-missing', message: 'Accusé envoyé, mais sa copie n’a pas pu être rangée dans « Envoyés ».' } };
        }
      }
      return { outcome: 'done' };
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
}
