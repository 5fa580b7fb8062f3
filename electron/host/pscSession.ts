import type { PscStatusView } from '../../shared/api/index.js';
import { ServiceError } from '../../shared/api/index.js';
import type { Logger } from '../policy/logger.js';
import type { PscConfig } from './config.js';
import type { EventBus } from './eventBus.js';

/**
 * Opens PSC's authorization page in an app window and resolves with the URL of the redirect
 * back to the app (never loaded). Provided by the Electron shell; absent in the web host.
 */
export type OpenAuthWindow = (authorizationUrl: string, isRedirect: (url: string) => boolean) => Promise<string>;

/** The Pro Santé Connect session of the host (tokens in memory only). */
export interface PscSessionHost {
  status(): PscStatusView;
  signIn(): Promise<{ openUrl: string | null }>;
  cancel(): Promise<void>;
  signOut(): Promise<void>;
  /** A valid access token for the mail server; throws when signed out or expired. */
  accessToken(): Promise<string>;
  /** Web host: the provider redirected the browser back to `/psc/callback`. */
  completeCallback(url: string): Promise<void>;
  close(): Promise<void>;
}

export function createPscSessionHost(options: {
  config: PscConfig | undefined;
  hostKind: 'electron' | 'web';
  log: Logger;
  events: EventBus;
  openAuthWindow?: OpenAuthWindow;
}): PscSessionHost {
  void options;
  const status: PscStatusView = { configured: false, state: 'signed-out', identity: null, expiresAt: null, message: null };
  return {
    status: () => status,
    signIn: async () => {
      throw new ServiceError('UNAVAILABLE', 'psc not wired yet');
    },
    cancel: async () => undefined,
    signOut: async () => undefined,
    accessToken: async () => {
      throw new ServiceError('UNAVAILABLE', 'psc not wired yet');
    },
    completeCallback: async () => undefined,
    close: async () => undefined,
  };
}
