import type { SqliteDb } from './connection.js';
import { createAuditRepository } from './audit.js';
import { VaultCorruptError } from './errors.js';
import { userVersion } from './migrations/index.js';
import { createMailParseRepository } from './repo/mailParse.js';
import { createMailSyncRepository } from './repo/mailSync.js';
import { createMailboxRepository } from './repo/mailbox.js';
import { createDirectoryRepository } from './repo/directory.js';
import { createMessageRepository } from './repo/messages.js';
import { createOutboxRepository } from './repo/outbox.js';
import { createOutboxJobRepository } from './repo/outboxJobs.js';
import { createPatientRepository } from './repo/patients.js';
import { createRecordRepository } from './repo/records.js';

/**
 * The vault's method list (Signal's `ts/sql/Server` habit): every statement the app may run,
 * by name, over one connection. It runs in the vault worker; tests may also call it in-process.
 * Each method takes at most one argument (structured-clonable) and returns plain data.
 */
export function createVaultServer(db: SqliteDb, now: () => number = Date.now) {
  return {
    ...createMessageRepository(db),
    ...createRecordRepository(db, now),
    ...createPatientRepository(db),
    ...createOutboxRepository(db, now),
    ...createOutboxJobRepository(db, now),
    ...createAuditRepository(db, now),
    ...createDirectoryRepository(db, now),
    ...createMailSyncRepository(db, now),
    ...createMailParseRepository(db),
    ...createMailboxRepository(db),
    readSchemaVersion: (): number => userVersion(db),
    /** Reads every page (each page's MAC is checked): for support, and the tamper test. */
    checkIntegrity(): 'ok' {
      const result = db.pragma('quick_check', { simple: true });
      if (result !== 'ok') throw new VaultCorruptError('quick_check failed');
      return 'ok';
    },
  };
}

export type VaultServer = ReturnType<typeof createVaultServer>;
export type VaultMethodName = keyof VaultServer;

/** The same methods, asynchronous: what `openVault()` hands out on the main thread. */
export type VaultApi = {
  readonly [K in VaultMethodName]: (...args: Parameters<VaultServer[K]>) => Promise<ReturnType<VaultServer[K]>>;
};
