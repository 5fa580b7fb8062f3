import type { Logger } from '../policy/logger.js';
import type { Vault } from '../vault/client.js';
import type { OutboxJobRow, OutboxSettlement } from '../vault/repo/outboxJobs.js';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import { createConnectivity } from './connectivity.js';
import { INVALID_MESSAGE, settleFailure, settleResult } from './settlement.js';
import { toJobFailure, type JobKind, type NewJob, type OutboxEvent, type OutboxJobSummary, type OutboxState, type OutboxStatus } from './types.js';

export type OutboxVault = Pick<Vault, 'outboxEnqueue' | 'outboxRecover' | 'outboxClaimDue' | 'outboxSettle' | 'outboxNextDueAt' | 'outboxList' | 'outboxCounts' | 'outboxRetryNow' | 'outboxCancel' | 'outboxResumeKind'>;

export interface OutboxOptions {
  readonly vault: OutboxVault;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own payload type
  readonly kinds: readonly JobKind<any>[];
  readonly log: Logger;
  readonly retry?: RetryPolicy;
  readonly probe?: { readonly baseMs: number; readonly maxMs: number };
  readonly isCardPresent?: () => boolean;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface Outbox {
  /** Replays the queue: jobs left `sending` by a crash are checked on the server first. */
  start(): Promise<void>;
  /** Stops dispatching and waits for the jobs in flight to be recorded. */
  stop(): Promise<void>;
  enqueue(jobs: readonly NewJob[]): Promise<(number | null)[]>;
  list(args?: { states?: readonly OutboxState[]; limit?: number }): Promise<OutboxJobSummary[]>;
  counts(): Promise<Partial<Record<OutboxState, number>>>;
  status(): OutboxStatus;
  retryNow(id: number): Promise<boolean>;
  /** Refused (false) while the job is in flight or finished. */
  cancel(id: number): Promise<boolean>;
  /** The user signed in again: the kind's `needs-user` jobs go back to the queue. */
  resumeKind(kind: string): Promise<number>;
  cardChanged(present: boolean): void;
  /** The OS reports a network change: probe offline peers now. */
  networkChanged(): void;
  on(listener: (event: OutboxEvent) => void): () => void;
  /** Tests: resolves when nothing is in flight and nothing is runnable right now. */
  waitForIdle(): Promise<void>;
}


export function createOutbox(options: OutboxOptions): Outbox {
  const { vault, log } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const retry = options.retry ?? DEFAULT_RETRY;
  const kinds = new Map(options.kinds.map((k) => [k.kind, k]));
  const perKind = new Map<string, number>();
  const inFlight = new Set<number>();
  const paused = new Set<string>();
  const listeners = new Set<(event: OutboxEvent) => void>();
  let cardPresent = options.isCardPresent?.() ?? true;
  let running = false;
  let pumping = false;
  let again = false;
  let idleAfterPump = false;
  let timer: NodeJS.Timeout | null = null;
  let settleQueue: { s: OutboxSettlement; done: () => void }[] = [];
  let flushing: Promise<void> | null = null;
  let counts: Partial<Record<OutboxState, number>> = {};
  let idleWaiters: (() => void)[] = [];

  const emit = (event: OutboxEvent) => {
    for (const l of listeners) l(event);
  };
  const connectivity = createConnectivity({
    log,
    random,
    now,
    ...(options.probe === undefined ? {} : { baseMs: options.probe.baseMs, maxMs: options.probe.maxMs }),
    probe: async (peer) => {
      const kind = [...kinds.values()].find((k) => k.peer === peer);
      await kind?.probe();
    },
    onChange: () => {
      emitStatus();
      void pump();
    },
  });
  const status = (): OutboxStatus => ({
    connectivity: connectivity.offlinePeers().length > 0 ? 'offline' : 'online',
    offlinePeers: connectivity.offlinePeers(),
    nextProbeAt: connectivity.nextProbeAt(),
    waitingForCard: !cardPresent && [...kinds.values()].some((k) => k.needsCard),
    pausedKinds: [...paused],
    inFlight: inFlight.size,
    counts,
  });
  const emitStatus = () => emit({ type: 'status', status: status() });
  // Counts for the status bar, at most every 200 ms: a flush of 1,000 jobs must not pay a
  // GROUP BY per commit.
  let countsTimer: NodeJS.Timeout | null = null;
  const refreshCounts = () => {
    countsTimer ??= setTimeout(() => {
      void vault.outboxCounts().then((c) => {
        counts = c;
        countsTimer = null;
        emitStatus();
      }, () => (countsTimer = null));
    }, 200);
  };
  const runnableKinds = () =>
    [...kinds.values()].filter((k) => !paused.has(k.kind) && !connectivity.isOffline(k.peer) && (cardPresent || !k.needsCard));

  const checkIdle = () => {
    if (idleWaiters.length === 0 || pumping || !idleAfterPump || inFlight.size > 0 || settleQueue.length > 0 || flushing !== null) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  const flush = async () => {
    while (settleQueue.length > 0) {
      const batch = settleQueue;
      settleQueue = [];
      // Group commit: every job that finished since the last commit shares one fsync.
      await vault.outboxSettle(batch.map((b) => b.s));
      for (const b of batch) b.done();
      for (const b of batch) emit({ type: 'job', id: b.s.id, state: b.s.state });
      refreshCounts();
    }
    flushing = null;
  };
  const record = (s: OutboxSettlement): Promise<void> =>
    new Promise((resolve) => {
      settleQueue.push({ s, done: resolve });
      flushing ??= new Promise<void>((r) => setImmediate(r)).then(flush).catch((error: unknown) => {
        flushing = null;
        log.error('outbox.settle.failed', { name: (error as Error).name });
      });
    });

  const run = async (job: OutboxJobRow, kind: JobKind) => {
    const startedAt = now();
    let settlement: OutboxSettlement;
    let payload: unknown;
    try {
      payload = JSON.parse(job.payload);
    } catch {
      payload = undefined;
    }
    const parsed = kind.schema.safeParse(payload);
    if (!parsed.success) {
      log.warn('outbox.job.invalid', { id: job.id, kind: kind.kind });
      settlement = { id: job.id, state: 'invalid', errorCode: 'payload-invalid', errorMessage: INVALID_MESSAGE, attemptsDelta: -1 };
    } else {
      try {
        settlement = settleResult(job, kind, log, await kind.run(parsed.data, { id: job.id, attempts: job.attempts, checkServer: job.checkServer, claimedAt: job.claimedAt }));
      } catch (error) {
        const f = toJobFailure(error);
        log.warn('outbox.job.failed', { id: job.id, kind: kind.kind, failure: f.kind, code: f.code, attempts: job.attempts });
        if (f.offline === true) connectivity.markOffline(kind.peer);
        if (f.kind === 'needs-user') paused.add(kind.kind);
        settlement = settleFailure(job, f, { startedAt, now: now(), retry, random });
      }
    }
    await record(settlement);
    inFlight.delete(job.id);
    perKind.set(kind.kind, (perKind.get(kind.kind) ?? 1) - 1);
    void pump();
  };

  const pump = async (): Promise<void> => {
    if (!running) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    idleAfterPump = false;
    try {
      let room = 0;
      let claimedAll = false;
      do {
        again = false;
        const slots = Object.fromEntries(runnableKinds().map((k) => [k.kind, Math.max(0, k.concurrency - (perKind.get(k.kind) ?? 0))]));
        room = Object.values(slots).reduce((n, v) => n + v, 0);
        if (room === 0) break;
        // `sending` is committed before the first byte leaves: after a crash, these are the
        // jobs to check on the server.
        const claimed = await vault.outboxClaimDue({ now: now(), room: slots });
        for (const job of claimed) {
          const kind = kinds.get(job.kind);
          if (kind === undefined || inFlight.has(job.id)) continue;
          inFlight.add(job.id);
          perKind.set(job.kind, (perKind.get(job.kind) ?? 0) + 1);
          emit({ type: 'job', id: job.id, state: 'sending' });
          void run(job, kind);
        }
        claimedAll = claimed.length === room;
        again = again || claimedAll;
      } while (again && running);
      // Slots left and nothing due now: wake up when the next job falls due.
      if (!claimedAll) await arm();
    } catch (error) {
      log.error('outbox.pump.failed', { name: (error as Error).name });
    } finally {
      pumping = false;
      idleAfterPump = true;
    }
    if (again) void pump();
    checkIdle();
  };

  // Wakes the queue when the next job of a kind with a free slot falls due. Kinds without a
  // free slot are left out: one of their completions pumps anyway (no busy loop). A job that
  // fell due while this pump was querying gets an immediate timer, not a missed wake-up.
  const arm = async () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const kindsWithRoom = runnableKinds().filter((k) => (perKind.get(k.kind) ?? 0) < k.concurrency);
    if (kindsWithRoom.length === 0) return;
    const next = await vault.outboxNextDueAt({ kinds: kindsWithRoom.map((k) => k.kind) });
    if (next === null || !running) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => void pump(), Math.min(Math.max(0, next - now()), 2 ** 31 - 1));
  };

