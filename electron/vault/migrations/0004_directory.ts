import type { SqliteDb } from '../connection.js';

/**
 * The national directory (Annuaire Santé, extraction `Extraction_Correspondance_MSSante`), kept
 * in the vault so recipient search and autocompletion work offline (issue 7 point 6).
 *
 * One row per MSSanté mailbox (a professional with several mailboxes has several rows). The
 * table is never edited in place: an import fills `directory_staging` (+ its FTS table) and
 * `repo/directory.ts` swaps it in with renames inside one transaction, so a failed import keeps
 * the previous directory. Its indexes are created by the swap (bulk-loading without them is
 * faster); this migration creates the same ones for the empty table so the query plans hold
 * from day one. `directoryTableSql()` in the repository must stay in step with this DDL: the
 * 0004 test compares both schemas.
 *
 * `directory_fts` is contentless (the text lives in `directory_entries`), `detail=column` (only
 * single-word and prefix queries are made: no phrase positions needed, ~half the size), with
 * prefix indexes on 1–3 characters so autocompletion on a short prefix reads one doclist.
 */
export function migration0004(db: SqliteDb): void {
  db.exec(`
    create table directory_entries (
      id integer primary key,
      address text not null,          -- adresse BAL
      type text not null check (type in ('PER', 'ORG', 'APP', 'CAB')),
      rpps text,                      -- identifiant PP (RPPS, 11 digits; or ADELI)
      id_nat text,                    -- identification nationale PP (8 + RPPS …)
      civility text,
      last_name text,
      first_name text,
      profession_code text,
      profession text,
      specialty text,                 -- libellé savoir-faire
      structure text,                 -- raison sociale (or enseigne) de la structure de la BAL
      structure_id text,
      service text,
      postal_code text,
      city text                       -- ligne d'acheminement without its leading postal code
    ) strict;
    create index directory_entries_address on directory_entries(address collate nocase);
    create index directory_entries_rpps on directory_entries(rpps) where rpps is not null;
    create index directory_entries_id_nat on directory_entries(id_nat) where id_nat is not null;
    create index directory_entries_postal on directory_entries(postal_code) where postal_code is not null;

    create virtual table directory_fts using fts5(
      name, structure, mailbox, profession, city,
      content = '', detail = column, prefix = '1 2 3',
      tokenize = "unicode61 remove_diacritics 2"
    );

    create table directory_meta (
      id integer primary key check (id = 1),
      imported_at integer not null,
      source text not null,
      entries integer not null,
      malformed integer not null
    ) strict;
  `);
}
