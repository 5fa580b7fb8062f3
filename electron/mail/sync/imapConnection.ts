import { ImapFlow } from 'imapflow';
import type { Logger } from '../../policy/logger.js';
import { imapAuth, tlsOptions } from '../connectionOptions.js';
import type { MailAccountSettings } from '../smtp/settings.js';
import { classifyImapError, mailSyncError } from './errors.js';
import type { MailSyncTimeouts } from './types.js';

/**
 * The one IMAP connection of a mailbox, kept open (a reconnect costs 40–65 ms, a QRESYNC resync
 * on an open one ~14 ms), opened lazily and again after a drop; COMPRESS off (4× slower fetch
 * on a fast link); IDLE shortly after the last command, so that pushes arrive at once.
 */
export const DEFAULT_TIMEOUTS: MailSyncTimeouts = { connectMs: 15_000, greetingMs: 15_000, socketMs: 5 * 60_000 };

/** `\Recent` is per session (and gone in IMAP4rev2): storing it would make every session a change. */
export function sortedFlags(flags: Set<string> | undefined): string[] {
  return [...(flags ?? [])].filter((f) => f.toLowerCase() !== '\\recent').sort();
}

/** What the server says unprompted, while a folder is selected (and during IDLE). */
export interface ServerEvents {
  exists(path: string): void;
  flags(path: string, uid: number | undefined, flags: string[]): void;
  expunge(path: string, uid: number | undefined, vanished: boolean): void;
  /** This connection closed (network, server, logout). */
  closed(): void;
}

export interface ImapConnection {
  /** The open connection, opening it if needed. */
  get(): Promise<ImapFlow>;
  /** The open connection or null (never opens one). */
  current(): ImapFlow | null;
  close(): Promise<void>;
}

export function createImapConnection(options: {
  account: MailAccountSettings;
  timeouts: MailSyncTimeouts;
  log: Logger;
  events: ServerEvents;
  onOnline: () => void;
}): ImapConnection {
  const { account, timeouts, log, events } = options;
  let client: ImapFlow | null = null;
  let connecting: Promise<ImapFlow> | null = null;
  let closed = false;

  const open = async (): Promise<ImapFlow> => {
    const ep = account.imap;
    const c = new ImapFlow({
      host: ep.host,
      port: ep.port,
      secure: false,
      doSTARTTLS: true,
      tls: await tlsOptions(account, ep),
      auth: await imapAuth(account),
      logger: false,
      disableCompression: true,
      qresync: true,
      connectionTimeout: timeouts.connectMs,
      greetingTimeout: timeouts.greetingMs,
      socketTimeout: timeouts.socketMs,
      // IDLE starts this long after the last command (imapflow's default is 15 s: too slow a push).
      autoIdleDelay: 500,
      maxIdleTime: Math.max(1_000, Math.min(timeouts.socketMs - 30_000, 4 * 60_000)),
    });
    c.on('error', (error: unknown) => log.warn('mail.sync.connection.error', { code: classifyImapError(error, account.auth.type).code }));
    c.on('close', () => {
      if (client !== c) return;
      client = null;
      events.closed();
    });
    c.on('exists', (d: { path: string }) => events.exists(d.path));
    c.on('flags', (d: { path: string; uid?: number; flags: Set<string> }) => events.flags(d.path, d.uid, sortedFlags(d.flags)));
    c.on('expunge', (d: { path: string; uid?: number; vanished: boolean }) => events.expunge(d.path, d.uid, d.vanished));
    try {
      await c.connect();
    } catch (error) {
      c.close();
      throw classifyImapError(error, account.auth.type);
    }
    if (!c.enabled.has('QRESYNC')) log.warn('mail.sync.no-qresync', {});
    client = c;
    options.onOnline();
    return c;
  };

  return {
    get() {
      if (closed) return Promise.reject(mailSyncError('offline', 'closed'));
      if (client?.usable === true) return Promise.resolve(client);
      connecting ??= open().finally(() => {
        connecting = null;
      });
      return connecting;
    },
    current: () => client,
    async close() {
      closed = true;
      const c = client;
      client = null;
      if (c === null) return;
      try {
        // Bounded: a dead link must not hold the app's shutdown.
        await Promise.race([c.logout(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      } catch {
        // already gone
      }
      c.close();
    },
  };
}
