import type { FetchMessageObject, ImapFlow, MessageAddressObject } from 'imapflow';
import type { PendingMessage } from '../../vault/repo/mailParse.js';
import { sortedFlags } from './imapConnection.js';
import { topContentType } from './malformed.js';
import type { MailSyncVault } from './types.js';

/**
 * Fetch and store, no parsing: UID ranges (newest first, so the top of the list fills first),
 * each fetched with its sources, envelopes, flags, dates and sizes in one UID FETCH, and written
 * as they stream in, in batches (one vault transaction each, bounded by count and bytes) as
 * pending — listed at once, parsed later. The vault writes one batch while IMAP streams the next
 * (imapflow holds the stream while a batch waits: memory stays bounded).
 */
export interface UidSize {
  readonly uid: number;
  readonly size: number;
}

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

/** UIDs (ascending) and sizes of `range` (UID set): the plan of a sync, before any body is read. */
export async function uidSizes(c: ImapFlow, range: string): Promise<UidSize[]> {
  const out: UidSize[] = [];
  for await (const m of c.fetch(range, { uid: true, size: true }, { uid: true })) out.push({ uid: m.uid, size: m.size ?? 0 });
  return out.sort((a, b) => a.uid - b.uid);
}

/** A UID set to fetch; `minUid` filters what an open range ("N:*") matches below N. */
export interface UidRange {
  readonly set: string;
  readonly minUid: number;
}

/** The UIDs of a folder (from EXISTS and UIDNEXT) as ranges of about `perRange` messages, newest first. */
export function uidRanges(exists: number, uidNext: number, perRange: number): UidRange[] {
  if (exists <= 0) return [];
  const count = Math.max(1, Math.ceil(exists / perRange));
  const span = Math.max(1, Math.ceil(Math.max(1, uidNext - 1) / count));
  const ranges: UidRange[] = [];
  for (let i = 0, start = 1; i < count; i += 1, start += span) {
    // The last range is open ("N:*"), which also matches the highest UID when it is below N.
    ranges.push({ set: i === count - 1 ? `${start}:*` : `${start}:${start + span - 1}`, minUid: start });
  }
  return ranges.reverse();
}

/**
 * Every UID and size of a selected folder, in UID ranges of about `perChunk` messages: one answer
 * of 10,000 lines kept the event loop busy ~0.3 s, five of 2,000 do not. UID ranges, not
 * sequence numbers: an expunge in between cannot shift them.
 */
export async function listFolder(c: ImapFlow, exists: number, uidNext: number, perChunk = 2_000): Promise<UidSize[]> {
  const out: UidSize[] = [];
  for (const r of uidRanges(exists, uidNext, perChunk)) for (const m of await uidSizes(c, r.set)) if (m.uid >= r.minUid) out.push(m);
  const seen = new Set<number>();
  return out.filter((m) => !seen.has(m.uid) && seen.add(m.uid)).sort((a, b) => a.uid - b.uid);
}

/** Pages of at most `pageSize` messages and `maxPageBytes` (a page is held in memory until stored), newest first. */
export function pagesOf(items: readonly UidSize[], pageSize: number, maxPageBytes: number): number[][] {
  const pages: number[][] = [];
  let page: number[] = [];
  let bytes = 0;
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const { uid, size } = items[i] as UidSize;
    if (page.length > 0 && (page.length >= pageSize || bytes + size > maxPageBytes)) {
      pages.push(page.reverse());
      page = [];
      bytes = 0;
    }
    page.push(uid);
    bytes += size;
  }
  if (page.length > 0) pages.push(page.reverse());
  return pages;
}

function addressList(list: readonly MessageAddressObject[] | undefined): string[] {
  return (list ?? []).map((a) => a.address ?? a.name).filter((a): a is string => typeof a === 'string' && a !== '');
}

/**
 * Whether the list shows a paperclip before parsing: a multipart/mixed (or a report) usually
 * carries attachments. Read from the source's own header — fetching BODYSTRUCTURE for it cost
 * ~20 % of the fetch — and corrected when the message is parsed.
 */
export function announcesAttachment(source: Buffer | undefined): boolean {
  if (source === undefined) return false;
  return /^\s*multipart\/(mixed|report)\b/i.test(topContentType(source) ?? '');
}

/** A source that owns its memory: a view on a larger buffer would be copied whole to the vault worker. */
function ownBytes(source: Buffer | undefined): Uint8Array {
  if (source === undefined) return new Uint8Array(0);
  return source.byteOffset === 0 && source.byteLength === source.buffer.byteLength ? source : new Uint8Array(source);
}

export function toPending(m: FetchMessageObject): PendingMessage {
  const env = m.envelope;
  const internal = m.internalDate === undefined ? NaN : new Date(m.internalDate).getTime();
  const sent = env?.date === undefined ? NaN : new Date(env.date).getTime();
  return {
    uid: m.uid,
    messageId: env?.messageId ?? null,
    date: Number.isFinite(sent) ? sent : Number.isFinite(internal) ? internal : 0,
    from: addressList(env?.from)[0] ?? '',
    to: addressList(env?.to),
    cc: addressList(env?.cc),
    subject: env?.subject ?? '',
    inReplyTo: env?.inReplyTo ?? null,
    flags: sortedFlags(m.flags),
    size: m.size ?? m.source?.length ?? 0,
    hasAttachments: announcesAttachment(m.source),
    raw: ownBytes(m.source),
  };
}

export interface FetchStoreOptions {
  readonly vault: Pick<MailSyncVault, 'storePendingMessages'>;
  readonly path: string;
  /** Messages per vault batch … */
  readonly batchSize: number;
  /** … and source bytes per batch (one large message alone may exceed it). */
  readonly batchBytes: number;
  /** After each batch is in the vault: how many messages it held. */
  readonly onStored: (count: number) => void;
}

const QUERY = { uid: true, flags: true, internalDate: true, size: true, envelope: true, source: true } as const;

/** Returns how many messages were inserted (UIDs already stored are skipped by the vault). */
export async function fetchAndStore(c: ImapFlow, ranges: readonly UidRange[], options: FetchStoreOptions): Promise<number> {
  let added = 0;
  let storing: Promise<void> = Promise.resolve();
  let batch: PendingMessage[] = [];
  let bytes = 0;
  const seen = new Set<number>();
  const flush = async () => {
    // At most one batch waits for the vault while the next one streams in.
    await storing;
    const messages = batch;
    batch = [];
    bytes = 0;
    storing = options.vault.storePendingMessages({ folder: options.path, messages }).then((ids) => {
      added += ids.length;
      options.onStored(messages.length);
    });
    // Handled here so a failed write is not "unhandled" while the next batch streams in; it is
    // still thrown by the next `await storing`.
    storing.catch(() => undefined);
  };
  for (const range of ranges) {
    for await (const m of c.fetch(range.set, QUERY, { uid: true })) {
      if (m.uid < range.minUid || seen.has(m.uid)) continue;
      seen.add(m.uid);
      const pending = toPending(m);
      batch.push(pending);
      bytes += pending.raw.byteLength;
      if (batch.length >= options.batchSize || bytes >= options.batchBytes) await flush();
    }
  }
  if (batch.length > 0) await flush();
  await storing;
  return added;
}

/** UIDs to fetch (ascending, with sizes) as FETCH ranges of at most `perRange` messages and `maxBytes`, newest first. */
export function rangesOf(items: readonly UidSize[], perRange: number, maxBytes: number): UidRange[] {
  return pagesOf(items, perRange, maxBytes).map((page) => ({ set: toSequenceSet(page), minUid: page[0] ?? 1 }));
}
