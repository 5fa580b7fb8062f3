import { beforeEach, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => ({ available: true, backend: 'gnome_libsecret' }));
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => fake.available,
    getSelectedStorageBackend: () => fake.backend,
    // A reversible stand-in for the OS: what matters here is which backend is trusted.
    encryptString: (text: string) => Buffer.from(text, 'utf8').reverse(),
    decryptString: (data: Buffer) => Buffer.from(data).reverse().toString('utf8'),
  },
}));

const { osKeystoreSealer } = await import('./osKeystore.js');

describe('osKeystoreSealer', () => {
  beforeEach(() => {
    fake.available = true;
    fake.backend = 'gnome_libsecret';
  });

  it('seals and unseals with a real keyring, recording its backend', async () => {
    const sealer = osKeystoreSealer();
    const expected = process.platform === 'linux' ? 'gnome_libsecret' : process.platform === 'win32' ? 'dpapi' : 'keychain';
    expect(sealer?.backend).toBe(expected);
    const secret = Buffer.from([0, 1, 2, 250, 255]);
    const sealed = await sealer!.seal(secret);
    expect(sealed.equals(secret)).toBe(false);
    expect((await sealer!.unseal(sealed)).equals(secret)).toBe(true);
  });

  it('refuses the basic_text fallback and an unavailable keystore rather than pretending', () => {
    fake.backend = 'basic_text';
    expect(osKeystoreSealer()).toBeUndefined();
    fake.backend = 'gnome_libsecret';
    fake.available = false;
    expect(osKeystoreSealer()).toBeUndefined();
  });
});
