import { describe, expect, it } from 'vitest';
import { explain } from '../explain.js';
import { OUTBOX_DUE_SQL } from '../repo/outboxJobs.js';
import { openTestDb } from '../testSupport.js';
import { migrate, MIGRATIONS } from './index.js';
import { migration0003 } from './0003_outbox.js';

const V = MIGRATIONS.indexOf(migration0003);

describe('migration 0003_outbox', () => {
  it('rebuilds outbox_jobs with the UI states, keeping old rows and their meaning', () => {
    const { db } = openTestDb({ migrateTo: V });
    const insert = db.prepare("insert into outbox_jobs (kind, key, payload, state, attempts, next_attempt_at, last_error, created_at) values ('mail.send', ?, '{}', ?, 1, 5, ?, 3)");
    insert.run('a', 'pending', null);
    insert.run('b', 'running', null);
    insert.run('c', 'failed', 'smtp:550');
    insert.run('d', 'done', null);
    expect(migrate(db, V + 1)).toBe(V + 1);
    const rows = db.prepare('select key, state, check_server as c, last_error as e, updated_at as u from outbox_jobs order by key').all();
    expect(rows).toEqual([
      { key: 'a', state: 'pending', c: 0, e: null, u: 3 },
      // `running` at upgrade may have reached the server: checked before any resend.
      { key: 'b', state: 'pending', c: 1, e: null, u: 3 },
      { key: 'c', state: 'needs-review', c: 0, e: 'smtp:550', u: 3 },
      { key: 'd', state: 'done', c: 0, e: null, u: 3 },
    ]);
    expect(() => db.prepare("update outbox_jobs set state = 'running' where key = 'a'").run()).toThrow(/CHECK/);
    db.prepare("update outbox_jobs set state = 'needs-user' where key = 'a'").run();
    expect(db.prepare("select strict from pragma_table_list where name = 'outbox_jobs'").get()).toEqual({ strict: 1 });
  });

  it('serves the due-jobs scan (with per-key ordering) from indexes', () => {
    const { db } = openTestDb();
    const plan = explain(db, OUTBOX_DUE_SQL, [1, '["mail.send"]', 20]);
    expect(plan).toMatch(/SEARCH j USING INDEX outbox_jobs_due \(state=\? AND next_attempt_at<\?\)/);
    expect(plan).toMatch(/SEARCH p USING INDEX outbox_jobs_order \(order_key=\? AND id<\?\)/);
  });
});
