import { describe, expect, it } from 'vitest';
import { explain } from '../explain.js';
import { createPatientRepository, PATIENT_HISTORY_SQL, PATIENTS_BY_BIRTH_DATE_SQL } from '../repo/patients.js';
import { createRecordRepository } from '../repo/records.js';
import { openTestDb } from '../testSupport.js';
import { migrate, userVersion } from './index.js';

const base = { actor: '810012345678', at: 1_000, changes: [], searchText: ' DUPONT JEAN ', birthDate: '1980-01-02', action: 'create' as const, documentKind: null };

describe('migration 0002_patients', () => {
  it('takes a version-1 vault to 2 keeping patients and their message links', () => {
    const { db } = openTestDb({ migrateTo: 1 });
    db.prepare("insert into patients (ins, oid, traits, status, updated_at) values ('279035121518989', '1.2.250.1.213.1.4.10', '{}', 'qualifiee', 5)").run();
    db.prepare(`insert into messages (folder, date, "from", "to", subject, snippet, body_text, patient_id) values ('INBOX', 1, 'a', '[]', 's', 's', 'b', 1)`).run();
    expect(migrate(db, 2)).toBe(2);
    expect(userVersion(db)).toBe(2);
    expect(db.prepare('select patient_id as p from messages').get()).toEqual({ p: 1 });
    const row = createPatientRepository(db).patientById(1);
    expect(row).toMatchObject({ ins: '279035121518989', status: 'qualifiee', version: 1, mergedInto: null, insiAt: null });
    const tables = db.prepare("select name, strict from pragma_table_list where name = 'patient_history'").all();
    expect(tables).toEqual([{ name: 'patient_history', strict: 1 }]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('refuses the status recuperee without an INSi answer, in the database itself', () => {
    const { db } = openTestDb();
    expect(() => db.prepare("insert into patients (ins, oid, traits, status, updated_at) values ('279035121518989', '1.2.250.1.213.1.4.10', '{}', 'recuperee', 1)").run()).toThrow(/requires an INSi answer/);
    db.prepare("insert into patients (ins, oid, traits, status, updated_at) values ('279035121518989', '1.2.250.1.213.1.4.10', '{}', 'provisoire', 1)").run();
    expect(() => db.prepare("update patients set status = 'recuperee'").run()).toThrow(/requires an INSi answer/);
    // The legacy upsert of repo/records.ts cannot reach it either.
    expect(() => createRecordRepository(db).upsertPatient({ ins: '279035121518989', oid: '1.2.250.1.213.1.4.10', traits: {}, status: 'recuperee' })).toThrow(/requires an INSi answer/);
    db.prepare("update patients set status = 'recuperee', insi_at = 7").run();
    expect(db.prepare('select status from patients').get()).toEqual({ status: 'recuperee' });
  });

  it('keeps "no INS" consistent: empty ins only with a sans-ins placeholder oid', () => {
    const { db } = openTestDb();
    expect(() => db.prepare("insert into patients (ins, oid, traits, status, updated_at) values ('', '1.2.250.1.213.1.4.8', '{}', 'provisoire', 1)").run()).toThrow(/disagree/);
    expect(() => db.prepare("insert into patients (ins, oid, traits, status, updated_at) values ('279035121518989', 'sans-ins:x', '{}', 'provisoire', 1)").run()).toThrow(/disagree/);
    const repo = createPatientRepository(db);
    const a = repo.patientInsert({ ...base, ins: null, oid: null, traits: { n: 1 }, status: 'provisoire' });
    const b = repo.patientInsert({ ...base, ins: null, oid: null, traits: { n: 2 }, status: 'provisoire' });
    expect(a.ok && b.ok).toBe(true);
    if (a.ok) expect(repo.patientById(a.id)).toMatchObject({ ins: null, oid: null, traits: { n: 1 } });
  });

  it('guards statuses per method and refuses stale versions', () => {
    const { db } = openTestDb();
    const repo = createPatientRepository(db);
    expect(repo.patientInsert({ ...base, ins: null, oid: null, traits: {}, status: 'recuperee' })).toEqual({ ok: false, reason: 'status-not-allowed' });
    expect(repo.patientInsert({ ...base, ins: null, oid: null, traits: {}, status: 'qualifiee' })).toEqual({ ok: false, reason: 'status-not-allowed' });
    const created = repo.patientInsert({ ...base, ins: null, oid: null, traits: {}, status: 'provisoire' });
    if (!created.ok) throw new Error('insert');
    const edit = { ...base, id: created.id, expectedVersion: 1, traits: {} };
    expect(repo.patientEdit({ ...edit, status: 'recuperee' })).toEqual({ ok: false, reason: 'status-not-allowed' });
    expect(repo.patientEdit({ ...edit, status: 'validee' })).toEqual({ ok: false, reason: 'status-not-allowed' });
    expect(repo.patientRecordDocumentCheck({ ...base, id: created.id, expectedVersion: 1, status: 'qualifiee', documentKind: 'passeport' })).toEqual({ ok: false, reason: 'status-not-allowed' });
    expect(repo.patientEdit({ ...edit, status: 'provisoire' })).toEqual({ ok: true, id: created.id, version: 2 });
    expect(repo.patientEdit({ ...edit, status: 'provisoire' })).toEqual({ ok: false, reason: 'version-conflict' });
    expect(repo.patientRecordInsi({ ...edit, expectedVersion: 2, status: 'qualifiee', ins: '279035121518989', oid: '1.2.250.1.213.1.4.10', insiCode: '00' })).toEqual({ ok: false, reason: 'status-not-allowed' });
    expect(repo.patientHistory({ id: created.id }).map((h) => h.action)).toEqual(['edit', 'create']);
  });

  it('serves birth-date lookups and history from indexes', () => {
    const { db } = openTestDb();
    expect(explain(db, PATIENTS_BY_BIRTH_DATE_SQL, ['1980-01-02', 10])).toMatch(/SEARCH patients USING INDEX patients_birth_date/);
    expect(explain(db, PATIENT_HISTORY_SQL, [1, 10])).toMatch(/SEARCH patient_history USING (COVERING )?INDEX patient_history_patient/);
    expect(explain(db, PATIENT_HISTORY_SQL, [1, 10])).not.toMatch(/TEMP B-TREE/);
  });
});
