import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { JobKind, JobResult, NewJob } from '../types.js';

export const MAIL_FLAGS = 'mail.flags';
/** IMAP, not SMTP: a flag change waits for the mailbox, sending does not wait for it. */
export const MAIL_IMAP_PEER = 'mail-imap';

/**
 * A flag change made while the mailbox was unreachable (read, flagged, answered): already
 * applied in the vault, pushed to the server (IMAP STORE) once it answers. Why an outbox job
 * and not a "pending flags" column: the outbox already gives durability across locks and
 * restarts, ordering (several changes to one message replay in order: `ordered`, one order key
 * per message), backoff while offline and a probe; a STORE of the final value is idempotent, so
 * a replay after a crash does no harm.
 */
export const mailFlagsPayload = z.object({
  account: z.string().min(3),
  /** The vault row; checked against folder + UID before the STORE (the row may be gone). */
  messageRowId: z.number().int().positive(),
  folder: z.string().min(1).max(1000),
  uid: z.number().int().positive(),
  flag: z.enum(['\\Seen', '\\Flagged', '\\Answered']),
  on: z.boolean(),
});
export type MailFlagsPayload = z.infer<typeof mailFlagsPayload>;

export function mailFlagsJob(p: MailFlagsPayload): NewJob {
  return { kind: MAIL_FLAGS, key: `${p.folder}:${p.uid}:${p.flag}:${randomUUID()}`, orderKey: `${p.account}:${p.folder}:${p.uid}`, payload: mailFlagsPayload.parse(p) };
}

export interface MailFlagsKindOptions {
  /**
   * Stores the flag on the server and in the vault; resolves `gone` when the message is no
   * longer where it was. Throws a failure the outbox understands (offline, needs-user, …).
   */
  readonly store: (p: MailFlagsPayload) => Promise<'stored' | 'gone'>;
  /** Connect + authenticate (the outbox probes an offline peer with it). */
  readonly probe: () => Promise<void>;
}

export function createMailFlagsKind(options: MailFlagsKindOptions): JobKind<MailFlagsPayload> {
  return {
    kind: MAIL_FLAGS,
    schema: mailFlagsPayload,
    peer: MAIL_IMAP_PEER,
    ordered: true,
    needsCard: false,
    concurrency: 1,
    async run(p): Promise<JobResult> {
      const result = await options.store(p);
      return result === 'gone' ? { outcome: 'done', note: { code: 'message-gone', message: 'Message supprimé entre-temps : rien à mettre à jour.' } } : { outcome: 'done' };
    },
    probe: () => options.probe(),
  };
}
