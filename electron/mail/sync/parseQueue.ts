import type { Logger } from '../../policy/logger.js';
import type { ParsedCompletion, PendingParse } from '../../vault/repo/mailParse.js';
import { unreadableCompletion, type ParseItem } from './malformed.js';
import { createParseWorkerClient, ParseWorkerError, type ParseWorkerClient } from './parseWorkerClient.js';
import type { MailSyncVault, ParsedEvent, ParseOptions } from './types.js';

/**
 * Parses what the sync stored as pending, in the background: batches read from the vault in
 * storage order (the sync stores the newest page first), parsed in the worker, completed in the
 * vault in one transaction each. One batch in flight: the queue is bounded by the batch size,
 * whatever the mailbox holds. Pending rows survive a crash and are taken up at the next start.
 *
 * A batch the worker cannot parse (crash, deadline) is retried one message at a time; a message
 * that fails alone is completed as unreadable (MIME-error marker, source kept): never lost, and
 * never retried forever.
 */
export interface ParseQueue {
  /** Something may be pending: start (or continue) the background pass. */
  kick(): void;
  parseNow(id: number): Promise<boolean>;
  /**
   * Background batches wait while a folder is being fetched (the fetch, the vault writes and the
   * parser would share the same cores; listing comes first). `parseNow` never waits. Returns the
   * release function.
   */
  hold(): () => void;
  /** Resolves when no background pass is running (tests, bench). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface ParseQueueOptions {
  readonly vault: Pick<MailSyncVault, 'pendingParses' | 'pendingParse' | 'completeParsedMessages'>;
  readonly log: Logger;
  readonly parse?: ParseOptions;
  readonly onParsed: (event: ParsedEvent) => void;
  readonly onError: (error: unknown) => void;
}

/** A pass ends after this many batches even if more keep coming; the next kick continues. */
const MAX_BATCHES_PER_PASS = 100_000;

export function createParseQueue(options: ParseQueueOptions): ParseQueue {
  const { vault, log } = options;
  const batchSize = options.parse?.batchSize ?? 50;
  const batchBytes = options.parse?.batchBytes ?? 8 * 1024 * 1024;
  const worker: ParseWorkerClient = createParseWorkerClient({
    log,
    timeoutMs: options.parse?.timeoutMs ?? 30_000,
    idleMs: options.parse?.idleMs ?? 30_000,
    ...(options.parse?.workerFile === undefined ? {} : { workerFile: options.parse.workerFile }),
  });
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  const now = new Map<number, Promise<boolean>>();
  let holds = 0;
  let released: (() => void) | null = null;
  let whenReleased: Promise<void> | null = null;

  const toItem = (p: PendingParse): ParseItem => ({ id: p.id, date: p.date, raw: p.raw });

  /** The worker's answer, or per-message retries when it failed on the batch. */
  const parseItems = async (items: readonly ParseItem[]): Promise<ParsedCompletion[]> => {
    try {
      const results = await worker.parse(items);
      const refused = results.filter((r) => r.notes.xdmRefused !== null).map((r) => r.notes.xdmRefused);
      if (refused.length > 0) log.warn('mail.parse.xdm-refused', { count: refused.length, codes: [...new Set(refused)].join(',') });
      return results.map((r) => r.completion);
    } catch (error) {
      if (!(error instanceof ParseWorkerError) || error.code === 'closed') throw error;
      if (items.length === 1) {
        const [item] = items as [ParseItem];
        log.warn('mail.parse.unreadable', { id: item.id, code: error.code });
        return [unreadableCompletion(item, `parse:worker-${error.code}`)];
      }
      log.warn('mail.parse.batch-retry', { messages: items.length, code: error.code });
      const out: ParsedCompletion[] = [];
      for (const item of items) out.push(...(await parseItems([item])));
      return out;
    }
  };

  const complete = async (completions: ParsedCompletion[]): Promise<void> => {
    if (completions.length === 0) return;
    const malformed = completions.filter((c) => c.mimeError !== null).length;
    if (malformed > 0) log.warn('mail.sync.malformed', { count: malformed });
    const result = await vault.completeParsedMessages({ messages: completions });
    if (result.ids.length > 0) options.onParsed({ folders: result.folders, ids: result.ids });
  };

  const pass = async (): Promise<void> => {
    let cursor = 0;
    for (let batches = 0; batches < MAX_BATCHES_PER_PASS && !closed; batches += 1) {
      if (whenReleased !== null) await whenReleased;
      if (closed) return;
      const batch = await vault.pendingParses({ afterId: cursor, limit: batchSize, maxBytes: batchBytes });
      const last = batch.at(-1);
      if (last === undefined) {
        // Messages stored behind the cursor while this pass ran: one more pass for them.
        if (!again) return;
        again = false;
        cursor = 0;
        continue;
      }
      cursor = last.id;
      const started = performance.now();
      await complete(await parseItems(batch.map(toItem)));
      log.debug('mail.parse.batch', { messages: batch.length, ms: Math.round(performance.now() - started) });
    }
  };

  const queue: ParseQueue = {
    kick() {
      if (closed) return;
      again = true;
      if (running !== null) return;
      again = false;
      running = pass()
        .catch((error: unknown) => {
          if (!closed) options.onError(error);
        })
        .finally(() => {
          running = null;
          if (again && !closed) queue.kick();
        });
    },
    hold() {
      holds += 1;
      whenReleased ??= new Promise((resolve) => {
        released = resolve;
      });
      let done = false;
      return () => {
        if (done) return;
        done = true;
        holds -= 1;
        if (holds > 0) return;
        const r = released;
        released = null;
        whenReleased = null;
        r?.();
      };
    },
    parseNow(id) {
      const existing = now.get(id);
      if (existing !== undefined) return existing;
      const run = (async () => {
        const p = await vault.pendingParse(id);
        if (p === null) return false;
        await complete(await parseItems([toItem(p)]));
        return true;
      })().finally(() => now.delete(id));
      now.set(id, run);
      return run;
    },
    async idle() {
      for (let i = 0; i < 1_000 && running !== null; i += 1) await running;
    },
    async close() {
      closed = true;
      released?.();
      await worker.close();
      await Promise.race([running ?? Promise.resolve(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    },
  };
  return queue;
}
