import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { SqliteDb } from '../connection.js';
import { VaultError } from '../errors.js';
import { buildMatchQuery, normaliseForIndex } from '../search/frenchText.js';

/**
 * The national directory (Annuaire Santé MSSanté extraction) in the vault: staged import with an
 * atomic swap, search and recipient autocompletion. Parsing the file is `electron/mail/directory`;
 * this file only stores and queries. Schema: migrations/0004_directory.ts.
 */

export type DirectoryMailboxType = 'PER' | 'ORG' | 'APP' | 'CAB';
export const DIRECTORY_MAILBOX_TYPES: readonly DirectoryMailboxType[] = ['PER', 'ORG', 'APP', 'CAB'];

/** One mailbox as imported (empty fields are null). */
export interface DirectoryEntryInput {
  readonly address: string;
  readonly type: DirectoryMailboxType;
  readonly rpps: string | null;
  readonly idNat: string | null;
  readonly civility: string | null;
  readonly lastName: string | null;
  readonly firstName: string | null;
  readonly professionCode: string | null;
  readonly profession: string | null;
  readonly specialty: string | null;
  readonly structure: string | null;
  readonly structureId: string | null;
  readonly service: string | null;
  readonly postalCode: string | null;
  readonly city: string | null;
}

export interface DirectoryEntry extends DirectoryEntryInput {
  readonly id: number;
  /** "Prénom NOM" for a person, else the structure (and service), else the address. */
  readonly displayName: string;
}

export interface DirectoryStatus {
  readonly importedAt: number;
  readonly source: string;
  readonly entries: number;
  readonly malformed: number;
}

/** Every criterion is optional; those given are combined with AND. */
export interface DirectoryQuery {
  /** Name of the person or of the structure: accent/case-insensitive, last word as a prefix. */
  readonly name?: string;
  /** RPPS (identifiant PP) or national id (identification nationale PP), exact. */
  readonly rpps?: string;
  /** Words of the profession label ("médecin", "infirm"), last word as a prefix. */
  readonly profession?: string;
  /** A city name (words, last as prefix) or a postal code / its first digits ("69", "69003"). */
  readonly city?: string;
  readonly type?: DirectoryMailboxType;
  /** Default 50, at most 200. */
  readonly limit?: number;
}

const ENTRY_COLUMNS = `e.id, e.address, e.type, e.rpps, e.id_nat as idNat, e.civility, e.last_name as lastName,
  e.first_name as firstName, e.profession_code as professionCode, e.profession, e.specialty, e.structure,
  e.structure_id as structureId, e.service, e.postal_code as postalCode, e.city`;

/**
 * The entries table under another name (the staging copy). Must match migration 0004's
 * `directory_entries`: the 0004 test compares the two schemas after a swap.
 */
export function directoryTableSql(name: string): string {
  return `create table ${name} (
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
    ) strict`;
}

export function directoryFtsSql(name: string): string {
  return `create virtual table ${name} using fts5(
      name, structure, mailbox, profession, city,
      content = '', detail = column, prefix = '1 2 3',
      tokenize = "unicode61 remove_diacritics 2"
    )`;
}

const INDEXES_SQL = `
  create index directory_entries_address on directory_entries(address collate nocase);
  create index directory_entries_rpps on directory_entries(rpps) where rpps is not null;
  create index directory_entries_id_nat on directory_entries(id_nat) where id_nat is not null;
  create index directory_entries_postal on directory_entries(postal_code) where postal_code is not null;`;

export const DIRECTORY_BY_ADDRESS_SQL = `select ${ENTRY_COLUMNS} from directory_entries e where e.address = ? collate nocase limit 20`;

/** What autocompletion reads before ranking: enough for a good first page, bounded. */
const AUTOCOMPLETE_CANDIDATES = 200;
const MAX_LIMIT = 200;

type Row = Omit<DirectoryEntry, 'displayName'>;
type Stmt = Database.Statement<unknown[]>;

export function displayNameOf(e: Omit<DirectoryEntryInput, 'address'> & { address: string }): string {
  const person = [e.firstName, e.lastName].filter((p): p is string => p !== null && p !== '').join(' ');
  if (e.type === 'PER' && person !== '') return person;
  const org = [e.structure, e.service].filter((p): p is string => p !== null && p !== '').join(' – ');
  if (org !== '') return person !== '' ? `${person} (${org})` : org;
  return person !== '' ? person : e.address;
}

const toEntry = (row: Row): DirectoryEntry => ({ ...row, displayName: displayNameOf(row) });

