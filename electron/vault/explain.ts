import type { SqliteDb } from './connection.js';

/**
 * The query plan of a statement, one line per step (as `EXPLAIN QUERY PLAN` prints it), so a
 * test can assert that a hot query searches an index instead of scanning a table.
 */
export function explain(db: SqliteDb, sql: string, params: readonly unknown[] = []): string {
  const rows = db.prepare(`explain query plan ${sql}`).all(...params) as { detail: string }[];
  return rows.map((r) => r.detail).join('\n');
}
