import type { OutboxView } from '../../shared/api/index.js';
import { createMailFlagsKind, MAIL_FLAGS, mailFlagsJob, type MailFlagsKindOptions, type MailFlagsPayload } from '../outbox/kinds/mailFlags.js';
import { createMailMdnKind, mailMdnJob, type MdnRequest } from '../outbox/kinds/mailMdn.js';
import { createMailSendKind, mailSendJob, type DraftAttachment, type MailSendPayload } from '../outbox/kinds/mailSend.js';
import type { XdmHeaders } from '../mail/smtp/outgoingMail.js';
import { createOutbox, type Outbox } from '../outbox/outbox.js';
import type { OutboxStatus } from '../outbox/types.js';
import type { MailAccountSettings } from '../mail/smtp/settings.js';
import type { Logger } from '../policy/logger.js';
import type { Vault } from '../vault/client.js';
import { ACTIVE_STATES } from '../vault/repo/outboxJobs.js';
import type { MailConfig } from './config.js';

/**
 * The outbox follows the vault: started once the vault is open (it replays what waited,
 * checking the server before any resend), stopped before the vault locks (jobs in flight end
 * first). While locked, queued work stays in the closed vault.
 */
export interface OutboxSession {
  start(vault: Vault): Promise<void>;
  stop(): Promise<void>;
  current(): Outbox | undefined;
  view(): Promise<OutboxView>;
  send(draft: OutgoingDraft): Promise<number | null>;
  /** A read receipt (MDN) to send; the same original and mailbox twice is one job. */
  sendMdn(request: Omit<MdnRequest, 'account'>): Promise<number | null>;
  /** A flag change made while the mailbox was unreachable: replayed on the server later. */
  queueFlag(change: Omit<MailFlagsPayload, 'account'>): Promise<number | null>;
  cardChanged(present: boolean): void;
}

/** A message as the compose window sends it, resolved by the mail handlers. */
export interface OutgoingDraft {
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly attachments?: readonly DraftAttachment[];
  readonly readReceipt?: boolean;
  /** The stored parent: In-Reply-To / References, and its row (flagged `\Answered` once sent). */
  readonly replyTo?: { readonly messageId: string; readonly references: readonly string[]; readonly rowId: number };
  readonly patientId?: number;
  /** An IHE_XDM.ZIP built for `patientId` (its MSSanté headers set by the send kind). */
  readonly xdm?: { readonly zip: Buffer; readonly headers: XdmHeaders };
}

/** Kinds that do not show on « Envois en attente » (bookkeeping, not messages). */
const HIDDEN_KINDS = new Set([MAIL_FLAGS]);

