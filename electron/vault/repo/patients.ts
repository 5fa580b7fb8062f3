import { randomUUID } from 'node:crypto';
import type { SqliteDb } from '../connection.js';

/**
 * Storage for the patient registry (electron/identity/patientRegistry.ts holds the rules).
 * Every write is one transaction that also writes its history rows, so a crash never leaves a
 * change without its trace. Writes take the version the caller read and refuse a stale one.
 * Results, not exceptions, for expected refusals: they cross the worker boundary intact.
 *
 * Status guard (defence in depth; the identity layer decides): creation and edits only give
 * 'provisoire' or 'validee'; `patientRecordInsi` alone gives 'recuperee' (the triggers of
 * migration 0002 refuse it without insi_at); `patientRecordDocumentCheck` alone goes up to
 * 'validee' / 'qualifiee'.
 */
export type PatientStatus = 'provisoire' | 'recuperee' | 'validee' | 'qualifiee';

export interface PatientRow {
  readonly id: number;
  /** 15 characters (matricule + key), or null: no INS recorded. */
  readonly ins: string | null;
  readonly oid: string | null;
  readonly traits: unknown;
  readonly status: PatientStatus;
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly mergedInto: number | null;
  readonly insiAt: number | null;
  readonly insiCode: string | null;
  readonly documentCheckedAt: number | null;
  readonly documentKind: string | null;
}

export interface HistoryChange {
  readonly field: string | null;
  readonly oldValue: string | null;
  readonly newValue: string | null;
}
export interface HistoryEntry extends HistoryChange {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
}

/** What every write carries: who, when, and the search columns derived from the traits. */
interface WriteBase {
  readonly actor: string;
  readonly at: number;
  readonly changes: readonly HistoryChange[];
}
export interface PatientInsertArgs extends WriteBase {
  readonly ins: string | null;
  readonly oid: string | null;
  readonly traits: unknown;
  readonly status: PatientStatus;
  readonly searchText: string;
  readonly birthDate: string;
  readonly action: 'create' | 'import';
  readonly documentKind: string | null;
}
export interface PatientEditArgs extends WriteBase {
  readonly id: number;
  readonly expectedVersion: number;
  readonly traits: unknown;
  readonly status: PatientStatus;
  readonly searchText: string;
  readonly birthDate: string;
}
export interface PatientInsiArgs extends PatientEditArgs {
  readonly ins: string;
  readonly oid: string;
  readonly insiCode: string;
}
export interface PatientDocumentArgs extends WriteBase {
  readonly id: number;
  readonly expectedVersion: number;
  readonly status: PatientStatus;
  readonly documentKind: string;
}
export interface PatientMergeArgs {
  readonly keptId: number;
  readonly keptVersion: number;
  readonly retiredId: number;
  readonly retiredVersion: number;
  readonly actor: string;
  readonly at: number;
}

export type WriteRefusal = 'not-found' | 'merged' | 'version-conflict' | 'ins-taken' | 'status-not-allowed';
export type WriteResult = { readonly ok: true; readonly id: number; readonly version: number } | { readonly ok: false; readonly reason: WriteRefusal };

const COLUMNS = `id, ins, oid, traits, status, version, created_at as createdAt, updated_at as updatedAt, merged_into as mergedInto,
  insi_at as insiAt, insi_code as insiCode, document_checked_at as documentCheckedAt, document_kind as documentKind`;

export const PATIENTS_BY_BIRTH_DATE_SQL = `select ${COLUMNS} from patients where birth_date = ? and merged_into is null order by id limit ?`;
export const PATIENT_HISTORY_SQL = `select id, at, actor, action, field, old_value as oldValue, new_value as newValue
  from patient_history where patient_id = ? order by id desc limit ?`;

type RawRow = Omit<PatientRow, 'traits'> & { traits: string };
function decode(row: RawRow): PatientRow {
  const noIns = row.ins === '' || (row.oid ?? '').startsWith('sans-ins:');
  return { ...row, ins: noIns ? null : row.ins, oid: noIns ? null : row.oid, traits: JSON.parse(row.traits) as unknown };
}
const noInsOid = () => `sans-ins:${randomUUID()}`;

