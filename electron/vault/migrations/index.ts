import type { SqliteDb } from '../connection.js';
import { VaultTooNewError } from '../errors.js';
import { migration0001 } from './0001_initial.js';
import { migration0002 } from './0002_patients.js';
import { migration0003 } from './0003_outbox.js';
import { migration0004 } from './0004_directory.js';
import { migration0005 } from './0005_mailsync.js';
import { migration0006 } from './0006_mailparse.js';

/** Index i holds the migration that takes user_version from i to i + 1. Append only. */
export const MIGRATIONS: readonly ((db: SqliteDb) => void)[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006];
export const SCHEMA_VERSION = MIGRATIONS.length;

export function userVersion(db: SqliteDb): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/**
 * Brings the schema to `target` (default: this code's version), one transaction per migration
 * so a crash leaves a consistent numbered state. Refuses a file newer than the code: never
 * write into a schema this version does not know.
 */
export function migrate(db: SqliteDb, target = SCHEMA_VERSION): number {
  const current = userVersion(db);
  if (current > SCHEMA_VERSION) throw new VaultTooNewError(current, SCHEMA_VERSION);
  for (let v = current; v < target; v += 1) {
    const step = MIGRATIONS[v];
    if (step === undefined) break;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return userVersion(db);
}
