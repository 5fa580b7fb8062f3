import type { EventName, MailStatusView, PscStatusView } from '../../shared/api/index.js';
import { seedDemoMailbox } from '../demo/demoMailbox.js';
import type { InsMode } from '../identity/insOid.js';
import { classifyImapError, type MailSyncError } from '../mail/sync/errors.js';
import { createMailSync, type MailSync, type MailSyncOptions, type ParseOptions, type SyncProgress, type SyncResult } from '../mail/sync/index.js';
import type { MailAccountSettings } from '../mail/smtp/settings.js';
import type { MailFlagsPayload } from '../outbox/kinds/mailFlags.js';
import type { Logger } from '../policy/logger.js';
import type { Vault } from '../vault/client.js';
import type { EventBus } from './eventBus.js';
import { matchPendingXdm } from './mailXdmMatch.js';

/**
 * The IMAP side of the mailbox, following the vault like the outbox: sync starts once the
 * vault is open and stops before it locks.
 *
 * - Start: `watch()` (INBOX, IDLE) then `syncAll()` in the background; the screens read the
 *   vault meanwhile. Offline, the app works from the vault; the sync reconnects with backoff.
 * - Pro Santé Connect mailbox: no connection attempt while PSC is not signed in
 *   (`needsPscSignIn`); the sync starts when it is, and stops when the session ends.
 * - Every change the sync applies is published as `mail.changed`; connectivity, progress and
 *   the last sync as `mail.status`.
 * - After changes: the local copy of a sent message is merged with the server's, and IHE_XDM
 *   archives waiting for the patient matcher are matched.
 * - Demo: no server; a fictitious mailbox is written into the vault at its first open.
 */
export interface MailSession {
  start(vault: Vault): Promise<void>;
  stop(): Promise<void>;
  status(): MailStatusView;
  syncNow(): Promise<void>;
  /** STORE on the server, then the vault. False when the server cannot be reached now. */
  storeFlag(messageRowId: number, flag: string, on: boolean): Promise<boolean>;
  /** The outbox replaying a flag change made offline. */
  replayFlag(p: MailFlagsPayload): Promise<'stored' | 'gone'>;
  /** Connect + authenticate (outbox probe of the IMAP peer). */
  probe(): Promise<void>;
  /** A message opened while still stored raw: parse it now (no-op when the sync cannot). */
  parseNow(messageRowId: number): Promise<void>;
  /** Tell the screens that stored messages changed (handlers call it after a local write). */
  changed(folders: readonly string[]): void;
  /**
   * A message left: fetch the Sent folder shortly, so the local row written at sending gives
   * way to the server's copy (with its attachments) without waiting for the periodic resync.
   */
  sentSoon(): void;
}

/** What the mail session needs of Pro Santé Connect. */
export interface PscForMail {
  status(): PscStatusView;
}

const PSC_SIGN_IN = 'Connectez-vous avec Pro Santé Connect pour relever votre messagerie MSSanté.';
const PSC_EXPIRED = 'Votre session Pro Santé Connect a expiré : reconnectez-vous pour relever votre messagerie.';

function offlineFailure(error: MailSyncError): Error {
  // Read by the outbox (`toJobFailure`): an unreachable server pauses the peer, a refused login waits for the user.
  return Object.assign(new Error(error.message), {
    kind: error.kind === 'auth' ? 'needs-user' : error.kind === 'server' ? 'transient' : 'transient',
    code: error.code,
    userMessage: error.userMessage,
    offline: error.offline,
  });
}

