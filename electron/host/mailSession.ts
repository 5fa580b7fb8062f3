import type { MailStatusView } from '../../shared/api/index.js';
import type { MailAccountSettings } from '../mail/smtp/settings.js';
import type { Logger } from '../policy/logger.js';
import type { Vault } from '../vault/client.js';
import type { EventBus } from './eventBus.js';

/**
 * The IMAP side of the mailbox, following the vault like the outbox: sync starts once the
 * vault is open and stops before it locks.
 */
export interface MailSession {
  start(vault: Vault): Promise<void>;
  stop(): Promise<void>;
  status(): MailStatusView;
  syncNow(): Promise<void>;
}

export function createMailSession(options: {
  account: MailAccountSettings | undefined;
  authKind: 'password' | 'psc' | 'certificate' | null;
  mode: 'normal' | 'demo';
  log: Logger;
  events: EventBus;
}): MailSession {
  const status: MailStatusView = { configured: options.account !== undefined, auth: options.authKind, connectivity: 'unknown', needsPscSignIn: false, syncing: null, lastSyncAt: null, message: null };
  return {
    start: async () => undefined,
    stop: async () => undefined,
    status: () => status,
    syncNow: async () => undefined,
  };
}
