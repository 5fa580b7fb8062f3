import { EventEmitter } from 'node:events';
import { classifyImapError, mailSyncError, type MailSyncError } from './errors.js';
import { syncFolderOn, type Collector, type FolderSyncContext } from './folderSync.js';
import { createImapConnection, DEFAULT_TIMEOUTS } from './imapConnection.js';
import { createParseQueue } from './parseQueue.js';
import type { MailFolder, MailSync, MailSyncOptions, SyncOptions, SyncResult } from './types.js';
import { createWatchScheduler } from './watchScheduler.js';

export type { MailFolder, MailSync, MailSyncEvents, MailSyncOptions, MailSyncTimeouts, MailSyncVault, ParsedEvent, SyncOptions, SyncProgress, SyncResult } from './types.js';
export { toSequenceSet } from './pageFetch.js';

/**
 * IMAP synchronisation of one MSSanté mailbox into the vault (issue 7, points 3 and 8): the
 * composition of the connection (imapConnection.ts), the per-folder plan (folderSync.ts), page
 * fetch + store (pageFetch.ts), the background parse queue and its worker (parseQueue.ts), and
 * what runs by itself while watching (watchScheduler.ts). Usage: index.ts.
 *
 * One IMAP operation at a time (`exclusive`): a sync reads the events of its own SELECT.
 * Errors come out as `MailSyncError` (French `userMessage`; `offline` for network and TLS).
 */
