import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type CipherProfile, type SqliteDb } from './connection.js';
import { migrate } from './migrations/index.js';
import type { NewMessage } from './repo/messages.js';

/** Test helpers (imported by *.test.ts only). */

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-vault-'));
}

export function openTestDb(options: { dir?: string; key?: Buffer; cipher?: CipherProfile; migrateTo?: number } = {}): { db: SqliteDb; file: string; key: Buffer } {
  const file = path.join(options.dir ?? tempDir(), 'vault.db');
  const key = options.key ?? randomBytes(32);
  const db = openDatabase({ file, key: Buffer.from(key), cipher: options.cipher ?? 'aegis256' });
  if (options.migrateTo !== 0) migrate(db, options.migrateTo);
  return { db, file, key };
}

export function message(overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    folder: 'INBOX',
    uid: null,
    messageId: null,
    date: Date.parse('2026-11-20T10:00:00Z'),
    from: 'dr.martin@medecin.mssante.fr',
    to: ['dr.durand@hopital.mssante.fr'],
    subject: 'Compte rendu',
    bodyText: 'Bonjour, voici le compte rendu.',
    ...overrides,
  };
}