export function createMailSession(options: {
  account: MailAccountSettings | undefined;
  authKind: 'password' | 'psc' | 'certificate' | null;
  mode: 'normal' | 'demo';
  insMode: InsMode;
  log: Logger;
  events: EventBus;
  psc?: PscForMail;
  /** The mailbox answers again: the outbox probes its IMAP peer now (queued flag changes leave). */
  onOnline?: () => void;
  /** The parse worker (packaged app: its bundled file). */
  parse?: ParseOptions;
  /** Sync tuning (tests). */
  reconnectDelayMs?: number;
  /** Tests: the sync itself (default `createMailSync`). */
  createSync?: (options: MailSyncOptions) => MailSync;
}): MailSession {
  const { account, log, events } = options;
  const demo = options.mode === 'demo';
  const status: MailStatusView = {
    configured: account !== undefined || demo,
    auth: demo ? null : options.authKind,
    connectivity: demo ? 'online' : 'unknown',
    needsPscSignIn: false,
    syncing: null,
    lastSyncAt: null,
    message: null,
  };
  let vault: Vault | undefined;
  let sync: MailSync | undefined;
  let offPsc: (() => void) | undefined;
  let background: Promise<void> = Promise.resolve();
  let matching: Promise<void> | null = null;
  let matchAgain = false;

  const publish = () => events.emit('mail.status', { ...status, syncing: status.syncing === null ? null : { ...status.syncing } });
  const set = (patch: Partial<MailStatusView>) => {
    Object.assign(status, patch);
    publish();
  };
  const changed = (folders: readonly string[]) => {
    if (folders.length > 0) events.emit('mail.changed', { folders: [...new Set(folders)].slice(0, 1000) });
  };

  const pscState = (): PscStatusView['state'] | null => (options.authKind === 'psc' && !demo ? (options.psc?.status().state ?? 'signed-out') : null);

  /** The folder the operator files sent messages in: configured, else the one flagged \Sent. */
  const sentFolder = async (v: Vault): Promise<string> => {
    if (account?.sentFolder !== undefined) return account.sentFolder;
    const folders = await v.mailboxFolders();
    return folders.find((f) => f.specialUse === '\\Sent')?.path ?? 'Sent';
  };

  /** Runs the matcher on archives waiting for it; coalesced (one run at a time, one more after). */
  const matchXdm = () => {
    const v = vault;
    if (v === undefined) return;
    if (matching !== null) {
      matchAgain = true;
      return;
    }
    matching = (async () => {
      do {
        matchAgain = false;
        const folders = await matchPendingXdm({ vault: v, mode: options.insMode, log });
        changed(folders);
      } while (matchAgain && vault === v);
    })()
      .catch((error: unknown) => log.warn('mail.xdm.match-failed', { error: error instanceof Error ? error.name : 'unknown' }))
      .finally(() => {
        matching = null;
      });
  };

  const afterChange = async (folders: readonly string[]) => {
    const v = vault;
    if (v === undefined) return;
    try {
      const sent = await sentFolder(v);
      if (folders.includes(sent) && (await v.mailboxMergeSentCopies(sent)) > 0) changed([sent]);
    } catch (error) {
      log.warn('mail.sent-merge.failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
    matchXdm();
  };

  const onError = (error: MailSyncError) => {
    log.warn('mail.session.sync-error', { kind: error.kind, code: error.code });
    if (error.kind === 'auth' && options.authKind === 'psc') set({ connectivity: 'offline', needsPscSignIn: true, message: PSC_EXPIRED, syncing: null });
    else set({ connectivity: error.offline ? 'offline' : status.connectivity, message: error.userMessage, syncing: null });
  };

  const onProgress = (p: SyncProgress) => set({ syncing: { folder: p.folder, done: Math.min(p.done, p.total), total: p.total } });

  const runInitialSync = (s: MailSync) => {
    background = (async () => {
      try {
        const watched = await s.watch();
        if (sync !== s) return;
        set({ lastSyncAt: Date.now(), message: null });
        changed([watched.folder]);
        const results = await s.syncAll({ onProgress });
        if (sync !== s) return;
        const folders = results.filter((r) => r.added + r.updated + r.removed > 0).map((r) => r.folder);
        set({ syncing: null, lastSyncAt: Date.now(), message: null, connectivity: 'online' });
        changed(folders);
        await afterChange(results.map((r) => r.folder));
      } catch (error) {
        if (sync === s) onError(classifyImapError(error));
      }
    })();
  };

  const startSync = () => {
    if (vault === undefined || account === undefined || sync !== undefined || demo) return;
    const s = (options.createSync ?? createMailSync)({
      account,
      vault,
      log,
      ...(options.parse === undefined ? {} : { parse: options.parse }),
      ...(options.reconnectDelayMs === undefined ? {} : { reconnectDelayMs: options.reconnectDelayMs }),
    });
    sync = s;
    // A closed sync may still report (its connection going down): only the current one speaks.
    const current = () => sync === s;
    s.on('changed', (r: SyncResult) => {
      if (!current()) return;
      set({ lastSyncAt: Date.now(), message: null, connectivity: 'online' });
      changed([r.folder]);
      void afterChange([r.folder]);
    });
    s.on('error', (e) => {
      if (current()) onError(e);
    });
    s.on('connection', (state) => {
      if (!current()) return;
      set({ connectivity: state, ...(state === 'online' ? { message: null } : {}) });
      if (state === 'online') options.onOnline?.();
    });
    s.on('progress', (p: SyncProgress) => {
      if (current()) onProgress(p);
    });
    s.on('parsed', (p) => {
      // Parsed rows are in the vault whichever sync parsed them: always re-read.
      changed(p.folders);
      void afterChange(p.folders);
    });
    set({ needsPscSignIn: false, message: null });
    runInitialSync(s);
  };

  let sentTimer: NodeJS.Timeout | undefined;
  const SENT_SETTLE_MS = 1_500;
  const syncSent = async () => {
    const s = sync;
    const v = vault;
    if (s === undefined || v === undefined) return;
    try {
      const folder = await sentFolder(v);
      const result = await s.syncFolder(folder, { onProgress });
      set({ syncing: null });
      if (result.added + result.updated + result.removed > 0) changed([folder]);
      await afterChange([folder]);
    } catch (error) {
      // The periodic resync will bring it: nothing is lost, the local row stays meanwhile.
      log.warn('mail.sent-sync.failed', { error: error instanceof Error ? error.name : 'unknown' });
    }
  };

  const stopSync = async () => {
    if (sentTimer !== undefined) clearTimeout(sentTimer);
    sentTimer = undefined;
    const s = sync;
    sync = undefined;
    if (s === undefined) return;
    await s.close().catch(() => undefined);
    await background.catch(() => undefined);
  };

  /** PSC mailbox: follow the PSC session (sync only while signed in). */
  const followPsc = () => {
    const state = pscState();
    if (state === null || vault === undefined) return;
    if (state === 'signed-in') {
      // Signed in again after the server refused the previous token: a fresh connection.
      if (sync !== undefined && status.needsPscSignIn) void stopSync().then(startSync);
      else startSync();
      return;
    }
    const wasRunning = sync !== undefined;
    void stopSync().then(() => set({ needsPscSignIn: true, connectivity: 'offline', syncing: null, message: state === 'expired' || wasRunning ? PSC_EXPIRED : PSC_SIGN_IN }));
  };

  return {
    async start(v) {
      if (vault !== undefined) return;
      vault = v;
      if (demo) {
        const seeded = await seedDemoMailbox(v).catch((error: unknown) => {
          log.warn('mail.demo.seed-failed', { error: error instanceof Error ? error.name : 'unknown' });
          return 0;
        });
        set({ lastSyncAt: Date.now() });
        if (seeded > 0) changed(['INBOX', 'Sent']);
        matchXdm();
        return;
      }
      if (account === undefined) return;
      if (options.authKind === 'psc') {
        offPsc = events.subscribe((event: EventName) => {
          if (event === 'psc.changed') followPsc();
        });
        followPsc();
      } else startSync();
      matchXdm();
    },
    async stop() {
      offPsc?.();
      offPsc = undefined;
      await stopSync();
      await matching?.catch(() => undefined);
      vault = undefined;
      set({ connectivity: demo ? 'online' : 'unknown', syncing: null });
    },
    status: () => ({ ...status }),
    sentSoon() {
      if (sync === undefined || sentTimer !== undefined) return;
      sentTimer = setTimeout(() => {
        sentTimer = undefined;
        void syncSent();
      }, SENT_SETTLE_MS);
      sentTimer.unref();
    },
    async syncNow() {
      const s = sync;
      if (s === undefined) {
        followPsc();
        return;
      }
      try {
        const results = await s.syncAll({ onProgress });
        set({ syncing: null, lastSyncAt: Date.now(), message: null, connectivity: 'online' });
        changed(results.filter((r) => r.added + r.updated + r.removed > 0).map((r) => r.folder));
        await afterChange(results.map((r) => r.folder));
      } catch (error) {
        onError(classifyImapError(error));
      }
    },
    async storeFlag(id, flag, on) {
      const s = sync;
      if (s === undefined || status.connectivity === 'offline') return false;
      try {
        await s.setFlag(id, flag, on);
        return true;
      } catch (error) {
        const e = classifyImapError(error);
        if (e.offline) {
          set({ connectivity: 'offline', message: e.userMessage });
          return false;
        }
        throw e;
      }
    },
    async replayFlag(p) {
      const v = vault;
      const s = sync;
      if (v === undefined || s === undefined) {
        throw Object.assign(new Error('mail sync not running'), { kind: 'transient', code: 'imap-not-connected', userMessage: 'Messagerie non connectée : la modification sera envoyée au retour de la connexion.', offline: true });
      }
      const loc = await v.messageLocation(p.messageRowId);
      if (loc === null || loc.folder !== p.folder || loc.uid !== p.uid) return 'gone';
      try {
        await s.setFlag(p.messageRowId, p.flag, p.on);
      } catch (error) {
        const e = classifyImapError(error);
        if (e.kind === 'not-found') return 'gone';
        throw offlineFailure(e);
      }
      changed([p.folder]);
      return 'stored';
    },
    async probe() {
      const s = sync;
      if (s === undefined) throw Object.assign(new Error('mail sync not running'), { kind: 'transient', code: 'imap-not-connected', userMessage: 'Messagerie non connectée.', offline: true });
      try {
        await s.listFolders();
      } catch (error) {
        throw offlineFailure(classifyImapError(error));
      }
    },
    async parseNow(id) {
      await sync?.parseNow(id);
    },
    changed,
  };
}
