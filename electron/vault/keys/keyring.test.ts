import { constants, generateKeyPairSync, privateDecrypt, sign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VaultError } from '../errors.js';
import { tempDir } from '../testSupport.js';
import { chooseCardWrapper, oaepCardWrapper, signatureCardWrapper, type CardKeyOps } from './cardWrap.js';
import { createVaultKey, readKeysFile, rewrapForCard, unlockWithCard, unlockWithRecoveryCode, type Sealer } from './keyring.js';
import { generateRecoveryCode, normaliseRecoveryCode } from './recoveryCode.js';

/** A software stand-in for a CPS card: node crypto keys, optionally refusing to decrypt. */
function fakeCard(options: { canDecrypt?: boolean } = {}): CardKeyOps & { privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicKey,
    privateKey,
    async decrypt(data) {
      if (options.canDecrypt === false) throw Object.assign(new Error('CKR_MECHANISM_INVALID'), { code: 'mechanism-unsupported', userMessage: 'x' });
      return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data);
    },
    async sign(data) {
      return sign('sha256', data, privateKey);
    },
  };
}

/** A fake OS keystore: XOR with a byte, enough to prove the file holds only the sealed form. */
function fakeSealer(backend = 'fake_keyring', broken = false): Sealer {
  return {
    backend,
    seal: (b) => Buffer.from(b.map((x) => x ^ 0x5a)),
    unseal: (b) => {
      if (broken) throw new Error('keyring locked');
      return Buffer.from(b.map((x) => x ^ 0x5a));
    },
  };
}

const keysFileIn = () => path.join(tempDir(), 'vault-keys.json');

describe('recovery code', () => {
  it('is 24 chars in groups of 4, checksummed, tolerant of case, dashes and O/I/L', () => {
    const code = generateRecoveryCode();
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){5}$/);
    expect(normaliseRecoveryCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code.replace(/-/g, ''));
    const chars = code.replace(/-/g, '').split('');
    chars[3] = chars[3] === 'A' ? 'B' : 'A';
    const typo = chars.join('');
    // 1 in 32 typos pass the checksum; GCM still refuses them (tested below).
    if (normaliseRecoveryCode(typo) !== null) expect(normaliseRecoveryCode(typo)).not.toBe(code.replace(/-/g, ''));
    expect(normaliseRecoveryCode('ABCD')).toBeNull();
  });
});

describe('keyring', () => {
  it('wraps for the card (OAEP), seals with the OS keystore, unlocks, and stores no key in clear', async () => {
    const card = fakeCard();
    const keysFile = keysFileIn();
    const created = await createVaultKey({ keysFile, card: await chooseCardWrapper(card), sealer: fakeSealer() });
    const saved = Buffer.from(created.key);
    const text = fs.readFileSync(keysFile, 'utf8');
    expect(text).not.toContain(saved.toString('hex'));
    expect(text).not.toContain(saved.toString('base64'));
    expect(text).not.toContain(created.recoveryCode.replace(/-/g, ''));
    expect(readKeysFile(keysFile).card.sealedBy).toBe('fake_keyring');
    const { key } = await unlockWithCard({ keysFile, card: oaepCardWrapper(card), sealer: fakeSealer() });
    expect(key.equals(saved)).toBe(true);
  });

  it('falls back to a card signature (HKDF) when the token cannot decrypt', async () => {
    const card = fakeCard({ canDecrypt: false });
    const wrapper = await chooseCardWrapper(card);
    const keysFile = keysFileIn();
    const created = await createVaultKey({ keysFile, card: wrapper });
    const json = JSON.parse(Buffer.from(readKeysFile(keysFile).card.data, 'base64').toString()) as Record<string, string>;
    expect(json.method).toBe('signature-hkdf');
    expect(Object.keys(json).sort()).toEqual(['cardKeyId', 'challenge', 'ct', 'iv', 'method', 'salt', 'tag']);
    const { key } = await unlockWithCard({ keysFile, card: signatureCardWrapper(card) });
    expect(key.equals(created.key)).toBe(true);
  });

  it('refuses another card, a missing or failing keystore, with French errors and a way out', async () => {
    const keysFile = keysFileIn();
    const card = fakeCard();
    await createVaultKey({ keysFile, card: oaepCardWrapper(card), sealer: fakeSealer() });
    const before = fs.readFileSync(keysFile);
    await expect(unlockWithCard({ keysFile, card: oaepCardWrapper(fakeCard()), sealer: fakeSealer() })).rejects.toMatchObject({ code: 'unwrap-failed' });
    await expect(unlockWithCard({ keysFile, card: oaepCardWrapper(card) })).rejects.toMatchObject({ code: 'unseal-failed', userMessage: expect.stringContaining('code de récupération') });
    await expect(unlockWithCard({ keysFile, card: oaepCardWrapper(card), sealer: fakeSealer('other') })).rejects.toMatchObject({ code: 'unseal-failed' });
    await expect(unlockWithCard({ keysFile, card: oaepCardWrapper(card), sealer: fakeSealer('fake_keyring', true) })).rejects.toMatchObject({ code: 'unseal-failed' });
    // Nothing was replaced, and creating again over it is refused.
    expect(fs.readFileSync(keysFile).equals(before)).toBe(true);
    await expect(createVaultKey({ keysFile, card: oaepCardWrapper(card) })).rejects.toBeInstanceOf(VaultError);
  });

  it('recovers with the recovery code, rejects a wrong one, re-wraps for a renewed card, keeps an escrow copy', async () => {
    const escrow = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keysFile = keysFileIn();
    const oldCard = fakeCard();
    const created = await createVaultKey({ keysFile, card: oaepCardWrapper(oldCard), escrowPublicKeyPem: escrow.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const recovered = await unlockWithRecoveryCode({ keysFile, recoveryCode: created.recoveryCode.toLowerCase() });
    expect(recovered.key.equals(created.key)).toBe(true);
    await expect(unlockWithRecoveryCode({ keysFile, recoveryCode: generateRecoveryCode() })).rejects.toMatchObject({ code: 'recovery-code-invalid' });

    const escrowBlob = Buffer.from(readKeysFile(keysFile).escrow?.blob ?? '', 'base64');
    expect(privateDecrypt({ key: escrow.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, escrowBlob).equals(created.key)).toBe(true);

    const newCard = fakeCard();
    await rewrapForCard({ keysFile, key: recovered.key, card: oaepCardWrapper(newCard), sealer: fakeSealer() });
    expect((await unlockWithCard({ keysFile, card: oaepCardWrapper(newCard), sealer: fakeSealer() })).key.equals(created.key)).toBe(true);
    await expect(unlockWithCard({ keysFile, card: oaepCardWrapper(oldCard), sealer: fakeSealer() })).rejects.toMatchObject({ code: 'unwrap-failed' });
    expect((await unlockWithRecoveryCode({ keysFile, recoveryCode: created.recoveryCode })).key.equals(created.key)).toBe(true);
  });
});
