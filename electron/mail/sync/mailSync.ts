import { EventEmitter } from 'node:events';
import { ImapFlow, type MailboxObject } from 'imapflow';
import type { Logger } from '../../policy/logger.js';
import type { VaultApi } from '../../vault/server.js';
import { imapAuth, tlsOptions } from '../connectionOptions.js';
import type { MailAccountSettings } from '../smtp/settings.js';
import { classifyImapError, mailSyncError, MailSyncError } from './errors.js';
import { parseFetchedMessage, type FetchedMessage } from './parseMessage.js';

/**
 * IMAP synchronisation of one MSSanté mailbox into the vault (issue 7, point 3).
 *
 * - One connection, kept open (a reconnect costs 40–65 ms, a QRESYNC resync on an open one
 *   ~14 ms), opened lazily and again after a drop; COMPRESS off (4× slower fetch on a fast link).
 * - Initial sync of a folder in pages of UIDs (default 500), each page parsed (mailparser,
 *   HTML sanitised) and stored in one vault transaction, with progress. A sync interrupted
 *   half-way resumes: stored UIDs are skipped.
 * - Incremental sync: UIDVALIDITY + HIGHESTMODSEQ + UIDNEXT per folder; the SELECT with QRESYNC
 *   already reports flag changes and expunges (VANISHED), so only new UIDs are fetched. A
 *   changed UIDVALIDITY drops the folder's messages and syncs it again. Nothing changed →
 *   nothing is written.
 * - Push: the watched folder (INBOX) stays selected and imapflow IDLEs on it; a server event
 *   triggers a resync of that folder, then `changed`.
 * - Flags both ways: `setSeen` / `setFlag` STORE on the server, then the vault.
 * Errors come out as `MailSyncError` (French `userMessage`; `offline` for network and TLS).
 */
export type MailSyncVault = Pick<VaultApi,
  'getFolderSyncState' | 'saveFolderSyncState' | 'resetMailFolder' | 'storeSyncedMessages' | 'applyFlagChanges' | 'removeExpunged' | 'folderUids' | 'messageLocation' | 'setMessageFlags'>;

export interface MailFolder {
  readonly path: string;
  readonly name: string;
  readonly delimiter: string;
  /** `\Inbox`, `\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`, … or null. */
  readonly specialUse: string | null;
  readonly selectable: boolean;
}

export interface SyncProgress {
  readonly folder: string;
  readonly done: number;
  readonly total: number;
}

export interface SyncResult {
  readonly folder: string;
  /** The whole folder was (re)read: first sync or UIDVALIDITY change. */
  readonly full: boolean;
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  readonly ms: number;
}

export interface SyncOptions {
  readonly onProgress?: (p: SyncProgress) => void;
}

export interface MailSyncTimeouts {
  /** TCP + TLS handshake. */
  readonly connectMs: number;
  readonly greetingMs: number;
  /** Socket inactivity; IDLE is restarted well before it. */
  readonly socketMs: number;
}

export interface MailSyncOptions {
  readonly account: MailAccountSettings;
  readonly vault: MailSyncVault;
  readonly log: Logger;
  /** Messages per page (default 500) … */
  readonly pageSize?: number;
  /** … and bytes per page (default 32 MiB: attachments make some mails large). */
  readonly maxPageBytes?: number;
  /** The folder kept selected for IDLE push (default INBOX). */
  readonly watchFolder?: string;
  readonly timeouts?: Partial<MailSyncTimeouts>;
  /** While watching, a dropped connection is reopened after this delay, doubled up to 60 s (default 1 s). */
  readonly reconnectDelayMs?: number;
}

export interface MailSyncEvents {
  /** New mail, flag changes or expunges pushed by the server and already applied to the vault. */
  changed: [SyncResult];
  /** A background (push) sync failed; `offline` tells the UI to show its banner. */
  error: [MailSyncError];
  /** The connection went up or down. */
  connection: ['online' | 'offline'];
}

