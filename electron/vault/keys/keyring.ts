import { createHash, createPublicKey, randomBytes, scryptSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CIPHER, type CipherProfile } from '../connection.js';
import { VaultError } from '../errors.js';
import { gcmOpen, gcmSeal, oaepEncrypt, publicKeyId, type CardKeyWrapper, type CardWrappedKey } from './cardWrap.js';
import { generateRecoveryCode, normaliseRecoveryCode } from './recoveryCode.js';

/**
 * vault-keys.json, next to the database: every wrapped copy of the 256-bit data key, never the
 * key itself. The card's copy may be sealed again by the OS keystore, and the file records which
 * backend sealed it (Signal's lesson: keyrings change under users). When unsealing fails the
 * caller gets a typed error pointing to the recovery code: this module never creates a new empty
 * vault over an existing one and has no constant fallback passphrase.
 */

/** The OS keystore (Electron safeStorage in electron/app/; a fake in tests). */
export interface Sealer {
  /** e.g. 'dpapi', 'keychain', 'gnome_libsecret', 'kwallet5' (safeStorage.getSelectedStorageBackend). */
  readonly backend: string;
  seal(data: Buffer): Buffer | Promise<Buffer>;
  unseal(data: Buffer): Buffer | Promise<Buffer>;
}

// scrypt N=2^15, r=8: ~50–100 ms here, on top of a 115-bit code.
const SCRYPT = { N: 32_768, r: 8, p: 1 } as const;

const gcmBlob = { iv: z.string(), ct: z.string(), tag: z.string() };
const keysFileSchema = z.object({
  version: z.literal(1),
  cipher: z.enum(['aegis256', 'sqlcipher4']),
  card: z.object({ cardKeyId: z.string(), sealedBy: z.string().nullable(), data: z.string() }),
  recovery: z.object({ kdf: z.literal('scrypt'), N: z.number(), r: z.number(), p: z.number(), salt: z.string(), ...gcmBlob }),
  escrow: z.object({ keyId: z.string(), method: z.literal('rsa-oaep-sha256'), blob: z.string() }).nullable(),
});
export type KeysFile = z.infer<typeof keysFileSchema>;

export const KEYS_FILE_NAME = 'vault-keys.json';
export const DB_FILE_NAME = 'vault.db';

/** One folder per professional, named by a hash of the idNat (no identifier in paths). */
export function vaultPaths(profileDir: string, idNat: string): { dir: string; dbFile: string; keysFile: string } {
  const dir = path.join(profileDir, 'vaults', createHash('sha256').update(idNat).digest('hex').slice(0, 20));
  return { dir, dbFile: path.join(dir, DB_FILE_NAME), keysFile: path.join(dir, KEYS_FILE_NAME) };
}

function recoveryKek(code: string, salt: Buffer, params: { N: number; r: number; p: number }): Buffer {
  return scryptSync(code, salt, 32, { ...params, maxmem: 128 * params.N * params.r * 2 });
}

async function sealCardCopy(wrapped: CardWrappedKey, sealer: Sealer | undefined): Promise<KeysFile['card']> {
  const json = Buffer.from(JSON.stringify(wrapped), 'utf8');
  if (sealer === undefined) return { cardKeyId: wrapped.cardKeyId, sealedBy: null, data: json.toString('base64') };
  return { cardKeyId: wrapped.cardKeyId, sealedBy: sealer.backend, data: (await sealer.seal(json)).toString('base64') };
}

function writeAtomically(file: string, keys: KeysFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function readKeysFile(file: string): KeysFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new VaultError('keys-file-invalid', error instanceof Error ? error.name : 'read');
  }
  const parsed = keysFileSchema.safeParse(raw);
  if (!parsed.success) throw new VaultError('keys-file-invalid', 'schema');
  return parsed.data;
}

export interface CreatedVaultKey {
  /** The data key: pass it to openVault, which zeroes it. */
  readonly key: Buffer;
  readonly cipher: CipherProfile;
  /** Show once, never store, never log. */
  readonly recoveryCode: string;
}

