import type { SqliteDb } from '../connection.js';

/**
 * The outbox of issue 5. SQLite cannot change a CHECK constraint, so `outbox_jobs` is rebuilt
 * with the states the UI shows, and with what the exactly-once check needs:
 * - `check_server`: the job may already have reached the server (it was `sending` at a crash,
 *   or the connection broke after the data went out); search the server before any resend;
 * - `claimed_at`: when `sending` was committed; the server may still be filing its copy a
 *   little later, so "not found" is only believed after a settle window from that instant;
 * - `order_key` + `ordered`: jobs of an ordered kind leave one at a time per key, oldest first;
 * - `message_row_id`: the outgoing message written in the same transaction as the job;
 * - `last_error` (a code, for support, as in 0001) and `last_error_message` (French, for the user).
 * Old rows keep their meaning: `running` may have reached the server → `pending` + check;
 * `failed` → `needs-review` (à vérifier).
 */
export function migration0003(db: SqliteDb): void {
  db.exec(`
    create table outbox_jobs_new (
      id integer primary key,
      kind text not null,
      key text not null,
      order_key text,
      ordered integer not null default 0 check (ordered in (0, 1)),
      payload text not null check (json_valid(payload)),
      state text not null default 'pending' check (state in ('pending', 'sending', 'retry-wait', 'needs-review', 'needs-user', 'invalid', 'done', 'cancelled')),
      attempts integer not null default 0,
      next_attempt_at integer not null,
      last_error text,                -- short code for support (kept from 0001: repo/outbox.ts reads it)
      last_error_message text,
      check_server integer not null default 0 check (check_server in (0, 1)),
      claimed_at integer,
      message_row_id integer references messages(id) on delete set null,
      created_at integer not null,
      updated_at integer not null,
      unique (kind, key)
    ) strict;
    insert into outbox_jobs_new (id, kind, key, payload, state, attempts, next_attempt_at, last_error, check_server, created_at, updated_at)
      select id, kind, key, payload,
        case state when 'running' then 'pending' when 'failed' then 'needs-review' else state end,
        attempts, next_attempt_at, last_error, case state when 'running' then 1 else 0 end, created_at, created_at
      from outbox_jobs;
    drop table outbox_jobs;
    alter table outbox_jobs_new rename to outbox_jobs;
    create index outbox_jobs_due on outbox_jobs(state, next_attempt_at);
    create index outbox_jobs_order on outbox_jobs(order_key, id) where order_key is not null;
    create index outbox_jobs_message on outbox_jobs(message_row_id) where message_row_id is not null;
  `);
}
