import fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import type { CardService } from '../card/cardService.js';
import type { Logger } from '../policy/logger.js';
import { openVault, type Vault } from '../vault/client.js';
import { VaultError } from '../vault/errors.js';
import { chooseCardWrapper, type CardKeyOps } from '../vault/keys/cardWrap.js';
import { createVaultKey, rewrapForCard, unlockWithCard, unlockWithRecoveryCode, vaultPaths, type Sealer } from '../vault/keys/keyring.js';

/**
 * The professional's vault follows the card: opened right after a successful sign-in (created,
 * with its recovery code, the first time), closed — key dropped — when the card leaves, the
 * professional signs out or the session idles out. Queued work stays in the closed vault.
 */
export type { CardKeyOps };

export interface VaultSession {
  /** Resolves with the recovery code when this call created the vault. Throws VaultError. */
  open(idNat: string): Promise<{ recoveryCode?: string }>;
  /**
   * The way out when the card copy of the key cannot be used (OS keystore changed, card
   * renewed without re-wrapping): the recovery code opens the vault, which is then re-wrapped
   * for the signed-in card (and re-sealed), so the next sign-in needs the card only.
   */
  recover(idNat: string, recoveryCode: string): Promise<void>;
  /**
   * Card renewal, while the vault is open with the old card: wraps the data key for the new
   * card (RSA-OAEP when it decrypts, else its signature + HKDF) and re-seals it; from then on
   * the new card opens the vault. The recovery copy and any escrow copy stay as they were.
   */
  transferTo(idNat: string, newCard: CardKeyOps): Promise<void>;
  close(reason: string): Promise<void>;
  current(): Vault | undefined;
}

export interface VaultSessionOptions {
  readonly profileDir: string;
  readonly card: CardService;
  readonly log: Logger;
  readonly sealer?: Sealer;
  readonly workerFile?: string;
  readonly escrowPublicKeyPem?: string;
}

function cardKeyOps(card: CardService): CardKeyOps {
  const certificates = card.certificates();
  if (!certificates) throw new VaultError('locked', 'no signed-in card');
  return {
    publicKey: new X509Certificate(certificates.authentication).publicKey,
    decrypt: (data) => card.decrypt(data, 'RSA-OAEP-SHA256'),
    sign: (data) => card.sign(data, 'RSA-PKCS1-SHA256', 'authentication'),
  };
}

export function createVaultSession(options: VaultSessionOptions): VaultSession {
  const { log } = options;
  let vault: Vault | undefined;
  /**
   * A copy of the data key while the vault is open, for card renewal only: the worker holds
   * the key anyway for as long as the vault is open; both are dropped (zeroed) on lock.
   */
  let keyCopy: Buffer | undefined;
  let opening: Promise<{ recoveryCode?: string }> | undefined;

  async function doOpen(idNat: string): Promise<{ recoveryCode?: string }> {
    const paths = vaultPaths(options.profileDir, idNat);
    const wrapper = await chooseCardWrapper(cardKeyOps(options.card));
    const sealing = options.sealer ? { sealer: options.sealer } : {};
    let recoveryCode: string | undefined;
    let unlocked: { key: Buffer; cipher: Parameters<typeof openVault>[0]['cipher'] };
    if (fs.existsSync(paths.keysFile)) {
      unlocked = await unlockWithCard({ keysFile: paths.keysFile, card: wrapper, ...sealing });
    } else {
      const created = await createVaultKey({
        keysFile: paths.keysFile,
        card: wrapper,
        ...sealing,
        ...(options.escrowPublicKeyPem ? { escrowPublicKeyPem: options.escrowPublicKeyPem } : {}),
      });
      recoveryCode = created.recoveryCode;
      unlocked = created;
      log.info('vault.created', { backend: options.sealer?.backend ?? 'none' });
    }
    await openWith(idNat, unlocked);
    return recoveryCode !== undefined ? { recoveryCode } : {};
  }

  async function openWith(idNat: string, unlocked: { key: Buffer; cipher?: Parameters<typeof openVault>[0]['cipher'] }): Promise<void> {
    const copy = Buffer.alloc(32);
    unlocked.key.copy(copy);
    const opened = await openVault({
      file: vaultPaths(options.profileDir, idNat).dbFile,
      key: unlocked.key,
      ...(unlocked.cipher ? { cipher: unlocked.cipher } : {}),
      log,
      ...(options.workerFile ? { workerFile: options.workerFile } : {}),
    });
    await opened.appendAudit({ actor: idNat, action: 'vault.unlocked', subjectType: 'vault', subjectId: 'local' });
    vault = opened;
    keyCopy = copy;
    log.info('vault.opened', { schema: opened.schemaVersion });
  }

  return {
    async recover(idNat, recoveryCode) {
      if (vault) return;
      const paths = vaultPaths(options.profileDir, idNat);
      if (!fs.existsSync(paths.keysFile)) throw new VaultError('keys-file-invalid', 'no vault to recover');
      const unlocked = await unlockWithRecoveryCode({ keysFile: paths.keysFile, recoveryCode });
      const wrapper = await chooseCardWrapper(cardKeyOps(options.card));
      await rewrapForCard({ keysFile: paths.keysFile, key: unlocked.key, card: wrapper, ...(options.sealer ? { sealer: options.sealer } : {}) });
      log.info('vault.recovered', { backend: options.sealer?.backend ?? 'none' });
      await openWith(idNat, unlocked);
    },
    open(idNat) {
      if (vault) return Promise.resolve({});
      opening ??= doOpen(idNat).finally(() => {
        opening = undefined;
      });
      return opening;
    },
    async transferTo(idNat, newCard) {
      if (!vault || !keyCopy) throw new VaultError('locked', 'transfer without an open vault');
      const paths = vaultPaths(options.profileDir, idNat);
      const wrapper = await chooseCardWrapper(newCard);
      await rewrapForCard({ keysFile: paths.keysFile, key: keyCopy, card: wrapper, ...(options.sealer ? { sealer: options.sealer } : {}) });
      log.info('vault.transferred', { backend: options.sealer?.backend ?? 'none' });
    },
    async close(reason) {
      await opening?.catch(() => undefined);
      keyCopy?.fill(0);
      keyCopy = undefined;
      const closing = vault;
      vault = undefined;
      if (closing) {
        await closing.close();
        log.info('vault.closed', { reason });
      }
    },
    current: () => vault,
  };
}
