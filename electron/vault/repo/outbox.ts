import type { SqliteDb } from '../connection.js';

/**
 * The durable job table the outbox service (issue 5) drives. Only storage lives here: the
 * retry policy, ordering and idempotency checks belong to `electron/outbox/`.
 */
export type JobState = 'pending' | 'running' | 'done' | 'failed';
export interface JobInput {
  readonly kind: string;
  readonly key: string;
  readonly payload: unknown;
  readonly notBefore?: number;
}
export interface Job {
  readonly id: number;
  readonly kind: string;
  readonly key: string;
  readonly payload: unknown;
  readonly state: JobState;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
}

export const DUE_JOBS_SQL = `select id, kind, key, payload, state, attempts, next_attempt_at as nextAttemptAt, last_error as lastError
  from outbox_jobs where state = 'pending' and next_attempt_at <= ? order by next_attempt_at, id limit ?`;

export function createOutboxRepository(db: SqliteDb, now: () => number = Date.now) {
  // (kind, key) is unique: enqueueing the same effect twice is a no-op, never a second send.
  const insert = db.prepare(`insert into outbox_jobs (kind, key, payload, next_attempt_at, created_at) values (?, ?, ?, ?, ?)
    on conflict (kind, key) do nothing returning id`);
  const due = db.prepare(DUE_JOBS_SQL);
  const mark = db.prepare(`update outbox_jobs set state = ?, attempts = attempts + ?, next_attempt_at = ?, last_error = ? where id = ?`);

  return {
    enqueueJob(job: JobInput): number | null {
      const t = now();
      const row = insert.get(job.kind, job.key, JSON.stringify(job.payload), job.notBefore ?? t, t) as { id: number } | undefined;
      return row?.id ?? null;
    },
    dueJobs(args: { now?: number; limit?: number } = {}): Job[] {
      const rows = due.all(args.now ?? now(), args.limit ?? 20) as (Omit<Job, 'payload'> & { payload: string })[];
      return rows.map((r) => ({ ...r, payload: JSON.parse(r.payload) as unknown }));
    },
    /** `lastError` is a short code for support, never a server response body. */
    updateJob(args: { id: number; state: JobState; attempted: boolean; nextAttemptAt?: number; lastError?: string | null }): void {
      mark.run(args.state, args.attempted ? 1 : 0, args.nextAttemptAt ?? now(), args.lastError ?? null, args.id);
    },
  };
}
