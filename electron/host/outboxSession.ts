import type { OutboxView } from '../../shared/api/index.js';
import { createMailMdnKind } from '../outbox/kinds/mailMdn.js';
import { createMailSendKind, mailSendJob } from '../outbox/kinds/mailSend.js';
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
  send(draft: { to: readonly string[]; cc?: readonly string[]; subject: string; text: string }): Promise<number | null>;
  cardChanged(present: boolean): void;
}

export function createOutboxSession(options: {
  mail: MailConfig | undefined;
  /** The mailbox (`accountFromConfig`); absent when none is configured. */
  account: MailAccountSettings | undefined;
  mode: 'normal' | 'demo';
  log: Logger;
  isCardPresent: () => boolean;
  onChange: (summary: { active: number; connectivity: 'online' | 'offline' | 'unknown' }) => void;
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
      const kinds = account
        ? [createMailSendKind({ accounts: [account], log, mss, ...settle }), createMailMdnKind({ accounts: [account], log, ...settle })]
        : [];
      outbox = createOutbox({ vault, kinds, log, isCardPresent: options.isCardPresent });
      off = outbox.on((event) => {
        if (event.type === 'status') lastStatus = event.status;
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
      const jobs = [...waiting, ...finished];
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
      const [id] = await outbox.enqueue([mailSendJob({ account: account.address, ...draft })]);
      return id ?? null;
    },
    cardChanged(present) {
      outbox?.cardChanged(present);
    },
  };
}
