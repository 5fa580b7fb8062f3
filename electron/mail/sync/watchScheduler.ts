import type { MailSyncError } from './errors.js';
import type { SyncResult } from './types.js';

/**
 * What happens on its own while a mailbox is watched:
 * - push: a server event (EXISTS, FETCH flags, EXPUNGE/VANISHED) on a folder → that folder is
 *   resynced (events of one 50 ms burst coalesced), then `changed`;
 * - reconnect: the connection dropped → the watched folder is resynced after a delay doubled up
 *   to 60 s on each failure (auth failures wait for the user: new password or PSC token);
 * - the other folders: IDLE only sees the watched one, so every `otherFoldersEveryMs` (default
 *   5 min) the others are resynced in turn, then the watched folder is selected again.
 * Each task goes through `exclusive` (one IMAP command stream) and reports its own failures.
 */
export interface WatchScheduler {
  serverEvent(path: string): void;
  connectionLost(): void;
  /** Watching started: periodic resync of the other folders from now on. */
  start(): void;
  stop(): void;
}

export interface WatchSchedulerOptions {
  readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Resync of one folder (inside `exclusive`), then back to the watched folder. */
  readonly syncPath: (path: string) => Promise<SyncResult>;
  /** Resync of every folder but the watched one (inside `exclusive`). */
  readonly syncOthers: () => Promise<SyncResult[]>;
  readonly watchFolder: string;
  readonly isWatching: () => boolean;
  readonly changed: (result: SyncResult) => void;
  readonly error: (error: MailSyncError) => void;
  /** classifyImapError with the mailbox's authentication type. */
  readonly classify: (error: unknown) => MailSyncError;
  readonly reconnectDelayMs: number;
  readonly otherFoldersEveryMs: number;
}

const MAX_RECONNECT_MS = 60_000;

export function createWatchScheduler(o: WatchSchedulerOptions): WatchScheduler {
  let stopped = false;
  const pushPending = new Set<string>();
  let pushTimer: NodeJS.Timeout | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let othersTimer: NodeJS.Timeout | null = null;
  let reconnectMs = o.reconnectDelayMs;

  const report = (result: SyncResult) => {
    if (result.added + result.updated + result.removed > 0) o.changed(result);
  };

  const scheduleReconnect = () => {
    if (stopped || !o.isWatching() || reconnectTimer !== null) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void o
        .exclusive(() => o.syncPath(o.watchFolder))
        .then((result) => {
          reconnectMs = o.reconnectDelayMs;
          report(result);
        })
        .catch((error: unknown) => {
          const e = o.classify(error);
          o.error(e);
          reconnectMs = Math.min(reconnectMs * 2, MAX_RECONNECT_MS);
          if (e.kind !== 'auth') scheduleReconnect();
        });
    }, reconnectMs);
  };

  const scheduleOthers = () => {
    if (stopped || o.otherFoldersEveryMs <= 0 || othersTimer !== null) return;
    othersTimer = setTimeout(() => {
      othersTimer = null;
      if (!o.isWatching()) return;
      void o
        .exclusive(o.syncOthers)
        .then((results) => results.forEach(report))
        .catch((error: unknown) => o.error(o.classify(error)))
        .finally(scheduleOthers);
    }, o.otherFoldersEveryMs);
    othersTimer.unref();
  };

  return {
    serverEvent(path) {
      if (stopped) return;
      pushPending.add(path);
      pushTimer ??= setTimeout(() => {
        pushTimer = null;
        const paths = [...pushPending];
        pushPending.clear();
        for (const p of paths) {
          void o
            .exclusive(() => o.syncPath(p))
            .then(report)
            .catch((error: unknown) => o.error(o.classify(error)));
        }
      }, 50);
    },
    connectionLost: scheduleReconnect,
    start: scheduleOthers,
    stop() {
      stopped = true;
      for (const t of [pushTimer, reconnectTimer, othersTimer]) if (t !== null) clearTimeout(t);
      pushTimer = reconnectTimer = othersTimer = null;
    },
  };
}
