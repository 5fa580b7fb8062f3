import type { SqliteDb } from '../connection.js';
import { createMessageRepository, type NewMessage } from './messages.js';

/**
 * Storage of the outbox (migration 0003). Only storage: the retry policy, ordering decisions
 * and server checks belong to `electron/outbox/`. Every write that changes states of several
 * jobs is one transaction: one fsync per batch (synchronous=FULL), not one per job.
 */
export type OutboxState = 'pending' | 'sending' | 'retry-wait' | 'needs-review' | 'needs-user' | 'invalid' | 'done' | 'cancelled';
export const ACTIVE_STATES: readonly OutboxState[] = ['pending', 'sending', 'retry-wait', 'needs-review', 'needs-user'];

export interface NewOutboxJob {
  readonly kind: string;
  /** Idempotency key (Message-ID, XDS uniqueId): (kind, key) is unique, a second enqueue is a no-op. */
  readonly key: string;
  readonly orderKey?: string | null;
  readonly ordered?: boolean;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly notBefore?: number;
  /** Written in the same transaction; its row id is added to the payload as `messageRowId`. */
  readonly message?: NewMessage;
}

export interface OutboxJobRow {
  readonly id: number;
  readonly kind: string;
  readonly key: string;
  readonly orderKey: string | null;
  readonly payload: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly checkServer: boolean;
  readonly claimedAt: number | null;
}

/** What the "Envois en attente" screen lists (no payload, no body). */
export interface OutboxJobSummary {
  readonly id: number;
  readonly kind: string;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastErrorCode: string | null;
  readonly lastErrorMessage: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly messageRowId: number | null;
  readonly subject: string | null;
  readonly to: string[] | null;
}

export interface OutboxSettlement {
  readonly id: number;
  readonly state: Exclude<OutboxState, 'sending'>;
  readonly nextAttemptAt?: number;
  readonly errorCode?: string | null;
  readonly errorMessage?: string | null;
  readonly checkServer?: boolean;
  /** -1 when the attempt never reached the server (offline): it does not count. */
  readonly attemptsDelta?: number;
  /** The attempt may have reached the server at this instant: the settle window restarts. */
  readonly sentAt?: number;
  /** Moves the job's message row (e.g. Outbox → Sent) in the same transaction. */
  readonly messageFolder?: string;
}

const JOB_COLUMNS = `id, kind, key, order_key as orderKey, payload, state, attempts, next_attempt_at as nextAttemptAt, check_server as checkServer, claimed_at as claimedAt`;
// Runnable now: not blocked by an older unfinished job of the same key when the kind is ordered.
export const OUTBOX_DUE_SQL = `select ${JOB_COLUMNS} from outbox_jobs j
  where j.state in ('pending', 'retry-wait') and j.next_attempt_at <= ?
    and j.kind in (select value from json_each(?))
    and (j.ordered = 0 or not exists (select 1 from outbox_jobs p where p.order_key = j.order_key and p.id < j.id
      and p.state in ('pending', 'sending', 'retry-wait', 'needs-review', 'needs-user')))
  order by j.next_attempt_at, j.id limit ?`;

type RawRow = Omit<OutboxJobRow, 'checkServer'> & { checkServer: number };
const toRow = (r: RawRow): OutboxJobRow => ({ ...r, checkServer: r.checkServer === 1 });

