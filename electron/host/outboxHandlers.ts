import { ServiceError } from '../../shared/api/index.js';
import type { OutboxSession } from './outboxSession.js';
import type { Handlers } from './router.js';
import type { VaultSession } from './vaultSession.js';

type OutboxHandlers = Pick<Handlers, 'outbox.list' | 'outbox.retryNow' | 'outbox.cancel'>;

/** « Envois en attente » and sending: only with an open session (the jobs live in the vault). */
export function createOutboxHandlers(options: { outbox: OutboxSession; vault: VaultSession }): OutboxHandlers {
  const { outbox } = options;
  const running = () => {
    const current = outbox.current();
    if (!current || !options.vault.current()) throw new ServiceError('LOCKED', 'outbox while locked');
    return current;
  };
  return {
    'outbox.list': async () => {
      running();
      return outbox.view();
    },
    'outbox.retryNow': async ({ id }) => {
      await running().retryNow(id);
      return {};
    },
    'outbox.cancel': async ({ id }) => ({ cancelled: await running().cancel(id) }),
  };
}