/** Lower case, accents and punctuation folded, single spaces: for ranking in JavaScript. */
export function foldForRanking(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@.]+/gu, ' ')
    .trim();
}

/** `{col1 col2} : ("a" AND "b"*)`, or null when the text holds no word. */
function columnMatch(columns: string, text: string, prefix: boolean): string | null {
  const match = buildMatchQuery(text, { autocomplete: prefix });
  return match === null ? null : `{${columns}} : (${match})`;
}

function clampLimit(limit: number | undefined, fallback: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.max(1, Math.min(MAX_LIMIT, Math.trunc(limit)));
}

export function createDirectoryRepository(db: SqliteDb, now: () => number = Date.now) {
  // The import in progress (one at a time, in this worker's memory): a batch or a commit with
  // another id is refused, so a stale importer can never touch a newer staging table.
  let activeImport: string | null = null;
  let stagingInsert: { entry: Stmt; fts: Stmt } | null = null;
  // Statements are prepared on first use: the tables may not exist yet when the server is built
  // on an older schema (tests that migrate step by step).
  const cache = new Map<string, Stmt>();
  const stmt = (sql: string): Stmt => {
    let s = cache.get(sql);
    if (s === undefined) {
      s = db.prepare<unknown[]>(sql);
      cache.set(sql, s);
    }
    return s;
  };

  const dropStaging = () => {
    db.exec('drop table if exists directory_staging; drop table if exists directory_staging_fts;');
    stagingInsert = null;
  };

  const checkImport = (importId: string) => {
    if (activeImport === null || importId !== activeImport) throw new VaultError('vault-error', 'directory import not active');
  };

  const insertBatch = db.transaction((entries: readonly DirectoryEntryInput[]) => {
    if (stagingInsert === null) throw new VaultError('vault-error', 'directory staging missing');
    const { entry, fts } = stagingInsert;
    for (const e of entries) {
      const { lastInsertRowid } = entry.run(e.address, e.type, e.rpps, e.idNat, e.civility, e.lastName, e.firstName, e.professionCode, e.profession, e.specialty, e.structure, e.structureId, e.service, e.postalCode, e.city);
      const name = [e.lastName, e.firstName].filter((p) => p !== null).join(' ');
      const structure = [e.structure, e.service].filter((p) => p !== null).join(' ');
      const profession = [e.profession, e.specialty].filter((p) => p !== null).join(' ');
      const city = [e.city, e.postalCode].filter((p) => p !== null).join(' ');
      fts.run(lastInsertRowid, normaliseForIndex(name), normaliseForIndex(structure), e.address, normaliseForIndex(profession), normaliseForIndex(city));
    }
    return entries.length;
  });

  const swap = db.transaction((args: { source: string; malformed: number }): DirectoryStatus => {
    const entries = Number((db.prepare('select count(*) as n from directory_staging').get() as { n: number }).n);
    db.exec(`
      drop table directory_entries;
      drop table directory_fts;
      alter table directory_staging rename to directory_entries;
      alter table directory_staging_fts rename to directory_fts;
      ${INDEXES_SQL}`);
    const status: DirectoryStatus = { importedAt: now(), source: args.source, entries, malformed: args.malformed };
    db.prepare('insert or replace into directory_meta (id, imported_at, source, entries, malformed) values (1, ?, ?, ?, ?)').run(status.importedAt, status.source, status.entries, status.malformed);
    return status;
  });

  return {
    /** Starts an import: drops any leftover staging table (a crashed import) and makes a new one. */
    directoryImportBegin(): { importId: string } {
      dropStaging();
      db.exec(`${directoryTableSql('directory_staging')}; ${directoryFtsSql('directory_staging_fts')};`);
      stagingInsert = {
        entry: db.prepare<unknown[]>(`insert into directory_staging (address, type, rpps, id_nat, civility, last_name, first_name, profession_code, profession, specialty, structure, structure_id, service, postal_code, city)
          values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
        fts: db.prepare<unknown[]>('insert into directory_staging_fts (rowid, name, structure, mailbox, profession, city) values (?, ?, ?, ?, ?, ?)'),
      };
      activeImport = randomUUID();
      return { importId: activeImport };
    },
    /** One transaction per batch, into the staging table only: the live directory is untouched. */
    directoryImportBatch(args: { importId: string; entries: readonly DirectoryEntryInput[] }): number {
      checkImport(args.importId);
      return insertBatch(args.entries);
    },
    /** Swaps the staging table in (one transaction: all or nothing) and builds its indexes. */
    directoryImportCommit(args: { importId: string; source: string; malformed: number }): DirectoryStatus {
      checkImport(args.importId);
      activeImport = null;
      stagingInsert = null;
      cache.clear();
      try {
        return swap(args);
      } catch (error) {
        dropStaging();
        throw error;
      }
    },
    /** Forgets the staging table; the live directory stays as it was. Idempotent. */
    directoryImportAbort(args: { importId: string }): void {
      if (activeImport !== args.importId) return;
      activeImport = null;
      dropStaging();
    },
    directoryStatus(): DirectoryStatus | null {
      const row = stmt('select imported_at as importedAt, source, entries, malformed from directory_meta where id = 1').get() as DirectoryStatus | undefined;
      return row ?? null;
    },
    /** Mailboxes with this exact address (case-insensitive): who a typed recipient is. */
    findDirectoryByAddress(address: string): DirectoryEntry[] {
      return (stmt(DIRECTORY_BY_ADDRESS_SQL).all(address.trim()) as Row[]).map(toEntry);
    },
    searchDirectory(query: DirectoryQuery): DirectoryEntry[] {
      const limit = clampLimit(query.limit, 50);
      const matches: string[] = [];
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.name !== undefined && query.name.trim() !== '') {
        const m = columnMatch('name structure', query.name, true);
        if (m === null) return [];
        matches.push(m);
      }
      if (query.profession !== undefined && query.profession.trim() !== '') {
        const m = columnMatch('profession', query.profession, true);
        if (m === null) return [];
        matches.push(m);
      }
      if (query.city !== undefined && query.city.trim() !== '') {
        const city = query.city.trim();
        if (/^\d{2,5}$/.test(city)) {
          // Postal-code prefix: an index range, not a LIKE (which the nocase rules keep off indexes).
          where.push('e.postal_code >= ? and e.postal_code < ?');
          params.push(city, `${city}\u{10FFFF}`);
        } else {
          const m = columnMatch('city', city, true);
          if (m === null) return [];
          matches.push(m);
        }
      }
      if (query.rpps !== undefined && query.rpps.trim() !== '') {
        const id = query.rpps.replace(/\s+/g, '');
        where.push('(e.rpps = ? or e.id_nat = ?)');
        params.push(id, id);
      }
      if (query.type !== undefined) {
        where.push('e.type = ?');
        params.push(query.type);
      }
      if (matches.length === 0 && where.length === 0) return [];
      let sql: string;
      if (matches.length > 0) {
        // FTS drives: rowid order, stops at the limit (no scoring of every match).
        sql = `select ${ENTRY_COLUMNS} from directory_fts f join directory_entries e on e.id = f.rowid where directory_fts match ?${where.map((w) => ` and ${w}`).join('')} limit ?`;
        params.unshift(matches.join(' AND '));
      } else {
        sql = `select ${ENTRY_COLUMNS} from directory_entries e where ${where.join(' and ')} limit ?`;
      }
      params.push(limit);
      const rows = (stmt(sql).all(...params) as Row[]).map(toEntry);
      return rows.sort((a, b) => a.displayName.localeCompare(b.displayName, 'fr'));
    },
    /**
     * Recipient autocompletion: every typed word must start a word of the name, structure or
     * address (accent/case-insensitive). Reads at most 200 candidates in index order, then ranks
     * them: display name starting with what was typed first, then persons, then alphabetical.
     */
    autocompleteDirectory(args: { prefix: string; limit?: number }): DirectoryEntry[] {
      const limit = clampLimit(args.limit, 10);
      const match = columnMatch('name structure mailbox', args.prefix, true);
      if (match === null) return [];
      const rows = (stmt(`select ${ENTRY_COLUMNS} from directory_fts f join directory_entries e on e.id = f.rowid where directory_fts match ? limit ?`).all(match, AUTOCOMPLETE_CANDIDATES) as Row[]).map(toEntry);
      const typed = foldForRanking(args.prefix);
      const scored = rows.map((e) => {
        const name = foldForRanking(e.displayName);
        const last = foldForRanking(e.lastName ?? '');
        const address = e.address.toLowerCase();
        const score = name.startsWith(typed) || `${last} ${foldForRanking(e.firstName ?? '')}`.startsWith(typed) || address.startsWith(typed) ? 0 : 1;
        return { e, key: [score, e.type === 'PER' ? 0 : 1, name] as const };
      });
      scored.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2].localeCompare(b.key[2], 'fr'));
      return scored.slice(0, limit).map((s) => s.e);
    },
  };
}

export type DirectoryRepository = ReturnType<typeof createDirectoryRepository>;
