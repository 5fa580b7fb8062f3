import Database from 'better-sqlite3-multiple-ciphers';
import { VaultCorruptError, VaultError, VaultKeyError } from './errors.js';

export type SqliteDb = Database.Database;

/**
 * Which page cipher protects a vault. Both are authenticated (a flipped byte is refused):
 * - `aegis256`: AEGIS-256 AEAD with AES-NI (SQLite3 Multiple Ciphers ≥ 2.0). Measured here at
 *   ~1.0–1.1× plain SQLite on ingest, where `sqlcipher4` costs ~2× (AES-CBC + HMAC-SHA512 in
 *   portable C, paid on every WAL frame). The default for new vaults.
 * - `sqlcipher4`: SQLCipher 4 compatible (`legacy=4`), for interoperability with SQLCipher tools.
 * The choice is recorded (not secret) in vault-keys.json: a vault keeps its cipher for life.
 */
export type CipherProfile = 'aegis256' | 'sqlcipher4';
export const DEFAULT_CIPHER: CipherProfile = 'aegis256';

/**
 * 16 KiB pages: 4 KiB pages cost both plain and encrypted ingest ~2× (2 KB bodies straddle pages,
 * more B-tree splits, more per-page MACs); 64 KiB is a little faster to ingest but every cold
 * random read then decrypts 64 KiB. Must never change for an existing vault: SQLCipher-4 mode
 * needs it before the first read (the header is encrypted).
 */
export const PAGE_SIZE = 16_384;
/** 64 MiB of page cache (negative = KiB): the whole inbox index and FTS structure stay warm. */
const CACHE_KIB = 65_536;

export interface OpenOptions {
  readonly file: string;
  /** 32 raw bytes. `null` only for the benchmark's plain baseline: never in the product. */
  readonly key: Buffer | null;
  readonly cipher?: CipherProfile;
  readonly synchronous?: 'FULL' | 'NORMAL';
  readonly readonly?: boolean;
}

function applyCipher(db: SqliteDb, key: Buffer, cipher: CipherProfile): void {
  if (key.length !== 32) throw new VaultError('vault-error', `key length ${key.length}`);
  // The cipher must be chosen BEFORE the key: the driver's default is chacha20.
  if (cipher === 'sqlcipher4') {
    db.pragma("cipher='sqlcipher'");
    db.pragma('legacy=4');
    db.pragma(`legacy_page_size=${PAGE_SIZE}`);
  } else {
    db.pragma("cipher='aegis'");
    db.pragma("algorithm='aegis-256'");
  }
  // Raw-key form x'<64 hex>': no KDF at all (unlock stays in milliseconds; the key is already
  // 256 random bits). Built in a Buffer, not a JS string, so the copy can be wiped right away.
  const literal = Buffer.alloc(67);
  literal.write("x'", 0, 'latin1');
  const hex = '0123456789abcdef';
  for (let i = 0; i < 32; i += 1) {
    const byte = key[i] ?? 0;
    literal[2 + 2 * i] = hex.charCodeAt(byte >> 4);
    literal[3 + 2 * i] = hex.charCodeAt(byte & 15);
  }
  literal[66] = 0x27;
  try {
    db.key(literal);
  } finally {
    literal.fill(0);
  }
}

let driverChecked = false;
/**
 * Refuses a driver that would silently ignore the key and write plaintext (plain better-sqlite3
 * accepts `PRAGMA key` and does nothing). Checked on a memory database, so that a wrong key
 * cannot be mistaken for a missing cipher.
 */
function assertCipherDriver(): void {
  if (driverChecked) return;
  const probe = new Database(':memory:');
  try {
    probe.prepare('select sqlite3mc_version() as v').get();
    driverChecked = true;
  } catch {
    throw new VaultError('driver-unencrypted', 'sqlite3mc_version() missing');
  } finally {
    probe.close();
  }
}

/** Maps an SQLite error to a typed vault error; `opening` turns NOTADB into "wrong key". */
export function mapSqliteError(error: unknown, context: string, opening = false): VaultError {
  if (error instanceof VaultError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
  if (code === 'SQLITE_NOTADB') return opening ? new VaultKeyError(`${context}: ${code}`) : new VaultCorruptError(`${context}: ${code}`);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_IOERR_DATA') return new VaultCorruptError(`${context}: ${code}`);
  // SQLite's own messages name tables and columns, never bound values: safe for the log.
  const detail = code.startsWith('SQLITE_') && error instanceof Error ? ` ${error.message}` : error instanceof Error ? ` ${error.name}` : '';
  return new VaultError('vault-error', `${context}: ${code}${detail}`);
}

/**
 * Opens (or creates) one vault file: cipher, key, then the first read that proves the key, then
 * the pragmas. Synchronous on purpose: it runs inside the vault worker (or in-process in tests).
 */
export function openDatabase(options: OpenOptions): SqliteDb {
  if (options.key !== null) assertCipherDriver();
  const db = new Database(options.file, { readonly: options.readonly ?? false });
  try {
    if (options.key !== null) applyCipher(db, options.key, options.cipher ?? DEFAULT_CIPHER);
    try {
      db.prepare('select count(*) from sqlite_schema').get();
    } catch (error) {
      throw mapSqliteError(error, 'open', true);
    }
    // A new file takes the page size before its first table; an existing one keeps its own.
    db.pragma(`page_size=${PAGE_SIZE}`);
    if (!options.readonly) db.pragma('journal_mode=WAL');
    // FULL: a commit the outbox acknowledged survives a power cut (NORMAL may lose the last
    // transactions of the WAL). The bench measures both.
    db.pragma(`synchronous=${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys=ON');
    db.pragma(`cache_size=-${CACHE_KIB}`);
    // Sorts and temp indexes stay in memory: temporary files are not covered by the page cipher.
    db.pragma('temp_store=MEMORY');
    db.pragma('busy_timeout=5000');
    return db;
  } catch (error) {
    db.close();
    throw mapSqliteError(error, 'open', true);
  }
}
