import type { ImapFlow, MailboxObject } from 'imapflow';
import type { Logger } from '../../policy/logger.js';
import { sortedFlags } from './imapConnection.js';
import { fetchAndStore, listFolder, rangesOf, uidRanges, uidSizes, type UidRange } from './pageFetch.js';
import type { MailSyncVault, SyncProgress, SyncResult } from './types.js';

/**
 * Plans and runs the sync of one folder (the caller holds the connection exclusively).
 *
 * - First sync, or UIDVALIDITY changed (the server renumbered the folder: stored UIDs mean
 *   nothing, the folder's messages are dropped): the folder is fetched by UID ranges, newest
 *   first, with no listing. A first sync interrupted half-way resumes: UIDs and sizes are listed
 *   and only what is not stored yet (pending or parsed) is fetched.
 * Background parsing waits while a folder is fetched (same cores; listing comes first).
 * - Otherwise UIDVALIDITY + HIGHESTMODSEQ + UIDNEXT: nothing changed → nothing is written. With
 *   QRESYNC the SELECT itself reports flag changes and expunges (VANISHED), collected while it
 *   runs; without it, changed flags are asked for and UID lists are diffed. Then new UIDs.
 */
export interface Collector {
  readonly path: string;
  readonly flags: Map<number, string[]>;
  readonly vanished: Set<number>;
}

export interface FolderSyncContext {
  readonly vault: MailSyncVault;
  readonly log: Logger;
  /** Messages and source bytes per vault write. */
  readonly pageSize: number;
  readonly maxPageBytes: number;
  /** Set while the SELECT runs: the connection's flag/expunge events land in it. */
  setCollector(collector: Collector | null): void;
  progress(p: SyncProgress): void;
  /** A page is stored: the parse queue has work. */
  stored(): void;
  /** A fetch starts: background parsing waits until the returned release is called. */
  holdParsing(): () => void;
}

export async function syncFolderOn(c: ImapFlow, path: string, ctx: FolderSyncContext): Promise<SyncResult> {
  const { vault, log } = ctx;
  const started = performance.now();
  const state = await vault.getFolderSyncState(path);
  const col: Collector = { path, flags: new Map(), vanished: new Set() };
  ctx.setCollector(col);
  let box: MailboxObject;
  try {
    box = await c.mailboxOpen(path, state === null ? {} : { uidValidity: state.uidValidity, changedSince: state.highestModseq });
  } finally {
    ctx.setCollector(null);
  }
  const uidValidity = Number(box.uidValidity);
  const highestModseq = (box.highestModseq ?? 0n).toString();
  const save = () => vault.saveFolderSyncState({ path, specialUse: box.specialUse ?? null, uidValidity, highestModseq, uidNext: box.uidNext });
  const report = (full: boolean, added: number, updated: number, removed: number): SyncResult => {
    const result = { folder: path, full, added, updated, removed, ms: Math.round(performance.now() - started) };
    log.info('mail.sync.folder', { folder: path, full, added, updated, removed, ms: result.ms });
    return result;
  };
  /** Fetches and stores `ranges`, parsing held meanwhile; progress from `done` of `total`. */
  const fetchRanges = async (ranges: readonly UidRange[], done: number, total: number): Promise<number> => {
    ctx.progress({ folder: path, done, total });
    if (ranges.length === 0) return 0;
    const release = ctx.holdParsing();
    try {
      return await fetchAndStore(c, ranges, {
        vault,
        path,
        batchSize: ctx.pageSize,
        batchBytes: ctx.maxPageBytes,
        onStored: (n: number) => {
          done += n;
          ctx.progress({ folder: path, done: Math.min(done, total), total });
          ctx.stored();
        },
      });
    } finally {
      release();
    }
  };
  // One FETCH streams this many messages (a few round trips for a whole folder).
  const perRange = ctx.pageSize * 4;

  if (state === null || state.uidValidity !== uidValidity) {
    if (state !== null) log.warn('mail.sync.uidvalidity-changed', { folder: path });
    const removedOld = state !== null ? await vault.resetMailFolder(path) : 0;
    const known = new Set(await vault.folderUids(path));
    if (known.size === 0) {
      // Nothing stored: no listing, the folder is fetched by UID ranges straight away.
      const added = await fetchRanges(uidRanges(box.exists, box.uidNext, perRange), 0, box.exists);
      await save();
      return report(true, added, 0, removedOld);
    }
    // A first sync interrupted half-way: list, drop what is gone, fetch only what is missing.
    const listed = await listFolder(c, box.exists, box.uidNext);
    const onServer = new Set(listed.map((m) => m.uid));
    const gone = [...known].filter((u) => !onServer.has(u));
    const removed = removedOld + (gone.length > 0 ? await vault.removeExpunged({ folder: path, uids: gone }) : 0);
    const todo = listed.filter((m) => !known.has(m.uid));
    const added = await fetchRanges(rangesOf(todo, perRange, 4 * ctx.maxPageBytes), listed.length - todo.length, listed.length);
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
    added = await fetchRanges(rangesOf(fresh, perRange, 4 * ctx.maxPageBytes), 0, fresh.length);
  }
  await save();
  return report(false, added, updated, removed);
}
