import { ServiceError } from '../../shared/api/index.js';
import type { Logger } from '../policy/logger.js';
import type { MailSession } from './mailSession.js';
import type { OutboxSession } from './outboxSession.js';
import type { Handlers } from './router.js';
import type { VaultSession } from './vaultSession.js';

type MailHandlers = Pick<
  Handlers,
  | 'mail.status'
  | 'mail.folders'
  | 'mail.list'
  | 'mail.search'
  | 'mail.get'
  | 'mail.setSeen'
  | 'mail.setFlagged'
  | 'mail.attachment'
  | 'mail.remoteContent'
  | 'mail.answerReadReceipt'
  | 'mail.syncNow'
  | 'mail.send'
>;

/** Messagerie: reading the vault's messages, acting on them, writing (through the outbox). */
export function createMailHandlers(options: { mail: MailSession; outbox: OutboxSession; vault: VaultSession; log: Logger }): MailHandlers {
  const { outbox, mail } = options;
  const notYet = async (): Promise<never> => {
    throw new ServiceError('UNAVAILABLE', 'not wired yet');
  };
  return {
    'mail.status': async () => mail.status(),
    'mail.folders': notYet,
    'mail.list': notYet,
    'mail.search': notYet,
    'mail.get': notYet,
    'mail.setSeen': notYet,
    'mail.setFlagged': notYet,
    'mail.attachment': notYet,
    'mail.remoteContent': notYet,
    'mail.answerReadReceipt': notYet,
    'mail.syncNow': async () => {
      await mail.syncNow();
      return {};
    },
    'mail.send': async (draft) => {
      const current = outbox.current();
      if (!current || !options.vault.current()) throw new ServiceError('LOCKED', 'outbox while locked');
      const view = await outbox.view();
      // Nothing can leave without a mailbox: say so, and let the screen keep the draft.
      if (!view.configured) throw new ServiceError('UNAVAILABLE', 'no MSSanté mailbox configured');
      const { to, cc, subject, text } = draft;
      return { jobId: await outbox.send({ to, subject, text, ...(cc ? { cc } : {}) }) };
    },
  };
}
