import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../policy/logger.js';
import { createCardService } from './cardService.js';
import { CardRemovedError } from './errors.js';
import { isValidPinFormat, signInWithPin } from './pinSession.js';
import type { CardProvider } from './provider.js';
import { DEMO_PIN, createVirtualCard } from './virtualCard.js';

const made: string[] = [];
const tmp = (p: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `caducee-${p}-`));
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function waitFor(check: () => boolean, ms = 2_000): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

/** Counts calls to login, to prove the PIN is sent once or not at all. */
function counting(provider: CardProvider): CardProvider & { logins: number } {
  const wrapped = Object.create(provider) as CardProvider & { logins: number };
  wrapped.logins = 0;
  wrapped.login = async (slot, pin) => {
    wrapped.logins += 1;
    return provider.login(slot, pin);
  };
  return wrapped;
}

describe('PIN format', () => {
  it.each([
    ['1234', true],
    ['0000', true],
    ['123', false],
    ['12345', false],
    ['12a4', false],
    [' 1234', false],
    ['１２３４', false],
    [1234, false],
    [undefined, false],
  ] as const)('%s → %s', (pin, ok) => expect(isValidPinFormat(pin)).toBe(ok));
  it('length is a setting', () => {
    expect(isValidPinFormat('123456', 6)).toBe(true);
    expect(isValidPinFormat('1234', 6)).toBe(false);
  });
});

