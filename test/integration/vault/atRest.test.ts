import { constants, generateKeyPairSync, privateDecrypt, randomBytes, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createRotatingFileSink } from '../../../electron/policy/logger.js';
import { openVault } from '../../../electron/vault/client.js';
import { VaultCorruptError, VaultKeyError } from '../../../electron/vault/errors.js';
import { oaepCardWrapper, type CardKeyOps } from '../../../electron/vault/keys/cardWrap.js';
import { createVaultKey, unlockWithCard, vaultPaths, type Sealer } from '../../../electron/vault/keys/keyring.js';
import { SCHEMA_VERSION } from '../../../electron/vault/migrations/index.js';
import { tempDir } from '../../../electron/vault/testSupport.js';

/**
 * Proof at rest: 100 canaries written through the vault's own API (patients, INS, message
 * bodies, attachment bytes), then every file of the profile scanned for each, as UTF-8 and
 * UTF-16LE. Then: another card, a wrong key and a tampered page are refused with typed errors.
 */
function fakeCard(): CardKeyOps {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey,
    decrypt: async (data) => privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data),
    sign: async (data) => sign('sha256', data, privateKey),
  };
}
const sealer: Sealer = { backend: 'fake_keyring', seal: (b) => Buffer.from(b.map((x) => x ^ 0xa5)), unseal: (b) => Buffer.from(b.map((x) => x ^ 0xa5)) };

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const profile = tempDir();
const paths = vaultPaths(profile, '810012345678');
const card = fakeCard();
const canaries: Buffer[] = [];
let dbKey: Buffer;

beforeAll(async () => {
  const log = createLogger(createRotatingFileSink(path.join(profile, 'logs')), 'debug');
  const created = await createVaultKey({ keysFile: paths.keysFile, card: oaepCardWrapper(card), sealer });
  dbKey = Buffer.from(created.key);
  const vault = await openVault({ file: paths.dbFile, key: created.key, log, slowMs: -1 });
  for (let i = 0; i < 25; i += 1) {
    const name = `CANARINOM${i}ÉLODIE`;
    const ins = `2${String(550699999990 + i).padStart(12, '0')}${String(10 + i)}`;
    const body = `Corps canari numéro ${i} : échographie de contrôle ${randomBytes(6).toString('hex')}`;
    const attachment = Buffer.concat([Buffer.from(`%PDF-1.7 canari-pj-${i}-`), randomBytes(24)]);
    canaries.push(Buffer.from(name), Buffer.from(ins), Buffer.from(body), attachment);
    const patientId = await vault.upsertPatient({ ins, oid: '1.2.250.1.213.1.4.11', traits: { nomNaissance: name, prenoms: 'ÉLODIE' }, status: 'qualifiee' });
    const [messageId] = await vault.insertMessages([{ folder: 'INBOX', uid: i + 1, messageId: `<m${i}@x>`, date: i, from: 'a@b.mssante.fr', to: ['c@d.mssante.fr'], subject: `CR ${name}`, bodyText: body, patientId }]);
    await vault.addAttachment({ messageId: messageId ?? 0, filename: 'cr.pdf', mime: 'application/pdf', data: attachment });
    await vault.appendAudit({ actor: '810012345678', action: 'message.read', subjectType: 'message', subjectId: String(messageId) });
  }
  expect(canaries).toHaveLength(100);
  expect((await vault.searchMessages({ query: 'canari' })).length).toBe(25);
  await vault.close();
});

afterAll(() => fs.rmSync(profile, { recursive: true, force: true }));

describe('vault at rest', () => {
  it('leaves none of the 100 canaries in any file of the profile (UTF-8 and UTF-16LE)', () => {
    const files = filesUnder(profile);
    expect(files.some((f) => f.endsWith('vault.db'))).toBe(true);
    expect(files.some((f) => f.endsWith('vault-keys.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('caducee.log'))).toBe(true);
    const hits: string[] = [];
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const canary of canaries) {
        const utf16 = Buffer.from(canary.toString('utf8'), 'utf16le');
        if (bytes.includes(canary) || bytes.includes(utf16)) hits.push(`${path.basename(file)}: canary ${canaries.indexOf(canary)}`);
      }
      if (bytes.includes(dbKey) || bytes.includes(dbKey.toString('hex'))) hits.push(`${path.basename(file)}: data key`);
    }
    expect(hits).toEqual([]);
  });

  it('finds them again with the card', async () => {
    const { key } = await unlockWithCard({ keysFile: paths.keysFile, card: oaepCardWrapper(card), sealer });
    const vault = await openVault({ file: paths.dbFile, key });
    expect((await vault.searchMessages({ query: 'canari numero' })).length).toBe(25);
    expect(await vault.checkIntegrity()).toBe('ok');
    await vault.close();
  });

  it('refuses another card, and a wrong key', async () => {
    await expect(unlockWithCard({ keysFile: paths.keysFile, card: oaepCardWrapper(fakeCard()), sealer })).rejects.toMatchObject({ code: 'unwrap-failed' });
    await expect(openVault({ file: paths.dbFile, key: randomBytes(32) })).rejects.toBeInstanceOf(VaultKeyError);
  });

  it('refuses a tampered page with a typed corruption error, without crashing', async () => {
    const copy = path.join(tempDir(), 'vault.db');
    fs.copyFileSync(paths.dbFile, copy);
    const bytes = fs.readFileSync(copy);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
    fs.writeFileSync(copy, bytes);
    const vault = await openVault({ file: copy, key: Buffer.from(dbKey) });
    await expect(vault.checkIntegrity()).rejects.toBeInstanceOf(VaultCorruptError);
    await expect(vault.checkIntegrity()).rejects.toMatchObject({ userMessage: expect.stringMatching(/endommagé ou a été modifié/) });
    // The worker survived: other pages still answer.
    expect(await vault.readSchemaVersion()).toBe(SCHEMA_VERSION);
    await vault.close();
  });
});
