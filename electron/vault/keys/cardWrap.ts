import { createCipheriv, createDecipheriv, createHash, hkdfSync, publicEncrypt, randomBytes, constants, X509Certificate, type KeyObject } from 'node:crypto';
import type { CardProvider } from '../../card/provider.js';
import { VaultError } from '../errors.js';

/**
 * Wrapping the vault key with the CPS card. Two ways, the first preferred:
 * - `rsa-oaep`: RSA-OAEP-SHA256 to the authentication key's public key (no card needed to
 *   wrap); unwrapping is the card's C_Decrypt after the PIN.
 * - `signature-hkdf`, for tokens that refuse to decrypt: the card signs a stored random
 *   challenge with RSA PKCS#1 v1.5 (deterministic: same key, same bytes → same signature);
 *   HKDF-SHA256 of that signature is the key-encryption key (AES-256-GCM). Only the challenge
 *   and the salt are stored; the signature exists only in memory.
 */

/** What the vault needs from a signed-in card (built from a CardProvider: see cardKeyOps). */
export interface CardKeyOps {
  /** The authentication certificate's public key. */
  readonly publicKey: KeyObject;
  decrypt(data: Buffer): Promise<Buffer>;
  sign(data: Buffer): Promise<Buffer>;
}

export type CardWrappedKey =
  | { readonly method: 'rsa-oaep-sha256'; readonly cardKeyId: string; readonly blob: string }
  | { readonly method: 'signature-hkdf'; readonly cardKeyId: string; readonly challenge: string; readonly salt: string; readonly iv: string; readonly ct: string; readonly tag: string };

export interface CardKeyWrapper {
  /** SHA-256 of the public key (SPKI DER), hex: tells "another card" apart before any PIN use. */
  readonly cardKeyId: string;
  wrap(key: Buffer): Promise<CardWrappedKey>;
  unwrap(wrapped: CardWrappedKey): Promise<Buffer>;
}

export function publicKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function oaepEncrypt(publicKey: KeyObject, data: Buffer): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data);
}

const HKDF_INFO = 'caducee/vault-kek/signature/v1';

export function gcmSeal(kek: Buffer, plain: Buffer): { iv: string; ct: string; tag: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** Throws on a wrong KEK or a modified blob (GCM tag). */
export function gcmOpen(kek: Buffer, sealed: { iv: string; ct: string; tag: string }): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
}

export function oaepCardWrapper(card: CardKeyOps): CardKeyWrapper {
  const cardKeyId = publicKeyId(card.publicKey);
  return {
    cardKeyId,
    async wrap(key) {
      return { method: 'rsa-oaep-sha256', cardKeyId, blob: oaepEncrypt(card.publicKey, key).toString('base64') };
    },
    async unwrap(wrapped) {
      if (wrapped.method !== 'rsa-oaep-sha256') throw new VaultError('unwrap-failed', `method ${wrapped.method}`);
      return card.decrypt(Buffer.from(wrapped.blob, 'base64'));
    },
  };
}

export function signatureCardWrapper(card: CardKeyOps): CardKeyWrapper {
  const cardKeyId = publicKeyId(card.publicKey);
  const kekFrom = async (challenge: Buffer, salt: Buffer) => {
    const signature = await card.sign(challenge);
    try {
      return Buffer.from(hkdfSync('sha256', signature, salt, HKDF_INFO, 32));
    } finally {
      signature.fill(0);
    }
  };
  return {
    cardKeyId,
    async wrap(key) {
      const challenge = randomBytes(32);
      const salt = randomBytes(32);
      const kek = await kekFrom(challenge, salt);
      try {
        return { method: 'signature-hkdf', cardKeyId, challenge: challenge.toString('base64'), salt: salt.toString('base64'), ...gcmSeal(kek, key) };
      } finally {
        kek.fill(0);
      }
    },
    async unwrap(wrapped) {
      if (wrapped.method !== 'signature-hkdf') throw new VaultError('unwrap-failed', `method ${wrapped.method}`);
      const kek = await kekFrom(Buffer.from(wrapped.challenge, 'base64'), Buffer.from(wrapped.salt, 'base64'));
      try {
        return gcmOpen(kek, wrapped);
      } finally {
        kek.fill(0);
      }
    },
  };
}

/**
 * Adapts the card layer's provider (types only: no runtime import of electron/card/) to the
 * vault's needs. `certificateDer` is the authentication certificate read from the card.
 */
export function cardKeyOps(provider: CardProvider, slotId: string, keyId: string, certificateDer: Buffer): CardKeyOps {
  return {
    publicKey: new X509Certificate(certificateDer).publicKey,
    decrypt: (data) => provider.decrypt(slotId, keyId, 'RSA-OAEP-SHA256', data),
    sign: (data) => provider.sign(slotId, keyId, 'RSA-PKCS1-SHA256', data),
  };
}

/**
 * Prefers RSA-OAEP; falls back to the signature method when this token cannot decrypt (checked
 * once, on a throw-away value, while the professional is signed in).
 */
export async function chooseCardWrapper(card: CardKeyOps): Promise<CardKeyWrapper> {
  const probe = randomBytes(32);
  try {
    const back = await card.decrypt(oaepEncrypt(card.publicKey, probe));
    if (back.equals(probe)) return oaepCardWrapper(card);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (code !== 'mechanism-unsupported' && code !== 'card-error') throw error;
  }
  return signatureCardWrapper(card);
}