describe('virtual card (demo mode)', () => {
  it('creates its demo chain once and reuses it after a restart', () => {
    const dir = tmp('vc');
    const a = createVirtualCard(dir);
    const b = createVirtualCard(dir);
    expect(a.anchors[0]?.der.equals(b.anchors[0]?.der ?? Buffer.alloc(0))).toBe(true);
    expect((fs.statSync(path.join(dir, 'virtual-card.json')).mode & 0o777).toString(8)).toBe('600');
  });

  it('signs (PKCS#1 v1.5, PSS) and decrypts (OAEP SHA-256/SHA-1, PKCS#1 v1.5) — round trips checked with Node crypto', async () => {
    const card = createVirtualCard(tmp('vc'));
    const [slot] = await card.listTokens();
    if (!slot) throw new Error('no token');
    await card.login(slot.slotId, DEMO_PIN);
    const certs = await card.readCertificates(slot.slotId);
    const authKey = new crypto.X509Certificate(certs.find((c) => c.id === '01')?.der ?? Buffer.alloc(0)).publicKey;
    const signKey = new crypto.X509Certificate(certs.find((c) => c.id === '02')?.der ?? Buffer.alloc(0)).publicKey;
    const data = Buffer.from('ordonnance');
    expect(crypto.verify('sha256', data, signKey, await card.sign(slot.slotId, '02', 'RSA-PKCS1-SHA256', data))).toBe(true);
    const pss = await card.sign(slot.slotId, '02', 'RSA-PSS-SHA256', data);
    expect(crypto.verify('sha256', data, { key: signKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss)).toBe(true);
    const secret = crypto.randomBytes(32);
    const oaep = (hash: string) => crypto.publicEncrypt({ key: authKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, secret);
    expect((await card.decrypt(slot.slotId, '01', 'RSA-OAEP-SHA256', oaep('sha256'))).equals(secret)).toBe(true);
    expect((await card.decrypt(slot.slotId, '01', 'RSA-OAEP-SHA1', oaep('sha1'))).equals(secret)).toBe(true);
    const v15 = crypto.publicEncrypt({ key: authKey, padding: crypto.constants.RSA_PKCS1_PADDING }, secret);
    expect((await card.decrypt(slot.slotId, '01', 'RSA-PKCS1', v15)).equals(secret)).toBe(true);
    await expect(card.decrypt(slot.slotId, '01', 'RSA-OAEP-SHA256', Buffer.alloc(256, 7))).rejects.toMatchObject({ code: 'card-error' });
    card.remove();
    await expect(card.sign(slot.slotId, '02', 'RSA-PKCS1-SHA256', data)).rejects.toBeInstanceOf(CardRemovedError);
  });

  it('blocks after three wrong PINs, keeps the counter across restarts, unblock() resets it', async () => {
    const dir = tmp('vc');
    const card = createVirtualCard(dir);
    const trust = { anchors: card.anchors, crls: [card.demoCrl()], now: () => new Date() };
    const slotId = (await card.listTokens())[0]?.slotId ?? '';
    const provider = counting(card);
    const run = (pin: string) => signInWithPin({ provider, slotId, trust, log: silentLogger }, pin);
    expect(await run('12')).toMatchObject({ kind: 'pin-format' });
    expect(provider.logins).toBe(0);
    expect(await run('0000')).toMatchObject({ kind: 'wrong-pin', triesLeftHint: 'count-low' });
    expect(await run('0000')).toMatchObject({ kind: 'wrong-pin', triesLeftHint: 'final-try', message: 'Code PIN incorrect. Attention : il ne vous reste qu’un essai avant le blocage de la carte.' });
    expect(provider.logins).toBe(2);

    const restarted = counting(createVirtualCard(dir));
    expect((await restarted.tokenInfo(slotId)).pinStatus).toBe('final-try');
    const again = (pin: string) => signInWithPin({ provider: restarted, slotId, trust, log: silentLogger }, pin);
    expect(await again('0000')).toMatchObject({ kind: 'locked' });
    expect(await again(DEMO_PIN)).toMatchObject({ kind: 'locked' });
    expect(restarted.logins).toBe(1);
    createVirtualCard(dir).unblock();
    const fresh = createVirtualCard(dir);
    const ok = await signInWithPin({ provider: fresh, slotId, trust, log: silentLogger }, DEMO_PIN);
    expect(ok).toMatchObject({ kind: 'signed-in', identity: { profile: { idNat: { kind: 'RPPS', rpps: '99900000001' }, lastName: 'DÉMO', firstName: 'Camille', profession: 'Médecin' } } });
    expect(ok.kind === 'signed-in' && ok.dataObjectLabels).toContain('CPS_ACTIVITY_01_PS');
  });
});

describe('CardService on the virtual card', () => {
  it('absent → present → signed-in → card removed → absent within 2 s → re-inserted → present', async () => {
    const dir = tmp('svc');
    const card = createVirtualCard(dir, { inserted: false });
    const crlDir = path.join(dir, 'crl-src');
    fs.mkdirSync(crlDir);
    fs.writeFileSync(path.join(crlDir, 'demo.crl'), card.demoCrl().der);
    const service = createCardService({
      provider: card,
      log: silentLogger,
      anchorFolders: [],
      extraAnchors: card.anchors,
      crlSources: [crlDir],
      crlCacheDir: path.join(dir, 'crl-cache'),
    });
    const states: string[] = [];
    service.on('state', (s) => states.push(s.state));
    try {
      await service.start();
      expect(service.getState()).toEqual({ state: 'absent', readers: 1 });
      card.insert();
      await service.poll();
      const present = service.getState();
      expect(present).toMatchObject({ state: 'present', pinStatus: 'ok', check: { kind: 'ok', profile: { rpps: '99900000001', profession: 'Médecin' } } });

      expect(await service.signIn(DEMO_PIN)).toMatchObject({ kind: 'signed-in' });
      expect(service.getState()).toMatchObject({ state: 'signed-in', profile: { firstName: 'Camille', lastName: 'DÉMO' } });
      expect(await service.signIn(DEMO_PIN)).toMatchObject({ kind: 'error', code: 'busy' });
      const sig = await service.sign(Buffer.from('a'));
      expect(crypto.verify('sha256', Buffer.from('a'), new crypto.X509Certificate(service.certificates()?.signature ?? Buffer.alloc(0)).publicKey, sig)).toBe(true);

      card.remove();
      const took = await waitFor(() => service.getState().state === 'absent');
      expect(took).toBeLessThan(2_000);
      await expect(service.sign(Buffer.from('a'))).rejects.toMatchObject({ code: 'not-signed-in' });
      card.insert();
      await waitFor(() => service.getState().state === 'present');
      expect(states).toEqual(['absent', 'present', 'signed-in', 'absent', 'present']);
    } finally {
      await service.stop();
    }
  });

  it('a removal noticed by an operation drops the session at once', async () => {
    const dir = tmp('svc');
    const card = createVirtualCard(dir);
    const service = createCardService({
      provider: card,
      log: silentLogger,
      anchorFolders: [],
      extraAnchors: card.anchors,
      crlSources: [],
      crlCacheDir: path.join(dir, 'crl-cache'),
      revocation: { mode: 'warn', expiredCrlGraceDays: 7 },
      pollIntervalMs: 60_000,
    });
    try {
      await service.start();
      expect(service.getState()).toMatchObject({ state: 'present', check: { kind: 'ok', warnings: [{ code: 'crl-not-checked' }] } });
      expect((await service.signIn(DEMO_PIN)).kind).toBe('signed-in');
      card.remove();
      await expect(service.decrypt(Buffer.alloc(256))).rejects.toBeInstanceOf(CardRemovedError);
      expect(service.getState().state).toBe('absent');
    } finally {
      await service.stop();
    }
  });
});
