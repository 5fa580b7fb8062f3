import { safeStorage } from 'electron';
import type { Sealer } from '../vault/keys/keyring.js';

/**
 * The OS keystore (DPAPI, macOS Keychain, libsecret/KWallet) as the vault's second seal.
 * On Linux without a keyring Electron falls back to 'basic_text' — a hard-coded password, i.e.
 * no protection: then Caducée does not seal at all (the card wrap alone protects the key) and
 * says so in the log, rather than pretending. The backend that sealed is recorded with the key.
 */
export function osKeystoreSealer(): Sealer | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : process.platform === 'win32' ? 'dpapi' : 'keychain';
  if (backend === 'basic_text' || backend === 'unknown') return undefined;
  return {
    backend,
    seal: (data) => safeStorage.encryptString(data.toString('base64')),
    unseal: (data) => Buffer.from(safeStorage.decryptString(data), 'base64'),
  };
}
