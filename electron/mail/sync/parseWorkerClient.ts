import { Worker } from 'node:worker_threads';
import type { Logger } from '../../policy/logger.js';
import type { ParsedCompletion } from '../../vault/repo/mailParse.js';
import type { ParseItem } from './malformed.js';
import type { ParseNotes } from './parsePending.js';
import type { FromParser, ToParser } from './parseWorkerProtocol.js';

/**
 * The main thread's side of the parse worker: started on first use, ended after `idleMs`
 * without work (jsdom holds tens of MiB), restarted after a crash. Every request has a deadline:
 * a message that hangs the parser ends the worker instead of the sync.
 */
export class ParseWorkerError extends Error {
  override readonly name = 'ParseWorkerError';
  constructor(readonly code: 'crashed' | 'timeout' | 'failed' | 'closed') {
    super(`parse worker: ${code}`);
  }
}

export interface ParseWorkerClient {
  parse(items: readonly ParseItem[]): Promise<{ completion: ParsedCompletion; notes: ParseNotes }[]>;
  close(): Promise<void>;
}

export interface ParseWorkerClientOptions {
  readonly workerFile?: string | URL;
  readonly log: Logger;
  readonly timeoutMs: number;
  readonly idleMs: number;
}

function defaultWorkerFile(): URL {
  return new URL('./parseWorkerBootstrap.mjs', import.meta.url);
}

interface Pending {
  readonly worker: Worker;
  resolve(results: { completion: ParsedCompletion; notes: ParseNotes }[]): void;
  reject(error: ParseWorkerError): void;
  timer: NodeJS.Timeout;
}

export function createParseWorkerClient(options: ParseWorkerClientOptions): ParseWorkerClient {
  const { log } = options;
  let worker: Worker | null = null;
  let closed = false;
  let nextReq = 1;
  let idleTimer: NodeJS.Timeout | null = null;
  const pending = new Map<number, Pending>();

  /** Fails the requests sent to `w` (all of them when null): a late exit of an ended worker must not fail its successor's. */
  const failAll = (w: Worker | null, error: ParseWorkerError) => {
    for (const [req, p] of pending) {
      if (w !== null && p.worker !== w) continue;
      pending.delete(req);
      clearTimeout(p.timer);
      p.reject(error);
    }
  };

  const end = (w: Worker, why: ParseWorkerError) => {
    if (worker === w) worker = null;
    failAll(w, why);
    void w.terminate();
  };

  const armIdle = () => {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = null;
    if (pending.size > 0 || worker === null) return;
    const w = worker;
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (worker === w && pending.size === 0) {
        worker = null;
        void w.terminate();
      }
    }, options.idleMs);
    idleTimer.unref();
  };

  const start = (): Worker => {
    const w = new Worker(options.workerFile ?? defaultWorkerFile());
    w.on('message', (m: FromParser) => {
      const p = pending.get(m.req);
      if (p === undefined) return;
      pending.delete(m.req);
      clearTimeout(p.timer);
      if (m.type === 'parsed') p.resolve(m.results);
      else {
        log.warn('mail.parse.worker.failed', { error: m.error });
        p.reject(new ParseWorkerError('failed'));
      }
      armIdle();
    });
    w.on('error', (error) => {
      log.error('mail.parse.worker.crashed', { name: error.name });
      end(w, new ParseWorkerError('crashed'));
    });
    w.on('exit', () => {
      if (worker === w) worker = null;
      failAll(w, new ParseWorkerError(closed ? 'closed' : 'crashed'));
    });
    return w;
  };

  return {
    parse(items) {
      if (closed) return Promise.reject(new ParseWorkerError('closed'));
      if (idleTimer !== null) clearTimeout(idleTimer);
      idleTimer = null;
      worker ??= start();
      const w = worker;
      const req = nextReq++;
      const bytes = items.reduce((n, i) => n + i.raw.byteLength, 0);
      const deadline = options.timeoutMs + Math.round((bytes / (1024 * 1024)) * 2_000);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          log.warn('mail.parse.worker.timeout', { messages: items.length, ms: deadline });
          end(w, new ParseWorkerError('timeout'));
        }, deadline);
        pending.set(req, { worker: w, resolve, reject, timer });
        // Copied, not transferred: after a crash the same sources are retried one by one.
        const message: ToParser = { type: 'parse', req, items: items.map((i) => ({ id: i.id, date: i.date, raw: i.raw })) };
        w.postMessage(message);
      });
    },
    async close() {
      closed = true;
      if (idleTimer !== null) clearTimeout(idleTimer);
      const w = worker;
      worker = null;
      failAll(null, new ParseWorkerError('closed'));
      if (w !== null) await w.terminate();
    },
  };
}
