import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MailFailure } from '../../mail/smtp/errors.js';
import { newMessageId } from '../../mail/smtp/outgoingMail.js';
import type { MailAccountSettings } from '../../mail/smtp/settings.js';
import { createSentCopyClient, type SentCopyClient } from '../../mail/smtp/sentCopy.js';
import { createSubmissionClient, type SubmissionClient } from '../../mail/smtp/submissionClient.js';
import type { Logger } from '../../policy/logger.js';
import type { JobKind, JobResult, NewJob } from '../types.js';

export const MAIL_SEND = 'mail.send';
export const MAIL_PEER = 'mail';

/** Stored with the job; a shape change must stay readable or the job is set aside (`invalid`). */
export const mailSendPayload = z.object({
  account: z.string().min(3),
  messageId: z.string().regex(/^<[^<>\s]+@[^<>\s]+>$/),
  date: z.number().int(),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  cc: z.array(z.string().min(3)).optional(),
  subject: z.string(),
  text: z.string(),
  messageRowId: z.number().int().optional(),
});
export type MailSendPayload = z.infer<typeof mailSendPayload>;

export interface MailDraft {
  readonly account: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly subject: string;
  readonly text: string;
}

/**
 * The job (and its message row, same transaction) for one message. Message-ID and Date are
 * fixed here, once: every attempt and the Sent copy carry the same ones.
 */
export function mailSendJob(draft: MailDraft, now: number = Date.now()): NewJob {
  const messageId = newMessageId(draft.account, randomUUID());
  const payload: MailSendPayload = { account: draft.account, messageId, date: now, from: draft.account, to: [...draft.to], ...(draft.cc === undefined ? {} : { cc: [...draft.cc] }), subject: draft.subject, text: draft.text };
  return {
    kind: MAIL_SEND,
    key: messageId,
    orderKey: draft.account,
    payload,
    message: { folder: 'Outbox', uid: null, messageId, date: now, from: draft.account, to: [...draft.to, ...(draft.cc ?? [])], subject: draft.subject, bodyText: draft.text },
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
    if (settings === undefined) throw new MailFailure('needs-user', 'account-unknown', 'Ce compte de messagerie n’est plus configuré : vérifiez les réglages.');
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
      const c = forAccount(p.account);
      if (ctx.checkServer) {
        if (await c.sent.hasMessage(p.messageId)) return { outcome: 'done', alreadyOnServer: true, messageFolder: 'Sent' };
        const settled = (ctx.claimedAt ?? 0) + settleMs;
        if (now() < settled) return { outcome: 'recheck', at: Math.min(settled, now() + recheckEveryMs) };
        return { outcome: 'resend' };
      }
      const { messageRowId: _row, account: _account, ...mail } = p;
      const result = await c.submission.send(mail);
      if (!c.settings.serverFilesSentCopy) {
        try {
          await c.sent.append(result.raw);
        } catch (error) {
          // Sent already: never resend for a missing copy.
          options.log.warn('outbox.mail.sent-copy.failed', { id: ctx.id, code: error instanceof MailFailure ? error.code : 'unknown' });
          return { outcome: 'done', messageFolder: 'Sent', note: { code: 'sent-copy-missing', message: 'Envoyé, mais la copie n’a pas pu être rangée dans « Envoyés ».' } };
        }
      }
      if (result.rejected.length > 0) {
        return { outcome: 'done', messageFolder: 'Sent', note: { code: 'smtp:rejected-some', message: `Envoyé, mais ${result.rejected.length} destinataire(s) refusé(s) par le serveur.` } };
      }
      return { outcome: 'done', messageFolder: 'Sent' };
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
