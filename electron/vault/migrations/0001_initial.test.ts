import { describe, expect, it } from 'vitest';
import { explain } from '../explain.js';
import { VaultTooNewError } from '../errors.js';
import { INBOX_PAGE_SQL, SEARCH_SQL } from '../repo/messages.js';
import { DUE_JOBS_SQL } from '../repo/outbox.js';
import { PATIENT_DOCUMENTS_SQL } from '../repo/records.js';
import { openTestDb } from '../testSupport.js';
import { migrate, SCHEMA_VERSION, userVersion } from './index.js';

describe('migration 0001_initial', () => {
  it('takes an empty vault from 0 to 1 with STRICT tables', () => {
    const { db } = openTestDb({ migrateTo: 0 });
    expect(userVersion(db)).toBe(0);
    expect(migrate(db, 1)).toBe(1);
    const tables = db.prepare("select name, strict from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' and name not like 'messages_fts%'").all() as { name: string; strict: number }[];
    expect(tables.map((t) => t.name).sort()).toEqual(['attachments', 'audit_log', 'documents', 'messages', 'outbox_jobs', 'patients']);
    expect(tables.every((t) => t.strict === 1)).toBe(true);
    // STRICT: a string in an INTEGER column is refused, not silently stored.
    expect(() => db.prepare("insert into outbox_jobs (kind, key, payload, next_attempt_at, created_at) values ('k', 'x', '{}', 'soon', 1)").run()).toThrow(/cannot store TEXT/);
    expect(() => db.prepare("insert into outbox_jobs (kind, key, payload, next_attempt_at, created_at) values ('k', 'x', 'not json', 1, 1)").run()).toThrow(/CHECK/);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('refuses a database newer than the code, untouched', () => {
    const { db } = openTestDb();
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(VaultTooNewError);
    try {
      migrate(db);
    } catch (error) {
      expect((error as VaultTooNewError).userMessage).toMatch(/version plus récente de Caducée/);
    }
    expect(userVersion(db)).toBe(SCHEMA_VERSION + 1);
  });

  it('serves the hot queries from indexes (inbox page, search, outbox scan, patient documents)', () => {
    const { db } = openTestDb();
    expect(explain(db, INBOX_PAGE_SQL, ['INBOX', 1, 1, 1, 50])).toMatch(/SEARCH messages USING INDEX messages_folder_date/);
    expect(explain(db, INBOX_PAGE_SQL, ['INBOX', 1, 1, 1, 50])).not.toMatch(/TEMP B-TREE/);
    expect(explain(db, SEARCH_SQL, ['"x"', 50])).toMatch(/VIRTUAL TABLE INDEX .*\n.*SEARCH m USING INTEGER PRIMARY KEY/);
    expect(explain(db, DUE_JOBS_SQL, [1, 20])).toMatch(/SEARCH outbox_jobs USING INDEX outbox_jobs_due \(state=\? AND next_attempt_at<\?\)/);
    expect(explain(db, DUE_JOBS_SQL, [1, 20])).not.toMatch(/TEMP B-TREE/);
    expect(explain(db, PATIENT_DOCUMENTS_SQL, [1, 50])).toMatch(/SEARCH documents USING INDEX documents_patient_created/);
    expect(explain(db, PATIENT_DOCUMENTS_SQL, [1, 50])).not.toMatch(/TEMP B-TREE/);
  });

  it('keeps the audit log append-only through triggers', () => {
    const { db } = openTestDb();
    db.prepare("insert into audit_log values (1, 1, 'a', 'vault.unlocked', 'vault', 'v', 'p', 'h')").run();
    expect(() => db.prepare("update audit_log set actor = 'b'").run()).toThrow(/append-only/);
    expect(() => db.prepare('delete from audit_log').run()).toThrow(/append-only/);
  });
});
