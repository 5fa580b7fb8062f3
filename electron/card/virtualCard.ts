import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  CKF_LOGIN_REQUIRED,
  CKF_TOKEN_INITIALIZED,
  CKF_USER_PIN_COUNT_LOW,
  CKF_USER_PIN_FINAL_TRY,
  CKF_USER_PIN_LOCKED,
  CardError,
  CardRemovedError,
  PinFormatError,
  PinLockedError,
  WrongPinError,
  pinStatusFromFlags,
} from './errors.js';
import { buildCrl, generateRsaKey, issueCertificate, keyFromPem, type PkiKey, type SubjectAttribute } from './pkiBuilder.js';
import type { CardCertificate, CardDataObject, CardProvider, DecryptMechanism, SignMechanism, SlotSummary, TokenSummary } from './provider.js';
import { parseCertificate, type ParsedCertificate, type ParsedCrl, parseCrl } from './x509.js';

/**
 * The demo mode's card: a CardProvider with software keys (Node's crypto) and a demo chain
 * created in the demo profile folder at first start (`virtual-card.json`, mode 0600) and
 * reused afterwards. Fictitious practitioner: Dr Camille Démo, Médecin, RPPS 99900000001
 * (CN 899900000001; the 999… range is not used by real RPPS numbers and every CA name says
 * DÉMONSTRATION). PIN 1234.
 *
 * Like a CPS: three wrong PINs block the card (flags COUNT_LOW after one failure, FINAL_TRY
 * after two, LOCKED after three). The counter is persisted with the card, as a real card keeps
 * it across restarts; `unblock()` plays the PUK (the demo's "reset" calls it).
 * `insert()` / `remove()` drive the reader for tests and for the trainer.
 */

export const DEMO_PIN = '1234';
export const DEMO_RPPS = '99900000001';
const SLOT_ID = 'de0000000000000001';
const MAX_TRIES = 3;

const stateSchema = z.object({
  version: z.literal(1),
  rootPem: z.string(),
  intermediatePem: z.string(),
  intermediateKeyPem: z.string(),
  authPem: z.string(),
  authKeyPem: z.string(),
  signPem: z.string(),
  signKeyPem: z.string(),
  failedTries: z.number().int().min(0).max(MAX_TRIES),
});
type VirtualCardState = z.infer<typeof stateSchema>;

export interface VirtualCard extends CardProvider {
  insert(): void;
  remove(): void;
  isInserted(): boolean;
  /** Resets the PIN counter (the PUK of a real card). */
  unblock(): void;
  /** The demo root and intermediate: the trust anchors of the demo mode. */
  readonly anchors: readonly ParsedCertificate[];
  /** A fresh CRL of the demo intermediate (nothing revoked), valid 7 days. */
  demoCrl(now?: Date): ParsedCrl;
}

function demoSubject(cn: string): SubjectAttribute[] {
  return [
    { name: 'C', value: 'FR' },
    { name: 'O', value: 'CADUCEE DEMONSTRATION' },
    { name: 'OU', value: 'IGC-SANTE DEMONSTRATION' },
    { name: 'CN', value: cn },
  ];
}