export function createPatientRepository(db: SqliteDb) {
  const byId = db.prepare(`select ${COLUMNS} from patients where id = ?`);
  const byIns = db.prepare('select id from patients where ins = ? and oid = ?');
  const insert = db.prepare(`insert into patients (ins, oid, traits, status, updated_at, created_at, search_text, birth_date, document_checked_at, document_kind)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const history = db.prepare('insert into patient_history (patient_id, at, actor, action, field, old_value, new_value) values (?, ?, ?, ?, ?, ?, ?)');
  const edit = db.prepare(`update patients set traits = ?, status = ?, search_text = ?, birth_date = ?, updated_at = ?, version = version + 1
    where id = ? and version = ? and merged_into is null`);
  const insi = db.prepare(`update patients set ins = ?, oid = ?, traits = ?, status = ?, search_text = ?, birth_date = ?, insi_at = ?, insi_code = ?,
    updated_at = ?, version = version + 1 where id = ? and version = ? and merged_into is null`);
  const documentCheck = db.prepare(`update patients set status = ?, document_checked_at = ?, document_kind = ?, updated_at = ?, version = version + 1
    where id = ? and version = ? and merged_into is null`);
  const historyOf = db.prepare(PATIENT_HISTORY_SQL);
  const byBirthDate = db.prepare(PATIENTS_BY_BIRTH_DATE_SQL);

  const get = (id: number): PatientRow | null => {
    const row = byId.get(id) as RawRow | undefined;
    return row === undefined ? null : decode(row);
  };
  const writeHistory = (id: number, a: { actor: string; at: number }, action: string, changes: readonly HistoryChange[]) => {
    if (changes.length === 0) history.run(id, a.at, a.actor, action, null, null, null);
    for (const c of changes) history.run(id, a.at, a.actor, action, c.field, c.oldValue, c.newValue);
  };
  /** Why a versioned update touched no row. */
  const refusal = (id: number): WriteRefusal => {
    const row = get(id);
    return row === null ? 'not-found' : row.mergedInto !== null ? 'merged' : 'version-conflict';
  };
  const insTaken = (ins: string, oid: string, self: number | null) => {
    const other = byIns.get(ins, oid) as { id: number } | undefined;
    return other !== undefined && other.id !== self;
  };

  return {
    patientById: get,

    patientInsert: (a: PatientInsertArgs): WriteResult =>
      db.transaction((): WriteResult => {
        if (a.status !== 'provisoire' && a.status !== 'validee') return { ok: false, reason: 'status-not-allowed' };
        if (a.ins !== null && a.oid !== null && insTaken(a.ins, a.oid, null)) return { ok: false, reason: 'ins-taken' };
        const checked = a.status === 'validee' ? a.at : null;
        const id = Number(insert.run(a.ins ?? '', a.ins === null || a.oid === null ? noInsOid() : a.oid, JSON.stringify(a.traits), a.status, a.at, a.at, a.searchText, a.birthDate, checked, a.documentKind).lastInsertRowid);
        writeHistory(id, a, a.action, a.changes);
        return { ok: true, id, version: 1 };
      })(),

    patientEdit: (a: PatientEditArgs): WriteResult =>
      db.transaction((): WriteResult => {
        const current = get(a.id);
        if (current === null) return { ok: false, reason: 'not-found' };
        if (a.status !== current.status && a.status !== 'provisoire') return { ok: false, reason: 'status-not-allowed' };
        if (edit.run(JSON.stringify(a.traits), a.status, a.searchText, a.birthDate, a.at, a.id, a.expectedVersion).changes === 0) return { ok: false, reason: refusal(a.id) };
        writeHistory(a.id, a, 'edit', a.changes);
        return { ok: true, id: a.id, version: a.expectedVersion + 1 };
      })(),

    patientRecordInsi: (a: PatientInsiArgs): WriteResult =>
      db.transaction((): WriteResult => {
        const current = get(a.id);
        if (current === null) return { ok: false, reason: 'not-found' };
        const allowed = a.status === 'recuperee' || (a.status === 'qualifiee' && (current.status === 'validee' || current.status === 'qualifiee'));
        if (!allowed) return { ok: false, reason: 'status-not-allowed' };
        if (insTaken(a.ins, a.oid, a.id)) return { ok: false, reason: 'ins-taken' };
        const changed = insi.run(a.ins, a.oid, JSON.stringify(a.traits), a.status, a.searchText, a.birthDate, a.at, a.insiCode, a.at, a.id, a.expectedVersion).changes;
        if (changed === 0) return { ok: false, reason: refusal(a.id) };
        writeHistory(a.id, a, 'insi', a.changes);
        return { ok: true, id: a.id, version: a.expectedVersion + 1 };
      })(),

    patientRecordDocumentCheck: (a: PatientDocumentArgs): WriteResult =>
      db.transaction((): WriteResult => {
        const current = get(a.id);
        if (current === null) return { ok: false, reason: 'not-found' };
        const up = { provisoire: 'validee', recuperee: 'qualifiee', validee: 'validee', qualifiee: 'qualifiee' } as const;
        if (a.status !== up[current.status]) return { ok: false, reason: 'status-not-allowed' };
        if (documentCheck.run(a.status, a.at, a.documentKind, a.at, a.id, a.expectedVersion).changes === 0) return { ok: false, reason: refusal(a.id) };
        writeHistory(a.id, a, 'document-check', a.changes);
        return { ok: true, id: a.id, version: a.expectedVersion + 1 };
      })(),

    patientHistory: (a: { id: number; limit?: number }): HistoryEntry[] => historyOf.all(a.id, a.limit ?? 200) as HistoryEntry[],

    patientsByBirthDate: (a: { birthDate: string; limit?: number }): PatientRow[] => (byBirthDate.all(a.birthDate, a.limit ?? 100) as RawRow[]).map(decode),

    /**
     * Patients (not merged away) whose search text holds every word as a word prefix, optionally
     * with a birth date and/or an INS prefix. A linear scan of the registry: fine for a practice
     * (thousands of rows); an FTS table would be the next step for a hospital-size registry.
     */
    patientSearch: (a: { words: readonly string[]; birthDate?: string; insPrefix?: string; limit?: number }): PatientRow[] => {
      const where = ['merged_into is null'];
      const params: (string | number)[] = [];
      for (const w of a.words.slice(0, 8)) {
        where.push("instr(search_text, ' ' || ?) > 0");
        params.push(w);
      }
      if (a.birthDate !== undefined) {
        where.push('birth_date = ?');
        params.push(a.birthDate);
      }
      if (a.insPrefix !== undefined) {
        where.push("ins <> '' and substr(ins, 1, ?) = ?");
        params.push(a.insPrefix.length, a.insPrefix);
      }
      const sql = `select ${COLUMNS} from patients where ${where.join(' and ')} order by search_text, id limit ?`;
      return (db.prepare(sql).all(...params, a.limit ?? 50) as RawRow[]).map(decode);
    },

    /** Candidates for matching: same INS, or one of the birth dates, or a whole name word. */
    patientCandidates: (a: { ins: readonly string[]; birthDates: readonly string[]; nameWords: readonly string[]; limit?: number }): PatientRow[] => {
      const ors: string[] = [];
      const params: string[] = [];
      const add = (sql: string, value: string) => {
        ors.push(sql);
        params.push(value);
      };
      for (const ins of a.ins) add('ins = ?', ins);
      for (const d of a.birthDates) add('birth_date = ?', d);
      for (const w of a.nameWords.slice(0, 12)) add("instr(search_text, ' ' || ? || ' ') > 0", w);
      if (ors.length === 0) return [];
      const sql = `select ${COLUMNS} from patients where merged_into is null and (${ors.join(' or ')}) order by id limit ?`;
      return (db.prepare(sql).all(...params, a.limit ?? 200) as RawRow[]).map(decode);
    },

    /**
     * Merges `retired` into `kept` in one transaction: messages and documents move to the kept
     * patient, the retired record stays (for history) with `merged_into` set and its INS released.
     */
    patientMerge: (a: PatientMergeArgs): { ok: true; movedMessages: number; movedDocuments: number } | { ok: false; reason: WriteRefusal } =>
      db.transaction(() => {
        const kept = get(a.keptId);
        const retired = get(a.retiredId);
        if (kept === null || retired === null) return { ok: false as const, reason: 'not-found' as const };
        if (kept.mergedInto !== null || retired.mergedInto !== null) return { ok: false as const, reason: 'merged' as const };
        if (kept.version !== a.keptVersion || retired.version !== a.retiredVersion) return { ok: false as const, reason: 'version-conflict' as const };
        const movedMessages = db.prepare('update messages set patient_id = ? where patient_id = ?').run(a.keptId, a.retiredId).changes;
        const movedDocuments = db.prepare('update documents set patient_id = ? where patient_id = ?').run(a.keptId, a.retiredId).changes;
        db.prepare(`update patients set merged_into = ?, ins = '', oid = ?, updated_at = ?, version = version + 1 where id = ?`).run(a.keptId, noInsOid(), a.at, a.retiredId);
        db.prepare('update patients set updated_at = ?, version = version + 1 where id = ?').run(a.at, a.keptId);
        writeHistory(a.retiredId, a, 'merge-retired', [{ field: 'merged_into', oldValue: null, newValue: String(a.keptId) }, ...(retired.ins === null ? [] : [{ field: 'ins', oldValue: `${retired.ins}^${retired.oid ?? ''}`, newValue: null }])]);
        writeHistory(a.keptId, a, 'merge-kept', [
          { field: 'merged_from', oldValue: null, newValue: String(a.retiredId) },
          { field: 'moved', oldValue: null, newValue: `messages=${movedMessages};documents=${movedDocuments}` },
        ]);
        return { ok: true as const, movedMessages, movedDocuments };
      })(),
  };
}
