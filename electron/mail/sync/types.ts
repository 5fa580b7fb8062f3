import type { Logger } from '../../policy/logger.js';
import type { VaultApi } from '../../vault/server.js';
import type { MailAccountSettings } from '../smtp/settings.js';
import type { MailSyncError } from './errors.js';

/** The public shapes of the IMAP sync (`createMailSync`): see index.ts for how to use them. */
export type MailSyncVault = Pick<
  VaultApi,
  | 'getFolderSyncState'
  | 'saveFolderSyncState'
  | 'resetMailFolder'
  | 'storePendingMessages'
  | 'applyFlagChanges'
  | 'removeExpunged'
  | 'folderUids'
  | 'messageLocation'
  | 'setMessageFlags'
  | 'pendingParses'
  | 'pendingParse'
  | 'completeParsedMessages'
>;

export interface MailFolder {
  readonly path: string;
  readonly name: string;
  readonly delimiter: string;
  /** `\Inbox`, `\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`, … or null. */
  readonly specialUse: string | null;
  readonly selectable: boolean;
}

/** Messages of a folder fetched and listed so far (parsing comes after, see `parsed`). */
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

export interface ParseOptions {
  /**
   * The parse worker script. Default: `parseWorkerBootstrap.mjs` beside this file (the
   * TypeScript worker through tsx: development and tests). A packaged build passes its bundled
   * `mailParseWorker.cjs` (HostDeps.mailParseWorkerFile).
   */
  readonly workerFile?: string | URL;
  /** Messages per parse batch (default 50) … */
  readonly batchSize?: number;
  /** … and source bytes per batch (default 8 MiB). */
  readonly batchBytes?: number;
  /** A batch not parsed within this time (plus 2 s per MiB) ends the worker (default 30 s). */
  readonly timeoutMs?: number;
  /** The worker is ended after this long without work, to give its memory back (default 30 s). */
  readonly idleMs?: number;
}

export interface MailSyncOptions {
  readonly account: MailAccountSettings;
  readonly vault: MailSyncVault;
  readonly log: Logger;
  /** Messages per page (default 500) … */
  readonly pageSize?: number;
  /** … and bytes per page (default 16 MiB: attachments make some mails large). */
  readonly maxPageBytes?: number;
  /** The folder kept selected for IDLE push (default INBOX). */
  readonly watchFolder?: string;
  readonly timeouts?: Partial<MailSyncTimeouts>;
  /** While watching, a dropped connection is reopened after this delay, doubled up to 60 s (default 1 s). */
  readonly reconnectDelayMs?: number;
  /**
   * While watching, the other folders are resynced this often (default 5 min; 0: never). IDLE
   * only watches one folder; this catches mail filed elsewhere by the server or another client.
   */
  readonly otherFoldersEveryMs?: number;
  readonly parse?: ParseOptions;
}

export interface ParsedEvent {
  readonly folders: string[];
  readonly ids: number[];
}

export interface MailSyncEvents {
  /** New mail, flag changes or expunges pushed by the server and already applied to the vault. */
  changed: [SyncResult];
  /** Fetch progress of every folder sync (asked for, scheduled or pushed). */
  progress: [SyncProgress];
  /** A batch of stored messages was parsed (bodies, attachments, receipts, XDM): re-read them. */
  parsed: [ParsedEvent];
  /** A background (push, scheduled, parse) task failed; `offline` tells the UI to show its banner. */
  error: [MailSyncError];
  /** The connection went up or down. */
  connection: ['online' | 'offline'];
}

export interface MailSync {
  listFolders(): Promise<MailFolder[]>;
  /** Fetches and lists what changed; bodies are parsed afterwards in the background (`parsed`). */
  syncFolder(path: string, options?: SyncOptions): Promise<SyncResult>;
  /** Every selectable folder (the watched one first), then back to watching. */
  syncAll(options?: SyncOptions): Promise<SyncResult[]>;
  setSeen(messageId: number, seen: boolean): Promise<void>;
  setFlag(messageId: number, flag: string, on: boolean): Promise<void>;
  /** Connects, syncs the watched folder and stays on it (IDLE); other folders are resynced periodically. */
  watch(): Promise<SyncResult>;
  /**
   * Parses a stored message now if it still waits for parsing (call before showing it).
   * Resolves true when it was parsed by this call, false when there was nothing to do.
   */
  parseNow(messageId: number): Promise<boolean>;
  on<E extends keyof MailSyncEvents>(event: E, listener: (...args: MailSyncEvents[E]) => void): MailSync;
  off<E extends keyof MailSyncEvents>(event: E, listener: (...args: MailSyncEvents[E]) => void): MailSync;
  close(): Promise<void>;
}