function createState(): VirtualCardState {
  const now = Date.now();
  const day = 86_400_000;
  const root = issueCertificate({ subject: demoSubject('AC RACINE DEMONSTRATION'), key: generateRsaKey(), notBefore: new Date(now - day), notAfter: new Date(now + 20 * 365 * day), ca: {} });
  const intermediate = issueCertificate({
    subject: demoSubject('AC DEMONSTRATION PERSONNES'),
    key: generateRsaKey(),
    issuer: root,
    notBefore: new Date(now - day),
    notAfter: new Date(now + 19 * 365 * day),
    ca: { pathLen: 0 },
  });
  const subject: SubjectAttribute[] = [
    { name: 'C', value: 'FR' },
    { name: 'title', value: 'Médecin' },
    { name: 'CN', value: `8${DEMO_RPPS}` },
    { name: 'SN', value: 'DÉMO' },
    { name: 'GN', value: 'Camille' },
  ];
  const common = { subject, issuer: intermediate, notBefore: new Date(now - day), notAfter: new Date(now + 6 * 365 * day) };
  const auth = issueCertificate({ ...common, key: generateRsaKey(), keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['clientAuth'] });
  const sign = issueCertificate({ ...common, key: generateRsaKey(), keyUsage: ['nonRepudiation'] });
  return {
    version: 1,
    rootPem: root.pem,
    intermediatePem: intermediate.pem,
    intermediateKeyPem: intermediate.key.privatePem,
    authPem: auth.pem,
    authKeyPem: auth.key.privatePem,
    signPem: sign.pem,
    signKeyPem: sign.key.privatePem,
    failedTries: 0,
  };
}

function pemToDer(pem: string): Buffer {
  return parseCertificate(pem).der;
}

/** PKCS#1 v1.5 type 2 unpadding of a raw RSA block (Node 20 refuses RSA_PKCS1_PADDING decryption). */
function unpadPkcs1(block: Buffer): Buffer {
  if (block[0] !== 0 || block[1] !== 2) throw new CardError('card-error', 'PKCS#1 v1.5 padding error');
  const sep = block.indexOf(0, 2);
  if (sep < 10) throw new CardError('card-error', 'PKCS#1 v1.5 padding error');
  return Buffer.from(block.subarray(sep + 1));
}

