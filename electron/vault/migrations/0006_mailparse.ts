import type { SqliteDb } from '../connection.js';

/**
 * Messages stored before they are parsed, and what parsing finds beyond the body (issue 7).
 *
 * - The initial sync writes the raw source (`raw`, `parse_state = 'pending'`) and a worker
 *   parses it later: mailparser + DOMPurify cost ~5 ms a message, an IMAP fetch far less, and
 *   a 10,000-message mailbox must not wait on parsing before it is listed. `raw` is dropped
 *   once parsed (attachments and bodies then live in their own columns).
 * - `seen` is derived from the flags so that unread counts use an index.
 * - Read receipts: what the sender asked (`disposition_notification_to`, `return_path`), what
 *   the user answered (`read_receipt`), the receipts that came back for our own messages
 *   (`mail_receipts`), and the original header lines an MDN quotes (`header_block`).
 * - IHE_XDM: what the archive said (`message_xdm`) and whether the patient matcher linked it.
 */
export function migration0006(db: SqliteDb): void {
  db.exec(`
    alter table messages add column cc text not null default '[]' check (json_valid(cc));
    alter table messages add column size integer not null default 0;
    alter table messages add column parse_state text not null default 'parsed' check (parse_state in ('pending', 'parsed'));
    alter table messages add column raw blob;
    alter table messages add column has_attachments integer not null default 0 check (has_attachments in (0, 1));
    alter table messages add column header_block text;
    alter table messages add column in_reply_to text;
    alter table messages add column references_ids text not null default '[]' check (json_valid(references_ids));
    alter table messages add column disposition_notification_to text;
    alter table messages add column return_path text;
    alter table messages add column read_receipt text not null default 'none' check (read_receipt in ('none', 'asked', 'sent', 'declined'));
    alter table messages add column seen integer generated always as (instr(flags, '"\\\\Seen"') > 0) virtual;
    create index messages_folder_seen on messages(folder, seen);
    create index messages_parse_pending on messages(id) where parse_state = 'pending';

    create table mail_receipts (
      id integer primary key,
      original_message_id text not null,
      recipient text not null,
      disposition text not null,
      at integer not null,
      mdn_message integer references messages(id) on delete set null,
      unique (original_message_id, recipient, disposition)
    ) strict;
    create index mail_receipts_original on mail_receipts(original_message_id);

    create table message_xdm (
      message_id integer primary key references messages(id) on delete cascade,
      documents text not null check (json_valid(documents)),
      patient_ids text not null default '[]' check (json_valid(patient_ids)),
      match text not null check (match in ('pending', 'linked', 'to-review', 'unknown-patient', 'invalid')),
      message text
    ) strict;
    create index message_xdm_pending on message_xdm(message_id) where match = 'pending';
  `);
}