export function createOutboxJobRepository(db: SqliteDb, now: () => number = Date.now) {
  const messages = createMessageRepository(db);
  const insert = db.prepare(`insert into outbox_jobs (kind, key, order_key, ordered, payload, next_attempt_at, message_row_id, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (kind, key) do nothing returning id`);
  const due = db.prepare(OUTBOX_DUE_SQL);
  const claim = db.prepare(`update outbox_jobs set state = 'sending', attempts = attempts + 1, claimed_at = case when check_server = 1 then coalesce(claimed_at, ?) else ? end, updated_at = ?
    where id = ? and state in ('pending', 'retry-wait') returning ${JOB_COLUMNS}`);
  const settle = db.prepare(`update outbox_jobs set state = ?, next_attempt_at = coalesce(?, next_attempt_at), last_error = ?, last_error_message = ?,
    check_server = coalesce(?, check_server), claimed_at = coalesce(?, claimed_at), attempts = max(0, attempts + ?), updated_at = ? where id = ? returning message_row_id as messageRowId`);
  const moveMessage = db.prepare('update messages set folder = ? where id = ?');
  const nextDue = db.prepare(`select min(next_attempt_at) as t from outbox_jobs where state in ('pending', 'retry-wait') and kind in (select value from json_each(?))`);
  const list = db.prepare(`select j.id, j.kind, j.state, j.attempts, j.next_attempt_at as nextAttemptAt, j.last_error as lastErrorCode,
    j.last_error_message as lastErrorMessage, j.created_at as createdAt, j.updated_at as updatedAt, j.message_row_id as messageRowId, m.subject, m."to"
    from outbox_jobs j left join messages m on m.id = j.message_row_id
    where j.state in (select value from json_each(?)) order by j.id desc limit ?`);
  const counts = db.prepare('select state, count(*) as n from outbox_jobs group by state');
  const byId = db.prepare(`select ${JOB_COLUMNS} from outbox_jobs where id = ?`);

  const enqueueMany = db.transaction((jobs: readonly NewOutboxJob[]) =>
    jobs.map((job) => {
      const t = now();
      const messageRowId = job.message === undefined ? null : (messages.insertMessages([job.message])[0] ?? null);
      const payload = messageRowId === null ? job.payload : { ...job.payload, messageRowId };
      const row = insert.get(job.kind, job.key, job.orderKey ?? null, job.ordered === true ? 1 : 0, JSON.stringify(payload), job.notBefore ?? t, messageRowId, t, t) as { id: number } | undefined;
      // A duplicate enqueue must not leave an orphan message row behind.
      if (row === undefined && messageRowId !== null) db.prepare('delete from messages where id = ?').run(messageRowId);
      return row?.id ?? null;
    }),
  );
  const claimMany = db.transaction((ids: readonly number[]) => {
    const t = now();
    return ids.map((id) => claim.get(t, t, t, id) as RawRow | undefined).filter((r): r is RawRow => r !== undefined).map(toRow);
  });
  // One round trip and one commit per pump: pick what is due, within each kind's free slots,
  // and mark it `sending`.
  const claimDue = db.transaction((args: { now: number; room: Readonly<Record<string, number>> }) => {
    const kinds = Object.keys(args.room).filter((k) => (args.room[k] ?? 0) > 0);
    const total = kinds.reduce((n, k) => n + (args.room[k] ?? 0), 0);
    if (total === 0) return [];
    const left = new Map(kinds.map((k) => [k, args.room[k] ?? 0]));
    const picked = (due.all(args.now, JSON.stringify(kinds), total) as RawRow[]).filter((r) => {
      const n = left.get(r.kind) ?? 0;
      left.set(r.kind, n - 1);
      return n > 0;
    });
    return claimMany(picked.map((r) => r.id));
  });
  const settleMany = db.transaction((items: readonly OutboxSettlement[]) => {
    const t = now();
    for (const s of items) {
      const check = s.checkServer === undefined ? null : s.checkServer ? 1 : 0;
      const row = settle.get(s.state, s.nextAttemptAt ?? null, s.errorCode ?? null, s.errorMessage ?? null, check, s.sentAt ?? null, s.attemptsDelta ?? 0, t, s.id) as { messageRowId: number | null } | undefined;
      if (s.messageFolder !== undefined && row?.messageRowId != null) moveMessage.run(s.messageFolder, row.messageRowId);
    }
  });

  return {
    outboxEnqueue: (jobs: readonly NewOutboxJob[]): (number | null)[] => enqueueMany(jobs),
    /** At start: whatever was `sending` may have reached the server. Returns how many. */
    outboxRecover(): number {
      return db.prepare(`update outbox_jobs set state = 'pending', check_server = 1, updated_at = ? where state = 'sending'`).run(now()).changes;
    },
    /** `kinds`: the kinds that may run now (registered, not paused, peer online, card present). */
    outboxDue(args: { now?: number; limit?: number; kinds: readonly string[] }): OutboxJobRow[] {
      return (due.all(args.now ?? now(), JSON.stringify(args.kinds), args.limit ?? 20) as RawRow[]).map(toRow);
    },
    /** `sending` committed before the first byte goes out; jobs no longer claimable are left out. */
    outboxClaim: (ids: readonly number[]): OutboxJobRow[] => claimMany(ids),
    /** `room`: free slots per kind that may run now (registered, not paused, online, card present). */
    outboxClaimDue: (args: { now?: number; room: Readonly<Record<string, number>> }): OutboxJobRow[] => claimDue({ now: args.now ?? now(), room: args.room }),
    outboxSettle: (items: readonly OutboxSettlement[]): void => settleMany(items),
    outboxNextDueAt(args: { kinds: readonly string[] }): number | null {
      return (nextDue.get(JSON.stringify(args.kinds)) as { t: number | null }).t;
    },
    outboxGet(id: number): OutboxJobRow | null {
      const r = byId.get(id) as RawRow | undefined;
      return r === undefined ? null : toRow(r);
    },
    outboxList(args: { states?: readonly OutboxState[]; limit?: number } = {}): OutboxJobSummary[] {
      const rows = list.all(JSON.stringify(args.states ?? ACTIVE_STATES), args.limit ?? 500) as (Omit<OutboxJobSummary, 'to'> & { to: string | null })[];
      return rows.map((r) => ({ ...r, to: r.to === null ? null : (JSON.parse(r.to) as string[]) }));
    },
    outboxCounts(): Record<string, number> {
      return Object.fromEntries((counts.all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
    },
    /** Retry now: a fresh attempt budget, due at once. Not for a job in flight or finished. */
    outboxRetryNow(args: { id: number; now?: number }): boolean {
      const t = args.now ?? now();
      return db.prepare(`update outbox_jobs set state = 'pending', attempts = case when state = 'needs-review' then 0 else attempts end, next_attempt_at = ?, updated_at = ?
        where id = ? and state in ('pending', 'retry-wait', 'needs-review', 'needs-user')`).run(t, t, args.id).changes === 1;
    },
    /** Only when not in flight: a `sending` job may be on the wire right now. */
    outboxCancel: db.transaction((id: number): boolean => {
      const row = db.prepare(`update outbox_jobs set state = 'cancelled', updated_at = ? where id = ? and state in ('pending', 'retry-wait', 'needs-review', 'needs-user', 'invalid')
        returning message_row_id as messageRowId`).get(now(), id) as { messageRowId: number | null } | undefined;
      if (row?.messageRowId != null) moveMessage.run('Drafts', row.messageRowId);
      return row !== undefined;
    }),
    /** The user acted (signed in again): the kind's paused jobs go back to the queue. */
    outboxResumeKind(args: { kind: string; now?: number }): number {
      const t = args.now ?? now();
      return db.prepare(`update outbox_jobs set state = 'pending', next_attempt_at = ?, updated_at = ? where kind = ? and state = 'needs-user'`).run(t, t, args.kind).changes;
    },
  };
}
