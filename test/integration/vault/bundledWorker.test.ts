import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openVault } from '../../../electron/vault/client.js';
import { VaultKeyError } from '../../../electron/vault/errors.js';
import { tempDir } from '../../../electron/vault/testSupport.js';

/**
 * The packaged app starts the vault's worker from its esbuild bundle (dist/main/vaultWorker.cjs),
 * not through tsx: prove that bundle opens, migrates, writes, searches and refuses a wrong key.
 */
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const workerFile = path.join(root, 'dist', 'main', 'vaultWorker.cjs');

describe('bundled vault worker', () => {
  it('runs the vault from dist/main/vaultWorker.cjs', async () => {
    expect(fs.existsSync(workerFile), 'lancez `npm run build` d’abord').toBe(true);
    const dir = tempDir();
    const file = path.join(dir, 'vault.db');
    const key = randomBytes(32);
    const copy = Buffer.from(key);
    const vault = await openVault({ file, key, workerFile });
    expect(vault.schemaVersion).toBeGreaterThan(0);
    await vault.insertMessages([
      { folder: 'INBOX', uid: 1, messageId: '<b@x>', date: 1, from: 'a@b.mssante.fr', to: ['c@d.mssante.fr'], subject: 'Échographie', bodyText: 'Compte rendu' },
    ]);
    expect((await vault.searchMessages({ query: 'echographie' })).length).toBe(1);
    await vault.close();
    await expect(openVault({ file, key: randomBytes(32), workerFile })).rejects.toBeInstanceOf(VaultKeyError);
    const again = await openVault({ file, key: copy, workerFile });
    expect((await again.inboxPage({ folder: 'INBOX' })).length).toBe(1);
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
