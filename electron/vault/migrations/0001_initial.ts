import type { SqliteDb } from '../connection.js';

/**
 * The first schema. STRICT tables; times are epoch milliseconds (INTEGER); JSON columns are
 * checked with json_valid so a bad payload fails at write time, not at replay time.
 */
export function migration0001(db: SqliteDb): void {
  db.exec(`
    create table patients (
      id integer primary key,
      ins text not null,            -- matricule INS (NIR/NIA), 15 chars with key
      oid text not null,            -- OID of the INS kind (NIR 1.2.250.1.213.1.4.8, demo …4.11)
      traits text not null check (json_valid(traits)),
      status text not null check (status in ('provisoire', 'recuperee', 'validee', 'qualifiee')),
      updated_at integer not null
    ) strict;
    create unique index patients_ins on patients(ins, oid);

    create table messages (
      id integer primary key,
      folder text not null,
      uid integer,                  -- IMAP UID; null for a local draft
      message_id text,
      date integer not null,
      "from" text not null,
      "to" text not null check (json_valid("to")),
      subject text not null,
      snippet text not null,
      body_text text not null,
      flags text not null default '[]' check (json_valid(flags)),
      patient_id integer references patients(id) on delete set null
    ) strict;
    create index messages_folder_date on messages(folder, date desc, id desc);
    create unique index messages_folder_uid on messages(folder, uid) where uid is not null;
    create index messages_message_id on messages(message_id) where message_id is not null;
    create index messages_patient on messages(patient_id) where patient_id is not null;

    -- Contentless: the index holds normalised text (elisions removed) fed by repositories;
    -- contentless_delete lets a message leave the index by rowid alone.
    create virtual table messages_fts using fts5(
      subject, sender, body,
      content = '', contentless_delete = 1,
      tokenize = "unicode61 remove_diacritics 2"
    );
    create trigger messages_fts_delete after delete on messages begin
      delete from messages_fts where rowid = old.id;
    end;

    create table attachments (
      id integer primary key,
      message_id integer not null references messages(id) on delete cascade,
      filename text not null,
      mime text not null,
      size integer not null,
      data blob not null
    ) strict;
    create index attachments_message on attachments(message_id);

    create table documents (
      id integer primary key,
      patient_id integer not null references patients(id) on delete restrict,
      unique_id text not null unique,   -- XDS uniqueId: the idempotency key of a DMP push
      kind text not null,               -- LOINC code of the document type
      title text not null,
      mime text not null,
      created_at integer not null,
      dmp_status text not null default 'local' check (dmp_status in ('local', 'queued', 'sent', 'failed')),
      data blob not null
    ) strict;
    create index documents_patient_created on documents(patient_id, created_at desc);

    create table outbox_jobs (
      id integer primary key,
      kind text not null,
      key text not null,                -- idempotency key (Message-ID, XDS uniqueId …)
      payload text not null check (json_valid(payload)),
      state text not null default 'pending' check (state in ('pending', 'running', 'done', 'failed')),
      attempts integer not null default 0,
      next_attempt_at integer not null,
      last_error text,
      created_at integer not null,
      unique (kind, key)
    ) strict;
    create index outbox_jobs_due on outbox_jobs(state, next_attempt_at);

    create table audit_log (
      seq integer primary key,
      at integer not null,
      actor text not null,              -- idNat of the professional (RPPS/ADELI-based)
      action text not null,
      subject_type text not null,
      subject_id text not null,
      prev_hash text not null,
      hash text not null
    ) strict;
    create trigger audit_log_no_update before update on audit_log begin
      select raise(abort, 'audit_log is append-only');
    end;
    create trigger audit_log_no_delete before delete on audit_log begin
      select raise(abort, 'audit_log is append-only');
    end;
  `);
}