  return {
    async start() {
      const recovered = await vault.outboxRecover();
      if (recovered > 0) log.info('outbox.recovered', { jobs: recovered });
      for (const j of await vault.outboxList({ states: ['needs-user'], limit: 1000 })) paused.add(j.kind);
      counts = await vault.outboxCounts();
      running = true;
      emitStatus();
      await pump();
    },
    async stop() {
      running = false;
      if (timer !== null) clearTimeout(timer);
      if (countsTimer !== null) clearTimeout(countsTimer);
      countsTimer = null;
      connectivity.stop();
      while (inFlight.size > 0 || flushing !== null) await new Promise((r) => setTimeout(r, 10));
      await Promise.all([...kinds.values()].map((k) => k.close?.()));
    },
    async enqueue(jobs) {
      for (const j of jobs) {
        const kind = kinds.get(j.kind);
        if (kind === undefined) throw new Error(`unknown job kind ${j.kind}`);
        kind.schema.parse(j.payload); // refuse bad input now, not at replay
      }
      const ids = await vault.outboxEnqueue(
        jobs.map((j) => ({ kind: j.kind, key: j.key, orderKey: j.orderKey ?? null, ordered: kinds.get(j.kind)?.ordered ?? false, payload: j.payload, notBefore: j.notBefore ?? now(), ...(j.message === undefined ? {} : { message: j.message }) })),
      );
      counts = await vault.outboxCounts();
      for (const id of ids) if (id !== null) emit({ type: 'job', id, state: 'pending' });
      emitStatus();
      void pump();
      return ids;
    },
    list: (args = {}) => vault.outboxList(args),
    async counts() {
      counts = await vault.outboxCounts();
      return counts;
    },
    status,
    async retryNow(id) {
      const ok = await vault.outboxRetryNow({ id, now: now() });
      connectivity.probeNow();
      void pump();
      return ok;
    },
    async cancel(id) {
      if (inFlight.has(id)) return false;
      const ok = await vault.outboxCancel(id);
      if (ok) {
        emit({ type: 'job', id, state: 'cancelled' });
        // The status bar's count must drop now, not at the next send.
        refreshCounts();
      }
      return ok;
    },
    async resumeKind(kind) {
      paused.delete(kind);
      const n = await vault.outboxResumeKind({ kind, now: now() });
      emitStatus();
      void pump();
      return n;
    },
    cardChanged(present) {
      cardPresent = present;
      emitStatus();
      void pump();
    },
    networkChanged: () => connectivity.probeNow(),
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitForIdle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      });
    },
  };
}
