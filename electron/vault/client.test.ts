import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger, LogFields } from '../policy/logger.js';
import { openVault, type Vault } from './client.js';
import { VaultError, VaultKeyError } from './errors.js';
import { SCHEMA_VERSION } from './migrations/index.js';
import { message, tempDir } from './testSupport.js';

function recordingLogger() {
  const lines: { level: string; event: string; fields?: LogFields }[] = [];
  const at = (level: string) => (event: string, fields?: LogFields) => void lines.push(fields === undefined ? { level, event } : { level, event, fields });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

const open: Vault[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((v) => v.close()));
});

describe('openVault (worker thread)', () => {
  it('runs the typed methods in the worker, migrated, and zeroes the caller’s key', async () => {
    const file = path.join(tempDir(), 'vault.db');
    const key = randomBytes(32);
    const keyCopy = Buffer.from(key);
    const vault = await openVault({ file, key });
    open.push(vault);
    expect(key.equals(Buffer.alloc(32))).toBe(true);
    expect(vault.schemaVersion).toBe(SCHEMA_VERSION);
    const [id] = await vault.insertMessages([message({ subject: 'Échographie abdominale' })]);
    expect(id).toBeTypeOf('number');
    const page = await vault.inboxPage({ folder: 'INBOX' });
    expect(page.map((m) => m.subject)).toEqual(['Échographie abdominale']);
    expect(await vault.searchMessages({ query: 'echographie' })).toHaveLength(1);
    await vault.close();
    await expect(vault.inboxPage({ folder: 'INBOX' })).rejects.toMatchObject({ code: 'locked' });

    const again = await openVault({ file, key: Buffer.from(keyCopy) });
    open.push(again);
    expect(await again.inboxPage({ folder: 'INBOX' })).toHaveLength(1);
  });

  it('refuses a wrong key with VaultKeyError and its French message', async () => {
    const file = path.join(tempDir(), 'vault.db');
    const first = await openVault({ file, key: randomBytes(32) });
    await first.insertMessages([message()]);
    await first.close();
    const attempt = openVault({ file, key: randomBytes(32) });
    await expect(attempt).rejects.toBeInstanceOf(VaultKeyError);
    await expect(attempt).rejects.toMatchObject({ userMessage: expect.stringMatching(/^La clé ne correspond pas à ce coffre/) });
  });

  it('logs slow statements by name only, and typed errors without parameters', async () => {
    const { log, lines } = recordingLogger();
    const vault = await openVault({ file: path.join(tempDir(), 'vault.db'), key: randomBytes(32), log, slowMs: -1 });
    open.push(vault);
    await vault.upsertPatient({ ins: '255069999999934', oid: '1.2.250.1.213.1.4.11', traits: { nom: 'CANARI' }, status: 'provisoire' });
    const slow = lines.find((l) => l.event === 'vault.slow');
    expect(slow?.fields).toMatchObject({ method: 'upsertPatient' });
    await expect(vault.addDocument({ patientId: 999, uniqueId: 'u1', kind: '11488-4', title: 'CR', mime: 'text/plain', createdAt: 1, data: new Uint8Array([1]) })).rejects.toBeInstanceOf(VaultError);
    const text = JSON.stringify(lines);
    expect(text).not.toContain('255069999999934');
    expect(text).not.toContain('CANARI');
    expect(text).toContain('SQLITE_CONSTRAINT_FOREIGNKEY');
  });
});