export interface MailSync {
  listFolders(): Promise<MailFolder[]>;
  syncFolder(path: string, options?: SyncOptions): Promise<SyncResult>;
  /** Every selectable folder (the watched one first), then back to watching. */
  syncAll(options?: SyncOptions): Promise<SyncResult[]>;
  setSeen(messageId: number, seen: boolean): Promise<void>;
  setFlag(messageId: number, flag: string, on: boolean): Promise<void>;
  /** Connects, syncs the watched folder and stays on it (IDLE). */
  watch(): Promise<SyncResult>;
  on<E extends keyof MailSyncEvents>(event: E, listener: (...args: MailSyncEvents[E]) => void): MailSync;
  off<E extends keyof MailSyncEvents>(event: E, listener: (...args: MailSyncEvents[E]) => void): MailSync;
  close(): Promise<void>;
}

const DEFAULT_TIMEOUTS: MailSyncTimeouts = { connectMs: 15_000, greetingMs: 15_000, socketMs: 5 * 60_000 };

/** Ascending UIDs → a compact IMAP sequence set ("1:500,502"). */
export function toSequenceSet(uids: readonly number[]): string {
  const parts: string[] = [];
  let start = uids[0];
  let prev = start;
  for (let i = 1; i <= uids.length; i += 1) {
    const uid = uids[i];
    if (uid !== undefined && prev !== undefined && uid === prev + 1) {
      prev = uid;
      continue;
    }
    if (start !== undefined && prev !== undefined) parts.push(start === prev ? `${start}` : `${start}:${prev}`);
    start = uid;
    prev = uid;
  }
  return parts.join(',');
}

/** `\Recent` is per session (and gone in IMAP4rev2): storing it would make every session a change. */
function sortedFlags(flags: Set<string> | undefined): string[] {
  return [...(flags ?? [])].filter((f) => f.toLowerCase() !== '\\recent').sort();
}

interface UidSize {
  readonly uid: number;
  readonly size: number;
}

interface Collector {
  readonly path: string;
  readonly flags: Map<number, string[]>;
  readonly vanished: Set<number>;
}

