import type { SqliteDb } from '../connection.js';

/**
 * Patients as a registry (issue 6): identity life cycle, history, merges, search.
 *
 * 0001 made `patients.ins`/`oid` NOT NULL, but a provisional identity has no INS yet. Rebuilding
 * the table is not possible inside the migration transaction without firing the `on delete set
 * null` of `messages.patient_id` (PRAGMA foreign_keys cannot change inside a transaction, and
 * SQLite rewrites child REFERENCES on rename). So, without touching other tables: a patient
 * without an INS stores `ins = ''` and `oid = 'sans-ins:<uuid>'` (unique, so the (ins, oid) index
 * stays unique for real INS); `repo/patients.ts` maps that back to "no INS". Triggers keep the
 * two columns consistent.
 *
 * Added columns: created_at, version (optimistic concurrency), merged_into (a merged duplicate
 * points at the patient that was kept), search_text (canonical name words, space-delimited, for
 * accent/case-insensitive prefix search), birth_date (copied from traits, indexed), insi_at /
 * insi_code (the last INSi answer recorded), document_checked_at / document_kind (the identity
 * document check of the RNIV).
 *
 * `patient_history`: who changed what, when, old → new, inside the encrypted vault only.
 */
export function migration0002(db: SqliteDb): void {
  db.exec(`
    alter table patients add column created_at integer not null default 0;
    alter table patients add column version integer not null default 1;
    alter table patients add column merged_into integer references patients(id);
    alter table patients add column search_text text not null default '';
    alter table patients add column birth_date text;
    alter table patients add column insi_at integer;
    alter table patients add column insi_code text;
    alter table patients add column document_checked_at integer;
    alter table patients add column document_kind text;

    create index patients_birth_date on patients(birth_date) where merged_into is null;

    -- Only an INSi answer moves an identity to 'recuperee': the repository method that records
    -- one is the only statement that sets insi_at, and the database refuses the status without it.
    create trigger patients_recuperee_insert before insert on patients
    when new.status = 'recuperee' and new.insi_at is null begin
      select raise(abort, 'status recuperee requires an INSi answer');
    end;
    create trigger patients_recuperee_update before update of status on patients
    when new.status = 'recuperee' and old.status <> 'recuperee' and (new.insi_at is null or new.insi_at is old.insi_at) begin
      select raise(abort, 'status recuperee requires an INSi answer');
    end;

    create trigger patients_no_ins_insert before insert on patients
    when (new.ins = '') <> (new.oid like 'sans-ins:%') begin
      select raise(abort, 'ins and oid disagree about the absence of an INS');
    end;
    create trigger patients_no_ins_update before update of ins, oid on patients
    when (new.ins = '') <> (new.oid like 'sans-ins:%') begin
      select raise(abort, 'ins and oid disagree about the absence of an INS');
    end;

    create table patient_history (
      id integer primary key,
      patient_id integer not null references patients(id) on delete cascade,
      at integer not null,
      actor text not null,          -- idNat of the professional
      action text not null,         -- create, edit, insi, document-check, merge-kept, merge-retired, import
      field text,                   -- null for a whole-record action
      old_value text,
      new_value text
    ) strict;
    create index patient_history_patient on patient_history(patient_id, id);
  `);
}
