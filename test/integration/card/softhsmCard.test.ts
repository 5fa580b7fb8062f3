import crypto from 'node:crypto';
import path from 'node:path';
import pkcs11js from 'pkcs11js';
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CardService } from '../../../electron/card/cardService.js';
import { CardRemovedError } from '../../../electron/card/errors.js';
import { createPkcs11Provider } from '../../../electron/card/pkcs11Provider.js';
import { createTestCard, findSoftHsm, pullToken, reinsertToken, type TestCard, type TestCardVariant } from '../../peers/softhsm/createTestCard.js';
import { createFaultyModule } from '../../peers/softhsm/faultyModule.js';
import { captureLog, loggedValues, serviceFor, tempDir, waitForState } from './helpers.js';

// The test CPS card lives on SoftHSM2. Missing SoftHSM2 is a failure, never a skip.
let base: string;
let valid: TestCard;
const running: CardService[] = [];

function track(service: CardService): CardService {
  running.push(service);
  return service;
}

let setupError: unknown;

beforeAll(async () => {
  try {
    findSoftHsm(); // throws "softhsm2 absent: apt-get install softhsm2 opensc"
    base = tempDir('card');
    valid = await createTestCard(path.join(base, 'valid'), 'valid');
  } catch (error) {
    setupError = error;
  }
});

// A missing SoftHSM2 fails every test with the install hint (a failing beforeAll would only mark them skipped).
beforeEach(() => {
  if (setupError) throw setupError;
});

it('SoftHSM2 and OpenSC are installed', () => {
  expect(() => findSoftHsm()).not.toThrow();
});

afterEach(async () => {
  for (const service of running.splice(0)) await service.stop();
});