/** A new data key for a new vault. Refuses when keys already exist: that vault must be unlocked. */
export async function createVaultKey(options: { keysFile: string; card: CardKeyWrapper; sealer?: Sealer; escrowPublicKeyPem?: string; cipher?: CipherProfile }): Promise<CreatedVaultKey> {
  if (fs.existsSync(options.keysFile)) throw new VaultError('vault-error', 'keys file exists: refusing to replace the key of an existing vault');
  const key = randomBytes(32);
  const recoveryCode = generateRecoveryCode();
  const salt = randomBytes(16);
  const kek = recoveryKek(normaliseRecoveryCode(recoveryCode) ?? '', salt, SCRYPT);
  const recovery = { kdf: 'scrypt' as const, ...SCRYPT, salt: salt.toString('base64'), ...gcmSeal(kek, key) };
  kek.fill(0);
  let escrow: KeysFile['escrow'] = null;
  if (options.escrowPublicKeyPem !== undefined) {
    const escrowKey = createPublicKey(options.escrowPublicKeyPem);
    escrow = { keyId: publicKeyId(escrowKey), method: 'rsa-oaep-sha256', blob: oaepEncrypt(escrowKey, key).toString('base64') };
  }
  const card = await sealCardCopy(await options.card.wrap(key), options.sealer);
  const cipher = options.cipher ?? DEFAULT_CIPHER;
  writeAtomically(options.keysFile, { version: 1, cipher, card, recovery, escrow });
  return { key, cipher, recoveryCode };
}

/** The data key, from the card (after its PIN) and, when the copy was sealed, the OS keystore. */
export async function unlockWithCard(options: { keysFile: string; card: CardKeyWrapper; sealer?: Sealer }): Promise<{ key: Buffer; cipher: CipherProfile }> {
  const keys = readKeysFile(options.keysFile);
  let json: Buffer;
  if (keys.card.sealedBy === null) {
    json = Buffer.from(keys.card.data, 'base64');
  } else {
    if (options.sealer === undefined || options.sealer.backend !== keys.card.sealedBy) {
      throw new VaultError('unseal-failed', `sealed by ${keys.card.sealedBy}, available ${options.sealer?.backend ?? 'none'}`);
    }
    try {
      json = await options.sealer.unseal(Buffer.from(keys.card.data, 'base64'));
    } catch (error) {
      throw new VaultError('unseal-failed', `unseal ${keys.card.sealedBy}: ${error instanceof Error ? error.name : 'error'}`);
    }
  }
  if (keys.card.cardKeyId !== options.card.cardKeyId) throw new VaultError('unwrap-failed', 'another card');
  let wrapped: CardWrappedKey;
  try {
    wrapped = JSON.parse(json.toString('utf8')) as CardWrappedKey;
  } catch {
    throw new VaultError('keys-file-invalid', 'card copy');
  }
  try {
    const key = await options.card.unwrap(wrapped);
    if (key.length !== 32) throw new VaultError('unwrap-failed', 'length');
    return { key, cipher: keys.cipher };
  } catch (error) {
    // Card errors (wrong PIN, card removed…) keep their own type and French message.
    if (error instanceof VaultError || (typeof error === 'object' && error !== null && 'userMessage' in error && 'code' in error)) throw error;
    throw new VaultError('unwrap-failed', error instanceof Error ? error.name : 'unwrap');
  }
}

export async function unlockWithRecoveryCode(options: { keysFile: string; recoveryCode: string }): Promise<{ key: Buffer; cipher: CipherProfile }> {
  const keys = readKeysFile(options.keysFile);
  const code = normaliseRecoveryCode(options.recoveryCode);
  if (code === null) throw new VaultError('recovery-code-invalid', 'checksum');
  const kek = recoveryKek(code, Buffer.from(keys.recovery.salt, 'base64'), keys.recovery);
  try {
    return { key: gcmOpen(kek, keys.recovery), cipher: keys.cipher };
  } catch {
    throw new VaultError('recovery-code-invalid', 'gcm');
  } finally {
    kek.fill(0);
  }
}

/**
 * Card renewal, or re-sealing after a recovery: while unlocked (the caller holds the key),
 * replaces the card copy with one for `card`, sealed by `sealer` when given. Other copies stay.
 */
export async function rewrapForCard(options: { keysFile: string; key: Buffer; card: CardKeyWrapper; sealer?: Sealer }): Promise<void> {
  const keys = readKeysFile(options.keysFile);
  const card = await sealCardCopy(await options.card.wrap(options.key), options.sealer);
  writeAtomically(options.keysFile, { ...keys, card });
}