export function createVirtualCard(profileDir: string, options: { inserted?: boolean } = {}): VirtualCard {
  const file = path.join(profileDir, 'virtual-card.json');
  let state: VirtualCardState;
  try {
    state = stateSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    state = createState();
    fs.mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  }
  const save = () => {
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state, null, 2), { mode: 0o600 });
    fs.renameSync(tmp, file);
  };
  save();

  const keys: Record<string, PkiKey> = { '01': keyFromPem(state.authKeyPem), '02': keyFromPem(state.signKeyPem) };
  const intermediateKey = keyFromPem(state.intermediateKeyPem);
  const certs: CardCertificate[] = [
    { id: '01', label: 'CPS_AUTH', der: pemToDer(state.authPem) },
    { id: '02', label: 'CPS_SIGN', der: pemToDer(state.signPem) },
  ];
  const anchors = [parseCertificate(state.rootPem), parseCertificate(state.intermediatePem)];
  let inserted = options.inserted ?? true;
  let loggedIn = false;
  let closed = false;

  const flags = () => {
    let f = CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED;
    if (state.failedTries >= MAX_TRIES) f |= CKF_USER_PIN_LOCKED;
    else if (state.failedTries === MAX_TRIES - 1) f |= CKF_USER_PIN_FINAL_TRY;
    else if (state.failedTries > 0) f |= CKF_USER_PIN_COUNT_LOW;
    return f;
  };

  function present(slotId: string): void {
    if (closed) throw new CardError('module-unavailable', 'virtual card closed');
    if (slotId !== SLOT_ID) throw new CardRemovedError(`unknown slot ${slotId}`);
    if (!inserted) throw new CardRemovedError('CKR_TOKEN_NOT_PRESENT');
  }
  function key(slotId: string, keyId: string): PkiKey {
    present(slotId);
    if (!loggedIn) throw new CardError('not-signed-in', 'CKR_USER_NOT_LOGGED_IN');
    const k = keys[keyId];
    if (!k) throw new CardError('no-key', `no key ${keyId}`);
    return k;
  }
  const token = (): TokenSummary => ({
    slotId: SLOT_ID,
    label: 'CPS DEMONSTRATION',
    serial: 'DEMO0000000001',
    model: 'Carte virtuelle',
    manufacturer: 'Caducée (démo)',
    pinStatus: pinStatusFromFlags(flags()),
    flags: flags(),
  });

  const card: VirtualCard = {
    kind: 'virtual',
    anchors,
    insert() {
      inserted = true;
    },
    remove() {
      inserted = false;
      loggedIn = false;
    },
    isInserted: () => inserted,
    unblock() {
      state = { ...state, failedTries: 0 };
      save();
    },
    demoCrl(now = new Date()) {
      return parseCrl(
        buildCrl({
          issuerDer: anchors[1]?.der ?? Buffer.alloc(0),
          issuerKey: intermediateKey,
          revoked: [],
          thisUpdate: new Date(now.getTime() - 60_000),
          nextUpdate: new Date(now.getTime() + 7 * 86_400_000),
        }),
      );
    },
    async listSlots(): Promise<SlotSummary[]> {
      return [{ slotId: SLOT_ID, description: 'Lecteur virtuel (démonstration)', tokenPresent: inserted }];
    },
    async listTokens() {
      return inserted && !closed ? [token()] : [];
    },
    async tokenInfo(slotId) {
      present(slotId);
      return token();
    },
    async readCertificates(slotId) {
      present(slotId);
      return certs.map((c) => ({ ...c, der: Buffer.from(c.der) }));
    },
    async readDataObjects(slotId): Promise<CardDataObject[]> {
      present(slotId);
      const objects: CardDataObject[] = [
        { label: 'CPS_ID_CARD', value: Buffer.from('DEMO'), private: false },
        { label: 'CPS_NAME_PS', value: Buffer.from('DEMO Camille'), private: false },
      ];
      if (loggedIn) objects.push({ label: 'CPS_ACTIVITY_01_PS', value: Buffer.from('DEMO'), private: true });
      return objects;
    },
    async listPrivateKeyIds(slotId) {
      present(slotId);
      return loggedIn ? Object.keys(keys) : [];
    },
    async login(slotId, pin) {
      present(slotId);
      if (state.failedTries >= MAX_TRIES) throw new PinLockedError();
      if (typeof pin !== 'string' || !/^\d{4,8}$/.test(pin)) throw new PinFormatError('CKR_PIN_LEN_RANGE');
      const expected = Buffer.from(DEMO_PIN);
      const given = Buffer.from(pin);
      const ok = given.length === expected.length && crypto.timingSafeEqual(given, expected);
      given.fill(0);
      if (!ok) {
        state = { ...state, failedTries: state.failedTries + 1 };
        save();
        if (state.failedTries >= MAX_TRIES) throw new PinLockedError('CKR_PIN_INCORRECT then locked');
        throw new WrongPinError(pinStatusFromFlags(flags()));
      }
      if (state.failedTries !== 0) {
        state = { ...state, failedTries: 0 };
        save();
      }
      loggedIn = true;
    },
    async sign(slotId, keyId, mechanism: SignMechanism, data) {
      const k = key(slotId, keyId);
      return mechanism === 'RSA-PSS-SHA256'
        ? crypto.sign('sha256', data, { key: k.privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
        : crypto.sign('sha256', data, { key: k.privateKey, padding: crypto.constants.RSA_PKCS1_PADDING });
    },
    async decrypt(slotId, keyId, mechanism: DecryptMechanism, data) {
      const k = key(slotId, keyId);
      try {
        switch (mechanism) {
          case 'RSA-OAEP-SHA256':
            return crypto.privateDecrypt({ key: k.privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data);
          case 'RSA-OAEP-SHA1':
            return crypto.privateDecrypt({ key: k.privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, data);
          case 'RSA-PKCS1':
            return unpadPkcs1(crypto.privateDecrypt({ key: k.privateKey, padding: crypto.constants.RSA_NO_PADDING }, data));
        }
      } catch (error) {
        if (error instanceof CardError) throw error;
        throw new CardError('card-error', 'CKR_ENCRYPTED_DATA_INVALID');
      }
    },
    async logout() {
      loggedIn = false;
    },
    async forget() {
      loggedIn = false;
    },
    async close() {
      loggedIn = false;
      closed = true;
    },
  };
  return card;
}