export function createOutboxSession(options: {
  mail: MailConfig | undefined;
  /** The mailbox (`accountFromConfig`); absent when none is configured. */
  account: MailAccountSettings | undefined;
  mode: 'normal' | 'demo';
  log: Logger;
  isCardPresent: () => boolean;
  onChange: (summary: { active: number; connectivity: 'online' | 'offline' | 'unknown' }) => void;
  /** IMAP side of queued flag changes (the mail session). */
  imapFlags?: MailFlagsKindOptions;
  /** After a message left: e.g. `\Answered` on the message it answers. */
  onSent?: (payload: MailSendPayload) => Promise<void>;
  /** A job finished: its message row may have moved (Outbox → Sent). */
  onJobDone?: () => void;
}): OutboxSession {
  const { log } = options;
  const { account } = options;
  let outbox: Outbox | undefined;
  let off: (() => void) | undefined;
  let lastStatus: OutboxStatus | undefined;

  const active = (status: OutboxStatus | undefined) => ACTIVE_STATES.reduce((sum, state) => sum + (status?.counts[state] ?? 0), 0);
  const connectivity = (): 'online' | 'offline' | 'unknown' => (outbox && lastStatus ? lastStatus.connectivity : 'unknown');
  const publish = () => options.onChange({ active: active(lastStatus), connectivity: connectivity() });

  return {
    async start(vault) {
      if (outbox) return;
      const settle = options.mail?.settleMs !== undefined ? { settleMs: options.mail.settleMs } : {};
      const mss = { mode: options.mode, productReference: options.mail?.productReference };
      const onSent = options.onSent ? { onSent: options.onSent } : {};
      const kinds = account
        ? [
            createMailSendKind({ accounts: [account], log, mss, ...settle, ...onSent }),
            createMailMdnKind({ accounts: [account], log, ...settle }),
            ...(options.imapFlags ? [createMailFlagsKind(options.imapFlags)] : []),
          ]
        : [];
      outbox = createOutbox({ vault, kinds, log, isCardPresent: options.isCardPresent });
      off = outbox.on((event) => {
        if (event.type === 'status') lastStatus = event.status;
        if (event.type === 'job' && event.state === 'done') options.onJobDone?.();
        publish();
      });
      await outbox.start();
      lastStatus = outbox.status();
      publish();
    },
    async stop() {
      const stopping = outbox;
      outbox = undefined;
      off?.();
      off = undefined;
      if (stopping) await stopping.stop();
      // The count stays what it was: those jobs still wait, in the locked vault.
      options.onChange({ active: active(lastStatus), connectivity: 'unknown' });
    },
    current: () => outbox,
    async view() {
      if (!outbox) return { configured: account !== undefined, connectivity: 'unknown', jobs: [] };
      // Everything still to do (and set aside), then the most recent finished ones, newest first.
      const waiting = await outbox.list({ states: [...ACTIVE_STATES, 'invalid'], limit: 400 });
      const finished = await outbox.list({ states: ['done', 'cancelled'], limit: 20 });
      const jobs = [...waiting, ...finished].filter((j) => !HIDDEN_KINDS.has(j.kind));
      return {
        configured: account !== undefined,
        connectivity: connectivity(),
        jobs: jobs.map((j) => ({
          id: j.id,
          kind: j.kind,
          state: j.state,
          attempts: j.attempts,
          nextAttemptAt: j.nextAttemptAt,
          lastErrorCode: j.lastErrorCode,
          lastErrorMessage: j.lastErrorMessage,
          subject: j.subject,
          to: j.to,
          createdAt: j.createdAt,
          updatedAt: j.updatedAt,
        })),
      };
    },
    async send(draft) {
      if (!outbox) throw new Error('outbox not started');
      if (!account) return null;
      const job = mailSendJob({
        account: account.address,
        to: draft.to,
        ...(draft.cc === undefined ? {} : { cc: draft.cc }),
        subject: draft.subject,
        text: draft.text,
        ...(draft.attachments === undefined || draft.attachments.length === 0 ? {} : { attachments: draft.attachments }),
        ...(draft.readReceipt === true ? { readReceipt: true } : {}),
        ...(draft.replyTo === undefined ? {} : { replyTo: { messageId: draft.replyTo.messageId, references: draft.replyTo.references }, replyToRowId: draft.replyTo.rowId }),
        ...(draft.patientId === undefined ? {} : { patientId: draft.patientId }),
        ...(draft.xdm === undefined ? {} : { xdm: { zip: draft.xdm.zip, headers: draft.xdm.headers } }),
      });
      const [id] = await outbox.enqueue([job]);
      return id ?? null;
    },
    async sendMdn(request) {
      if (!outbox) throw new Error('outbox not started');
      if (!account) return null;
      const [id] = await outbox.enqueue([mailMdnJob({ ...request, account: account.address })]);
      return id ?? null;
    },
    async queueFlag(change) {
      if (!outbox) throw new Error('outbox not started');
      if (!account || !options.imapFlags) return null;
      const [id] = await outbox.enqueue([mailFlagsJob({ ...change, account: account.address })]);
      return id ?? null;
    },
    cardChanged(present) {
      outbox?.cardChanged(present);
    },
  };
}