afterAll(() => {
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

async function freshCard(variant: TestCardVariant, name: string = variant): Promise<TestCard> {
  return createTestCard(path.join(base, name), variant);
}

describe('PKCS#11 provider on the SoftHSM2 test CPS', () => {
  it('lists slots, keeps only initialised tokens, reads certificates and CPS_* objects', async () => {
    process.env['SOFTHSM2_CONF'] = valid.softhsmConf;
    const log = captureLog();
    const provider = createPkcs11Provider({ modulePath: valid.modulePath, log });
    try {
      const slots = await provider.listSlots();
      expect(slots.length).toBe(2); // the token + SoftHSM2's empty slot
      const tokens = await provider.listTokens();
      expect(tokens.map((t) => t.label)).toEqual([valid.tokenLabel]);
      const token = tokens[0];
      if (!token) throw new Error('no token');
      expect(token.pinStatus).toBe('ok');
      expect(token.serial).toBe(valid.tokenSerial);

      const certs = await provider.readCertificates(token.slotId);
      expect(certs.map((c) => c.id).sort()).toEqual(['01', '02', 'a0']);
      expect(certs.find((c) => c.id === '01')?.der.equals(valid.auth.der)).toBe(true);

      const publicObjects = await provider.readDataObjects(token.slotId);
      expect(publicObjects.map((o) => o.label).sort()).toEqual(['CPS_ID_CARD', 'CPS_NAME_PS']);
      expect(publicObjects.find((o) => o.label === 'CPS_ID_CARD')?.value.equals(valid.dataObjects['CPS_ID_CARD'] as Buffer)).toBe(true);
      expect(await provider.listPrivateKeyIds(token.slotId)).toEqual([]);

      await provider.login(token.slotId, valid.pin);
      const afterLogin = await provider.readDataObjects(token.slotId);
      expect(afterLogin.find((o) => o.label === 'CPS_ACTIVITY_01_PS')).toMatchObject({ private: true });
      expect((await provider.listPrivateKeyIds(token.slotId)).sort()).toEqual(['01', '02']);
      await provider.logout(token.slotId);
    } finally {
      await provider.close();
    }
  });

  it('holds the private keys sensitive and non-extractable', () => {
    process.env['SOFTHSM2_CONF'] = valid.softhsmConf;
    const p = new pkcs11js.PKCS11();
    p.load(valid.modulePath);
    p.C_Initialize();
    try {
      const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === valid.tokenLabel);
      if (!slot) throw new Error('token not found');
      const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
      p.C_Login(session, pkcs11js.CKU_USER, valid.pin);
      p.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
      const keys = p.C_FindObjects(session, 10);
      p.C_FindObjectsFinal(session);
      expect(keys.length).toBe(2);
      for (const key of keys) {
        const [sensitive, extractable] = p.C_GetAttributeValue(session, key, [{ type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_EXTRACTABLE }]);
        expect(sensitive?.value).toEqual(Buffer.from([1]));
        expect(extractable?.value).toEqual(Buffer.from([0]));
      }
    } finally {
      p.C_Finalize();
    }
  });
});

describe('CardService sign-in on the SoftHSM2 test CPS', () => {
  it('wrong PIN → wrong-pin with the tries hint from the real token flags, then right PIN → signed in; no PIN/RPPS/name in logs', async () => {
    const card = await freshCard('valid', 'pin-real');
    const { service, log } = serviceFor(card);
    track(service);
    await service.start();
    const state = service.getState();
    expect(state.state).toBe('present');
    if (state.state !== 'present' || state.check.kind !== 'ok') throw new Error('expected an accepted card');
    expect(state.check.profile).toMatchObject({ rpps: '10100000017', lastName: 'HÉBERT-TEST', firstName: 'Jeanne', profession: 'Médecin' });

    const wrong = await service.signIn('9876');
    // SoftHSM2 2.6 sets CKF_USER_PIN_COUNT_LOW from the first failure (measured).
    expect(wrong).toMatchObject({ kind: 'wrong-pin', triesLeftHint: 'count-low' });
    expect(service.getState()).toMatchObject({ state: 'present', pinStatus: 'count-low' });

    const format = await service.signIn('12a4');
    expect(format.kind).toBe('pin-format');

    const ok = await service.signIn(card.pin);
    expect(ok.kind).toBe('signed-in');
    expect(service.getState()).toMatchObject({ state: 'signed-in', profile: { rpps: '10100000017', profession: 'Médecin' } });

    const values = loggedValues(log);
    for (const secret of [card.pin, '9876', '10100000017', '810100000017', 'Jeanne', 'HÉBERT-TEST']) expect(values).not.toContain(secret);
    expect(values.some((v) => v.includes('10100000017') || v.includes('Jeanne'))).toBe(false);

    await service.signOut();
    expect(service.getState().state).toBe('present');
  });

  it('CPS PIN counter: warns before the last try, then blocks; C_Login exactly once per attempt and never on a blocked card', async () => {
    const card = await freshCard('valid', 'pin-cps');
    const module = createFaultyModule({ cpsPinCounter: true });
    const { service } = serviceFor(card, { module });
    track(service);
    await service.start();

    expect(await service.signIn('0000')).toMatchObject({ kind: 'wrong-pin', triesLeftHint: 'count-low' });
    const second = await service.signIn('0001');
    expect(second).toMatchObject({ kind: 'wrong-pin', triesLeftHint: 'final-try' });
    expect(second.kind === 'wrong-pin' && second.message).toBe('Code PIN incorrect. Attention : il ne vous reste qu’un essai avant le blocage de la carte.');
    expect(service.getState()).toMatchObject({ state: 'present', pinStatus: 'final-try' });
    const third = await service.signIn('0002');
    expect(third.kind).toBe('locked');
    expect(third.kind === 'locked' && third.message).toMatch(/^Carte bloquée\u00a0: .*code de déblocage \(PUK/);
    expect(module.calls.get('C_Login')).toBe(3);

    const fourth = await service.signIn(card.pin);
    expect(fourth.kind).toBe('locked');
    expect(module.calls.get('C_Login')).toBe(3); // the blocked card was not sent the PIN
    expect(service.getState()).toMatchObject({ state: 'present', pinStatus: 'locked' });
  });

  it('signs (PKCS#1 v1.5 and PSS) and decrypts (OAEP SHA-1, PKCS#1 v1.5; OAEP SHA-256 refused by SoftHSM2 2.6) — checked with Node crypto', async () => {
    const { service } = serviceFor(valid);
    track(service);
    await service.start();
    expect((await service.signIn(valid.pin)).kind).toBe('signed-in');
    const data = Buffer.from('Compte rendu de consultation — signé par la CPS');

    const signKey = new crypto.X509Certificate(valid.sign.der).publicKey;
    const authKey = new crypto.X509Certificate(valid.auth.der).publicKey;

    const pkcs1 = await service.sign(data, 'RSA-PKCS1-SHA256');
    expect(crypto.verify('sha256', data, { key: signKey, padding: crypto.constants.RSA_PKCS1_PADDING }, pkcs1)).toBe(true);
    const pss = await service.sign(data, 'RSA-PSS-SHA256');
    expect(crypto.verify('sha256', data, { key: signKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss)).toBe(true);
    const authSig = await service.sign(data, 'RSA-PKCS1-SHA256', 'authentication');
    expect(crypto.verify('sha256', data, authKey, authSig)).toBe(true);
    expect(crypto.verify('sha256', data, signKey, authSig)).toBe(false);

    const vaultKey = crypto.randomBytes(32);
    const oaep256 = crypto.publicEncrypt({ key: authKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, vaultKey);
    // SoftHSM2 2.6 only does OAEP with SHA-1 ("hashAlg must be CKM_SHA_1"): a clean refusal, the session stays usable.
    await expect(service.decrypt(oaep256, 'RSA-OAEP-SHA256')).rejects.toMatchObject({ code: 'mechanism-unsupported' });
    expect(service.getState().state).toBe('signed-in');
    const oaep1 = crypto.publicEncrypt({ key: authKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, vaultKey);
    expect((await service.decrypt(oaep1, 'RSA-OAEP-SHA1')).equals(vaultKey)).toBe(true);
    const v15 = crypto.publicEncrypt({ key: authKey, padding: crypto.constants.RSA_PKCS1_PADDING }, vaultKey);
    expect((await service.decrypt(v15, 'RSA-PKCS1')).equals(vaultKey)).toBe(true);
  });

  it.each([
    ['expired', 'expired'],
    ['foreign-ca', 'untrusted-issuer'],
    ['revoked', 'revoked'],
    ['wrong-key-usage', 'wrong-key-usage'],
  ] as const)('refuses the %s card with code %s before sending the PIN', async (variant, code) => {
    const card = await freshCard(variant);
    const module = createFaultyModule();
    const { service } = serviceFor(card, { module });
    track(service);
    await service.start();
    const state = service.getState();
    expect(state).toMatchObject({ state: 'present', check: { kind: 'refused', code } });
    const result = await service.signIn(card.pin);
    expect(result).toMatchObject({ kind: 'refused', code });
    expect(result.kind === 'refused' && result.message.length).toBeGreaterThan(20);
    expect(module.calls.get('C_Login') ?? 0).toBe(0);
    expect(service.getState().state).toBe('present');
  });

  it('refuses with crl-unavailable when no CRL can be had (file missing, URL unreachable)', async () => {
    const card = await freshCard('valid', 'no-crl');
    const { service } = serviceFor(card, { crlSources: [path.join(card.dir, 'nope.crl'), 'http://127.0.0.1:9/none.crl'] });
    track(service);
    const started = Date.now();
    await service.start();
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(service.getState()).toMatchObject({ state: 'present', check: { kind: 'refused', code: 'crl-unavailable' } });
  });
});

describe('card removal and re-insertion', () => {
  it('fault injection: pulled during a signature → CardRemovedError, absent within 2 s, no crash; re-inserted → seen again and usable', async () => {
    const card = await freshCard('valid', 'pull-inject');
    const module = createFaultyModule();
    const { service } = serviceFor(card, { module });
    track(service);
    await service.start();
    expect((await service.signIn(card.pin)).kind).toBe('signed-in');
    const present = service.getState();
    const slotId = present.state === 'signed-in' ? present.slotId : '';

    const removedEvents: string[] = [];
    service.on('removed', (e) => removedEvents.push(e.slotId));
    module.signDelayMs = 300;
    const pending = service.sign(Buffer.from('x'));
    setTimeout(() => module.pull(slotId), 50);
    const pulledAt = Date.now();
    await expect(pending).rejects.toBeInstanceOf(CardRemovedError);
    await waitForState(service, (s) => s.state === 'absent', 2_000);
    expect(Date.now() - pulledAt).toBeLessThan(2_000);
    expect(removedEvents).toContain(slotId);
    await expect(service.sign(Buffer.from('x'))).rejects.toMatchObject({ code: 'not-signed-in' });

    module.signDelayMs = 0;
    module.insert(slotId);
    await waitForState(service, (s) => s.state === 'present', 2_000);
    expect((await service.signIn(card.pin)).kind).toBe('signed-in');
    const sig = await service.sign(Buffer.from('y'));
    expect(crypto.verify('sha256', Buffer.from('y'), new crypto.X509Certificate(card.sign.der).publicKey, sig)).toBe(true);
  });

  it('fault injection: pulled while idle and signed in → absent within 2 s by the watcher alone', async () => {
    const card = await freshCard('valid', 'pull-idle');
    const module = createFaultyModule();
    const { service } = serviceFor(card, { module });
    track(service);
    await service.start();
    expect((await service.signIn(card.pin)).kind).toBe('signed-in');
    const s = service.getState();
    module.pull(s.state === 'signed-in' ? s.slotId : '');
    const took = await waitForState(service, (st) => st.state === 'absent', 2_000);
    expect(took).toBeLessThan(2_000);
  });

  it('real SoftHSM2 token folder moved away → absent within 2 s; moved back → present again (rescan by re-initialising)', async () => {
    const card = await freshCard('valid', 'pull-disk');
    const { service } = serviceFor(card, { rescan: true });
    track(service);
    await service.start();
    expect((await service.signIn(card.pin)).kind).toBe('signed-in');

    pullToken(card);
    const took = await waitForState(service, (st) => st.state === 'absent', 2_000);
    expect(took).toBeLessThan(2_000);
    await expect(service.sign(Buffer.from('z'))).rejects.toMatchObject({ code: 'not-signed-in' });

    reinsertToken(card);
    await waitForState(service, (st) => st.state === 'present', 2_000);
    expect((await service.signIn(card.pin)).kind).toBe('signed-in');
  });
});

describe('several readers', () => {
  it('two tokens in two slots: both listed, the lock screen offers one, the other can be selected and signed in', async () => {
    const dir = path.join(base, 'two');
    const first = await createTestCard(dir, 'valid', { tokenLabel: 'CPS LECTEUR 1' });
    await createTestCard(dir, 'expired', { tokenLabel: 'CPS LECTEUR 2' });
    const { service } = serviceFor(first, { crlSources: [path.join(dir, 'crl')] });
    track(service);
    await service.start();
    const state = service.getState();
    if (state.state !== 'present') throw new Error(`expected present, got ${state.state}`);
    expect(state.otherSlots.length).toBe(1);
    const labels = new Map<string, string>();
    labels.set(state.slotId, state.label);
    const other = state.otherSlots[0] as string;
    await service.selectSlot(other);
    const second = service.getState();
    if (second.state !== 'present') throw new Error('expected present');
    labels.set(second.slotId, second.label);
    expect([...labels.values()].sort()).toEqual(['CPS LECTEUR 1', 'CPS LECTEUR 2']);
    const validSlot = [...labels].find(([, l]) => l === 'CPS LECTEUR 1')?.[0] as string;
    const expiredSlot = [...labels].find(([, l]) => l === 'CPS LECTEUR 2')?.[0] as string;
    expect(await service.signIn(first.pin, expiredSlot)).toMatchObject({ kind: 'refused', code: 'expired' });
    await service.selectSlot(validSlot);
    expect((await service.signIn(first.pin, validSlot)).kind).toBe('signed-in');
  });
});
