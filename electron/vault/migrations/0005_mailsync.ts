import type { SqliteDb } from '../connection.js';

/**
 * IMAP synchronisation state (issue 7, point 3). Per folder: UIDVALIDITY, HIGHESTMODSEQ (text:
 * a modseq is a 63-bit value, beyond a JS number) and UIDNEXT, so that a resync asks the server
 * only for what changed (QRESYNC). Per message: the sanitised HTML body, whether remote content
 * was blocked in it, and a marker when its MIME structure could not be read. Attachments get
 * their Content-ID so the reading pane can resolve `cid:` images.
 */
export function migration0005(db: SqliteDb): void {
  db.exec(`
    create table mail_folders (
      path text primary key,
      special_use text,
      uidvalidity integer not null,
      highestmodseq text not null default '0' check (highestmodseq glob '[0-9]*'),
      uidnext integer not null default 1,
      synced_at integer not null
    ) strict;

    alter table messages add column body_html text;
    alter table messages add column remote_content_blocked integer not null default 0 check (remote_content_blocked in (0, 1));
    alter table messages add column mime_error text;

    alter table attachments add column content_id text;
  `);
}