export function createMailSync(options: MailSyncOptions): MailSync {
  const { account, vault, log } = options;
  const pageSize = options.pageSize ?? 500;
  const maxPageBytes = options.maxPageBytes ?? 32 * 1024 * 1024;
  const watchFolder = options.watchFolder ?? 'INBOX';
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const events = new EventEmitter();
  let client: ImapFlow | null = null;
  let connecting: Promise<ImapFlow> | null = null;
  let collector: Collector | null = null;
  let closed = false;
  let watching = false;
  let queue: Promise<unknown> = Promise.resolve();
  const pushPending = new Set<string>();
  let pushTimer: NodeJS.Timeout | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  const baseReconnectMs = options.reconnectDelayMs ?? 1_000;
  let reconnectMs = baseReconnectMs;

  /** One operation at a time: a sync reads the events of its own SELECT. */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const emitError = (error: MailSyncError) => {
    if (events.listenerCount('error') > 0) events.emit('error', error);
    else log.warn('mail.sync.error', { kind: error.kind, code: error.code });
  };

  const onServerEvent = (path: string) => {
    if (closed || collector !== null) return;
    pushPending.add(path);
    pushTimer ??= setTimeout(() => {
      pushTimer = null;
      const paths = [...pushPending];
      pushPending.clear();
      for (const p of paths) {
        void exclusive(() => syncLocked(p, {}))
          .then((result) => {
            if (result.added + result.updated + result.removed > 0) events.emit('changed', result);
          })
          .catch((error: unknown) => emitError(classifyImapError(error)));
      }
    }, 50);
  };

  /** Watching and the connection dropped (network, server restart): come back, with backoff. */
  const scheduleReconnect = () => {
    if (closed || !watching || reconnectTimer !== null) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void exclusive(() => syncLocked(watchFolder, {}))
        .then((result) => {
          reconnectMs = baseReconnectMs;
          if (result.added + result.updated + result.removed > 0) events.emit('changed', result);
        })
        .catch((error: unknown) => {
          const e = classifyImapError(error);
          emitError(e);
          reconnectMs = Math.min(reconnectMs * 2, 60_000);
          // Auth failures wait for the user (new password / PSC token), not a timer.
          if (e.kind !== 'auth') scheduleReconnect();
        });
    }, reconnectMs);
  };

  const connection = async (): Promise<ImapFlow> => {
    if (closed) throw mailSyncError('offline', 'closed');
    if (client?.usable === true) return client;
    connecting ??= (async () => {
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
      c.on('error', (error: unknown) => log.warn('mail.sync.connection.error', { code: classifyImapError(error).code }));
      c.on('close', () => {
        if (client !== c) return;
        client = null;
        events.emit('connection', 'offline');
        scheduleReconnect();
      });
      c.on('exists', (d: { path: string }) => onServerEvent(d.path));
      c.on('flags', (d: { path: string; uid?: number; flags: Set<string> }) => {
        if (collector !== null && collector.path === d.path && d.uid !== undefined) collector.flags.set(d.uid, sortedFlags(d.flags));
        else onServerEvent(d.path);
      });
      c.on('expunge', (d: { path: string; uid?: number; vanished: boolean }) => {
        if (collector !== null && collector.path === d.path && d.uid !== undefined && d.vanished) collector.vanished.add(d.uid);
        else onServerEvent(d.path);
      });
      try {
        await c.connect();
      } catch (error) {
        c.close();
        throw classifyImapError(error);
      }
      if (!c.enabled.has('QRESYNC')) log.warn('mail.sync.no-qresync', {});
      client = c;
      events.emit('connection', 'online');
      return c;
    })().finally(() => {
      connecting = null;
    });
    return connecting;
  };

  /** Pages of at most `pageSize` messages and `maxPageBytes` (a page is held in memory while parsed). */
  const pagesOf = (items: readonly UidSize[]): number[][] => {
    const pages: number[][] = [];
    let page: number[] = [];
    let bytes = 0;
    for (const { uid, size } of items) {
      if (page.length > 0 && (page.length >= pageSize || bytes + size > maxPageBytes)) {
        pages.push(page);
        page = [];
        bytes = 0;
      }
      page.push(uid);
      bytes += size;
    }
    if (page.length > 0) pages.push(page);
    return pages;
  };

  const fetchAndStore = async (c: ImapFlow, path: string, items: readonly UidSize[], progress: (n: number) => void): Promise<number> => {
    let added = 0;
    for (const page of pagesOf(items)) {
      const fetched: FetchedMessage[] = [];
      for await (const m of c.fetch(toSequenceSet(page), { uid: true, flags: true, internalDate: true, source: true }, { uid: true })) {
        const date = m.internalDate === undefined ? null : new Date(m.internalDate).getTime();
        fetched.push({ uid: m.uid, flags: sortedFlags(m.flags), internalDate: date !== null && Number.isFinite(date) ? date : null, source: m.source ?? Buffer.alloc(0) });
      }
      const parsed = [];
      for (const f of fetched) parsed.push(await parseFetchedMessage(f));
      const malformed = parsed.filter((m) => m.mimeError !== null).length;
      if (malformed > 0) log.warn('mail.sync.malformed', { folder: path, count: malformed });
      added += (await vault.storeSyncedMessages({ folder: path, messages: parsed })).length;
      progress(page.length);
    }
    return added;
  };

  /** UIDs (ascending) and sizes of `range` (UID set): the plan of a sync, before any body is read. */
  const uidSizes = async (c: ImapFlow, range: string): Promise<UidSize[]> => {
    const out: UidSize[] = [];
    for await (const m of c.fetch(range, { uid: true, size: true }, { uid: true })) out.push({ uid: m.uid, size: m.size ?? 0 });
    return out.sort((a, b) => a.uid - b.uid);
  };

  async function syncLocked(path: string, opts: SyncOptions): Promise<SyncResult> {
    const started = performance.now();
    const c = await connection();
    const state = await vault.getFolderSyncState(path);
    const col: Collector = { path, flags: new Map(), vanished: new Set() };
    collector = col;
    let box: MailboxObject;
    try {
      box = await c.mailboxOpen(path, state === null ? {} : { uidValidity: state.uidValidity, changedSince: state.highestModseq });
    } finally {
      collector = null;
    }
    const uidValidity = Number(box.uidValidity);
    const highestModseq = (box.highestModseq ?? 0n).toString();
    const save = () => vault.saveFolderSyncState({ path, specialUse: box.specialUse ?? null, uidValidity, highestModseq, uidNext: box.uidNext });
    const report = (full: boolean, added: number, updated: number, removed: number): SyncResult => {
      const result = { folder: path, full, added, updated, removed, ms: Math.round(performance.now() - started) };
      log.info('mail.sync.folder', { folder: path, full, added, updated, removed, ms: result.ms });
      return result;
    };

    if (state === null || state.uidValidity !== uidValidity) {
      // First sync, or the server renumbered the folder: every stored UID is meaningless.
      if (state !== null) log.warn('mail.sync.uidvalidity-changed', { folder: path });
      const removedOld = state !== null ? await vault.resetMailFolder(path) : 0;
      const listed = box.exists > 0 ? await uidSizes(c, '1:*') : [];
      const uids = listed.map((m) => m.uid);
      const known = new Set(await vault.folderUids(path));
      const onServer = new Set(uids);
      const gone = [...known].filter((u) => !onServer.has(u));
      const removed = removedOld + (gone.length > 0 ? await vault.removeExpunged({ folder: path, uids: gone }) : 0);
      const todo = listed.filter((m) => !known.has(m.uid));
      let done = uids.length - todo.length;
      opts.onProgress?.({ folder: path, done, total: uids.length });
      const added = await fetchAndStore(c, path, todo, (n) => {
        done += n;
        opts.onProgress?.({ folder: path, done, total: uids.length });
      });
      await save();
      return report(true, added, 0, removed);
    }

    if (state.highestModseq === highestModseq && state.uidNext === box.uidNext) return report(false, 0, 0, 0);

    let updated = 0;
    let removed = 0;
    const qresync = (box as MailboxObject & { qresync?: boolean }).qresync === true;
    if (qresync) {
      if (col.flags.size > 0) updated = await vault.applyFlagChanges({ folder: path, changes: [...col.flags].map(([uid, flags]) => ({ uid, flags })) });
      if (col.vanished.size > 0) removed = await vault.removeExpunged({ folder: path, uids: [...col.vanished] });
    } else {
      // CONDSTORE alone (or nothing): ask for the changed flags, and diff the UID lists.
      const changes: { uid: number; flags: string[] }[] = [];
      if (box.exists > 0) {
        const since = box.highestModseq === undefined ? {} : { changedSince: BigInt(state.highestModseq) };
        for await (const m of c.fetch('1:*', { uid: true, flags: true }, { uid: true, ...since })) changes.push({ uid: m.uid, flags: sortedFlags(m.flags) });
      }
      if (changes.length > 0) updated = await vault.applyFlagChanges({ folder: path, changes });
      const onServer = new Set((box.exists > 0 ? await uidSizes(c, '1:*') : []).map((m) => m.uid));
      const gone = (await vault.folderUids(path)).filter((u) => !onServer.has(u));
      if (gone.length > 0) removed = await vault.removeExpunged({ folder: path, uids: gone });
    }

    let added = 0;
    if (box.uidNext > state.uidNext && box.exists > 0) {
      // "N:*" always matches the highest UID, even below N: filter.
      const fresh = (await uidSizes(c, `${state.uidNext}:*`)).filter((m) => m.uid >= state.uidNext);
      let done = 0;
      opts.onProgress?.({ folder: path, done, total: fresh.length });
      added = await fetchAndStore(c, path, fresh, (n) => {
        done += n;
        opts.onProgress?.({ folder: path, done, total: fresh.length });
      });
    }
    await save();
    return report(false, added, updated, removed);
  }

  /** After work in another folder, come back to the watched one (resynced: IDLE saw nothing meanwhile). */
  const backToWatch = async () => {
    const current = client?.mailbox;
    if (!watching || (current !== undefined && current !== false && current.path === watchFolder)) return;
    const result = await syncLocked(watchFolder, {});
    if (result.added + result.updated + result.removed > 0) events.emit('changed', result);
  };

  const guarded = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw classifyImapError(error);
    }
  };

  const api: MailSync = {
    listFolders: () =>
      exclusive(() =>
        guarded(async () => {
          const c = await connection();
          const list = await c.list();
          return list.map((f) => ({ path: f.path, name: f.name, delimiter: f.delimiter, specialUse: f.specialUse ?? null, selectable: !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent') }));
        }),
      ),
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
          const c = await connection();
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
          return syncLocked(watchFolder, {});
        }),
      ),
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
      if (pushTimer !== null) clearTimeout(pushTimer);
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      // Bounded: a command stuck on a dead link must not hold the app's shutdown.
      await Promise.race([queue, new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
      const c = client;
      client = null;
      if (c === null) return;
      try {
        await Promise.race([c.logout(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      } catch {
        // already gone
      }
      c.close();
    },
  };
  return api;
}
