import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../policy/logger.js';
import type { ParsedCompletion, PendingParse } from '../../vault/repo/mailParse.js';
import { MALFORMED_MARKER } from './malformed.js';
import { createParseQueue, type ParseQueue } from './parseQueue.js';
import type { ParsedEvent } from './types.js';

/**
 * The queue's logic with an in-memory vault and a stand-in worker (a real worker thread that
 * answers at once, dies on a source containing CRASH, and never answers one containing HANG):
 * batches in order, bounded, a failed batch retried message by message, a message that kills or
 * hangs the worker completed as unreadable — never lost, never retried forever.
 */
const STAND_IN = `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => {
  const text = m.items.map((i) => Buffer.from(i.raw).toString()).join(' ');
  if (text.includes('CRASH')) process.exit(3);
  if (text.includes('HANG')) return;
  parentPort.postMessage({ type: 'parsed', req: m.req, results: m.items.map((i) => ({ notes: { xdmRefused: null }, completion: {
    id: i.id, bodyText: 'lu : ' + Buffer.from(i.raw).toString(), bodyHtml: null, remoteContentBlocked: false, mimeError: null, cc: [], hasAttachments: false,
    headerBlock: null, inReplyTo: null, referencesIds: [], dispositionNotificationTo: null, returnPath: null, readReceiptAsked: false, attachments: [], receipt: null, xdm: null } })) });
});
`;

function memoryVault(sources: readonly string[]) {
  const pending = new Map<number, PendingParse>(sources.map((s, i) => [i + 1, { id: i + 1, folder: 'INBOX', date: 0, raw: Buffer.from(s) }]));
  const done = new Map<number, ParsedCompletion>();
  const batches: number[][] = [];
  return {
    done,
    batches,
    pending,
    vault: {
      async pendingParses(args: { afterId: number; limit: number; maxBytes: number }) {
        const batch = [...pending.values()].filter((p) => p.id > args.afterId).slice(0, args.limit);
        batches.push(batch.map((p) => p.id));
        return batch;
      },
      async pendingParse(id: number) {
        return pending.get(id) ?? null;
      },
      async completeParsedMessages(args: { messages: readonly ParsedCompletion[] }) {
        const ids = args.messages.filter((m) => pending.delete(m.id)).map((m) => m.id);
        for (const m of args.messages) if (ids.includes(m.id)) done.set(m.id, m);
        return { ids, folders: ids.length > 0 ? ['INBOX'] : [] };
      },
    },
  };
}

let queue: ParseQueue | null = null;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-parsequeue-'));
const workerFile = path.join(dir, 'standIn.mjs');
fs.writeFileSync(workerFile, STAND_IN);

afterEach(async () => {
  await queue?.close();
  queue = null;
});

function start(sources: readonly string[], timeoutMs = 10_000) {
  const mem = memoryVault(sources);
  const events: ParsedEvent[] = [];
  const errors: unknown[] = [];
  queue = createParseQueue({ vault: mem.vault, log: silentLogger, parse: { workerFile, batchSize: 3, timeoutMs, idleMs: 200 }, onParsed: (e) => events.push(e), onError: (e) => errors.push(e) });
  return { ...mem, events, errors, queue };
}

describe('parse queue', () => {
  it('parses pending messages in batches, in order, and reports each batch', async () => {
    const { queue: q, done, events, batches, errors } = start(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    q.kick();
    await q.idle();
    expect([...done.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(done.get(5)?.bodyText).toBe('lu : e');
    expect(events.map((e) => e.ids)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(batches.every((b) => b.length <= 3)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('waits while held (a folder is being fetched), parseNow does not', async () => {
    const { queue: q, done } = start(['a', 'b']);
    const release = q.hold();
    q.kick();
    expect(await q.parseNow(2)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect([...done.keys()]).toEqual([2]);
    release();
    await q.idle();
    expect([...done.keys()].sort()).toEqual([1, 2]);
    expect(await q.parseNow(1)).toBe(false);
  });

  it('keeps a message that kills the worker, as unreadable, and parses the others of its batch', async () => {
    const { queue: q, done, errors } = start(['a', 'CRASH here', 'c', 'd']);
    q.kick();
    await q.idle();
    expect([...done.keys()].sort()).toEqual([1, 2, 3, 4]);
    expect(done.get(1)?.bodyText).toBe('lu : a');
    expect(done.get(3)?.bodyText).toBe('lu : c');
    expect(done.get(2)).toMatchObject({ mimeError: 'parse:worker-crashed' });
    expect(done.get(2)?.bodyText.startsWith(MALFORMED_MARKER)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('ends a worker that hangs on a message, within the deadline, and keeps the message', async () => {
    const { queue: q, done } = start(['HANG', 'b'], 300);
    const started = Date.now();
    q.kick();
    await q.idle();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(done.get(1)).toMatchObject({ mimeError: 'parse:worker-timeout' });
    expect(done.get(2)?.bodyText).toBe('lu : b');
  });
});
