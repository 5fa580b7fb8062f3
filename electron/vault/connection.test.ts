import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type CipherProfile } from './connection.js';
import { VaultKeyError } from './errors.js';
import { tempDir } from './testSupport.js';

describe.each<CipherProfile>(['aegis256', 'sqlcipher4'])('openDatabase (%s)', (cipher) => {
  it('encrypts the file, reopens with the raw key in milliseconds, refuses another key', () => {
    const file = path.join(tempDir(), 'v.db');
    const key = randomBytes(32);
    const db = openDatabase({ file, key: Buffer.from(key), cipher });
    db.exec("create table t (x text) strict; insert into t values ('CANARY-7f3a');");
    db.close();
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
    expect(bytes.includes('CANARY-7f3a')).toBe(false);

    const started = performance.now();
    const again = openDatabase({ file, key: Buffer.from(key), cipher });
    // A raw key skips the KDF: a passphrase with 256,000 PBKDF2 rounds would take ~100+ ms.
    expect(performance.now() - started).toBeLessThan(50);
    expect(again.prepare('select x from t').get()).toEqual({ x: 'CANARY-7f3a' });
    again.close();

    expect(() => openDatabase({ file, key: randomBytes(32), cipher })).toThrow(VaultKeyError);
    const other: CipherProfile = cipher === 'aegis256' ? 'sqlcipher4' : 'aegis256';
    expect(() => openDatabase({ file, key: Buffer.from(key), cipher: other })).toThrow(VaultKeyError);
  });
});
