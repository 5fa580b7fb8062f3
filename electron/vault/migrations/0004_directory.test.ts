import { describe, expect, it } from 'vitest';
import { explain } from '../explain.js';
import { createDirectoryRepository, DIRECTORY_BY_ADDRESS_SQL, type DirectoryEntryInput } from '../repo/directory.js';
import { openTestDb } from '../testSupport.js';
import { migrate, MIGRATIONS } from './index.js';
import { migration0004 } from './0004_directory.js';

const V = MIGRATIONS.indexOf(migration0004);

const schema = (db: ReturnType<typeof openTestDb>['db']) =>
  (db.prepare("select type, name, sql from sqlite_master where name like 'directory%' order by name").all() as { type: string; name: string; sql: string | null }[]).map((r) => ({
    ...r,
    sql: r.sql?.replace(/\s+/g, ' ').replace(/["'](directory_\w+)["']/g, '$1'), // a rename quotes the names it rewrites
  }));

function entry(overrides: Partial<DirectoryEntryInput> = {}): DirectoryEntryInput {
  return { address: 'a.b@medecin.mssante.fr', type: 'PER', rpps: '10000000001', idNat: '810000000001', civility: 'DR', lastName: 'BÉRARD', firstName: 'Anaïs', professionCode: '10', profession: 'Médecin', specialty: null, structure: null, structureId: null, service: null, postalCode: '35000', city: 'RENNES', ...overrides };
}

describe('migration 0004_directory', () => {
  it('creates the directory tables (STRICT entries, type checked) on top of 0003', () => {
    const { db } = openTestDb({ migrateTo: V });
    expect(migrate(db, V + 1)).toBe(V + 1);
    expect(db.prepare("select strict from pragma_table_list where name = 'directory_entries'").get()).toEqual({ strict: 1 });
    expect(() => db.prepare("insert into directory_entries (address, type) values ('x@y.fr', 'XYZ')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("insert into directory_meta (id, imported_at, source, entries, malformed) values (2, 1, 's', 0, 0)").run()).toThrow(/CHECK/);
  });

  it('an import swap leaves exactly the schema the migration made (staging DDL in step)', () => {
    const { db } = openTestDb();
    const fresh = schema(db);
    const repo = createDirectoryRepository(db, () => 42);
    const { importId } = repo.directoryImportBegin();
    repo.directoryImportBatch({ importId, entries: [entry()] });
    expect(repo.directoryImportCommit({ importId, source: 'f.txt', malformed: 1 })).toEqual({ importedAt: 42, source: 'f.txt', entries: 1, malformed: 1 });
    expect(schema(db)).toEqual(fresh);
    expect(repo.searchDirectory({ name: 'berard anais' })).toHaveLength(1);
  });

  it('a stale or aborted import cannot touch the directory; a leftover staging table is dropped', () => {
    const { db } = openTestDb();
    const repo = createDirectoryRepository(db);
    const first = repo.directoryImportBegin();
    repo.directoryImportBatch({ importId: first.importId, entries: [entry()] });
    const second = repo.directoryImportBegin(); // e.g. after a crash of the first importer
    expect(() => repo.directoryImportBatch({ importId: first.importId, entries: [entry()] })).toThrow(/not active/);
    expect(() => repo.directoryImportCommit({ importId: first.importId, source: 's', malformed: 0 })).toThrow(/not active/);
    repo.directoryImportAbort({ importId: second.importId });
    expect(db.prepare("select count(*) as n from sqlite_master where name like 'directory_staging%'").get()).toEqual({ n: 0 });
    expect(repo.directoryStatus()).toBeNull();
  });

  it('serves address, RPPS and postal-code lookups from indexes', () => {
    const { db } = openTestDb();
    expect(explain(db, DIRECTORY_BY_ADDRESS_SQL, ['a@b.fr'])).toMatch(/USING INDEX directory_entries_address/);
    expect(explain(db, 'select id from directory_entries where rpps = ? or id_nat = ?', ['1', '1'])).toMatch(/INDEX directory_entries_rpps.*\n?.*INDEX directory_entries_id_nat|MULTI-INDEX/s);
    expect(explain(db, 'select id from directory_entries where postal_code >= ? and postal_code < ?', ['69', '69\u{10FFFF}'])).toMatch(/USING (COVERING )?INDEX directory_entries_postal/);
  });
});