export function createMailSync(options: MailSyncOptions): MailSync {
  const { vault, log } = options;
  const watchFolder = options.watchFolder ?? 'INBOX';
  const events = new EventEmitter();
  let collector: Collector | null = null;
  let closed = false;
  let watching = false;
  let queue: Promise<unknown> = Promise.resolve();

  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const classify = (error: unknown): MailSyncError => classifyImapError(error, options.account.auth.type);

  const emitError = (error: MailSyncError) => {
    if (events.listenerCount('error') > 0) events.emit('error', error);
    else log.warn('mail.sync.error', { kind: error.kind, code: error.code });
  };

  const parser = createParseQueue({
    vault,
    log,
    ...(options.parse === undefined ? {} : { parse: options.parse }),
    onParsed: (e) => events.emit('parsed', e),
    // Nothing the professional can act on (typically the vault locked mid-batch): the messages
    // stay pending and the next sync or parseNow takes them up again.
    onError: (error) => log.warn('mail.parse.failed', { name: error instanceof Error ? error.name : 'unknown', code: String((error as { code?: unknown }).code ?? '') }),
  });

  const onServerEvent = (path: string) => {
    if (closed || collector !== null) return;
    scheduler.serverEvent(path);
  };

  const connection = createImapConnection({
    account: options.account,
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    log,
    onOnline: () => events.emit('connection', 'online'),
    events: {
      exists: onServerEvent,
      flags(path, uid, flags) {
        if (collector !== null && collector.path === path && uid !== undefined) collector.flags.set(uid, flags);
        else onServerEvent(path);
      },
      expunge(path, uid, vanished) {
        if (collector !== null && collector.path === path && uid !== undefined && vanished) collector.vanished.add(uid);
        else onServerEvent(path);
      },
      closed() {
        events.emit('connection', 'offline');
        scheduler.connectionLost();
      },
    },
  });

  const ctx: FolderSyncContext = {
    vault,
    log,
    pageSize: options.pageSize ?? 500,
    maxPageBytes: options.maxPageBytes ?? 16 * 1024 * 1024,
    setCollector: (c) => {
      collector = c;
    },
    progress: (p) => events.emit('progress', p),
    stored: () => parser.kick(),
    holdParsing: () => parser.hold(),
  };

  const syncLocked = async (path: string, opts: SyncOptions = {}): Promise<SyncResult> => {
    const c = await connection.get();
    const progress = opts.onProgress;
    const result = await syncFolderOn(c, path, progress === undefined ? ctx : { ...ctx, progress: (p) => (progress(p), ctx.progress(p)) });
    // Pending rows of an earlier session (crash, lock) are taken up too.
    parser.kick();
    return result;
  };

  /** After work in another folder, come back to the watched one (resynced: IDLE saw nothing meanwhile). */
  const backToWatch = async () => {
    const mailbox = connection.current()?.mailbox;
    if (!watching || (mailbox !== undefined && mailbox !== false && mailbox.path === watchFolder)) return;
    const result = await syncLocked(watchFolder);
    if (result.added + result.updated + result.removed > 0) events.emit('changed', result);
  };

  const guarded = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw classify(error);
    }
  };

  const listLocked = async (): Promise<MailFolder[]> => {
    const c = await connection.get();
    const list = await c.list();
    return list.map((f) => ({ path: f.path, name: f.name, delimiter: f.delimiter, specialUse: f.specialUse ?? null, selectable: !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent') }));
  };

  const scheduler = createWatchScheduler({
    exclusive: (fn) => exclusive(() => guarded(fn)),
    syncPath: async (path) => {
      const result = await syncLocked(path);
      await backToWatch();
      return result;
    },
    syncOthers: async () => {
      const others = (await listLocked()).filter((f) => f.selectable && f.path !== watchFolder);
      const results: SyncResult[] = [];
      for (const f of others) {
        if (closed) break;
        results.push(await syncLocked(f.path));
      }
      await backToWatch();
      return results;
    },
    watchFolder,
    isWatching: () => watching && !closed,
    changed: (result) => events.emit('changed', result),
    error: emitError,
    classify: (error) => classify(error),
    reconnectDelayMs: options.reconnectDelayMs ?? 1_000,
    otherFoldersEveryMs: options.otherFoldersEveryMs ?? 5 * 60_000,
  });

  const api: MailSync = {
    listFolders: () => exclusive(() => guarded(listLocked)),
    syncFolder: (path, opts = {}) =>
      exclusive(() =>
        guarded(async () => {
          const result = await syncLocked(path, opts);
          if (path !== watchFolder) await backToWatch();
          return result;
        }),
      ),
    async syncAll(opts = {}) {
      const folders = (await api.listFolders()).filter((f) => f.selectable);
      // The watched folder (INBOX) first: it is what the professional looks at.
      folders.sort((a, b) => Number(b.path === watchFolder) - Number(a.path === watchFolder));
      const results: SyncResult[] = [];
      for (const f of folders) results.push(await exclusive(() => guarded(() => syncLocked(f.path, opts))));
      await exclusive(() => guarded(backToWatch));
      return results;
    },
    setSeen: (messageId, seen) => api.setFlag(messageId, '\\Seen', seen),
    setFlag: (messageId, flag, on) =>
      exclusive(() =>
        guarded(async () => {
          const loc = await vault.messageLocation(messageId);
          if (loc === null || loc.uid === null) throw mailSyncError('not-found', 'message');
          const c = await connection.get();
          if (c.mailbox === false || c.mailbox.path !== loc.folder) await c.mailboxOpen(loc.folder);
          const uid = String(loc.uid);
          const ok = on ? await c.messageFlagsAdd(uid, [flag], { uid: true }) : await c.messageFlagsRemove(uid, [flag], { uid: true });
          if (!ok) throw mailSyncError('server', 'store');
          const flags = new Set(loc.flags);
          if (on) flags.add(flag);
          else flags.delete(flag);
          await vault.setMessageFlags({ id: messageId, flags: [...flags].sort() });
          if (loc.folder !== watchFolder) await backToWatch();
        }),
      ),
    watch: () =>
      exclusive(() =>
        guarded(async () => {
          watching = true;
          scheduler.start();
          return syncLocked(watchFolder);
        }),
      ),
    parseNow: (messageId) => parser.parseNow(messageId),
    on(event, listener) {
      events.on(event, listener as (...args: unknown[]) => void);
      return api;
    },
    off(event, listener) {
      events.off(event, listener as (...args: unknown[]) => void);
      return api;
    },
    async close() {
      closed = true;
      scheduler.stop();
      // Bounded: a command stuck on a dead link must not hold the app's shutdown.
      await Promise.race([queue, new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
      await parser.close();
      await connection.close();
    },
  };
  return api;
}
