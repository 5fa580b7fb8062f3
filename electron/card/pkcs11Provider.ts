import pkcs11js from 'pkcs11js';
import type { Logger } from '../policy/logger.js';
import {
  CKF_TOKEN_INITIALIZED,
  CardError,
  CardRemovedError,
  mapPkcs11Error,
  pinStatusFromFlags,
  rvName,
  withTimeout,
  type PinStatus,
} from './errors.js';
import type {
  CardCertificate,
  CardDataObject,
  CardProvider,
  SlotSummary,
  TokenSummary,
} from './provider.js';
import { decryptMechanism, signMechanism, type Pkcs11Module } from './pkcs11Module.js';

export { decryptMechanism, signMechanism, type Pkcs11Module } from './pkcs11Module.js';

/**
 * CardProvider over a PKCS#11 module through pkcs11js: the Cryptolib CPS in production,
 * SoftHSM2 in tests.
 *
 * - One read-only session per slot, opened on first use and kept; C_Login once per sign-in.
 * - Keys are found by CKA_ID (the certificate/key pairing), never by label: real CPS labels
 *   are unconfirmed.
 * - Every PKCS#11 failure becomes a CardError (errors.ts). The "card is gone" family
 *   (CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT, CKR_SESSION_HANDLE_INVALID, …) becomes
 *   CardRemovedError and drops the slot's session.
 * - sign/decrypt use pkcs11js' async calls (a worker thread) bounded by `operationTimeoutMs`.
 *   The other pkcs11js calls are synchronous (the binding offers no async form); they are
 *   quick on SoftHSM2 and on a CPS reader. Moving the provider into a worker_thread is the
 *   way to bound them too (the interface is async already).
 */

export interface Pkcs11ProviderOptions {
  modulePath: string;
  log: Logger;
  /** Builds the module object; default `new pkcs11js.PKCS11()`. Tests pass a fault-injecting wrapper. */
  createModule?: () => Pkcs11Module;
  /** Bound on sign/decrypt (default 10 s: a CPS3 signature takes about 1 s). */
  operationTimeoutMs?: number;
}

interface SlotState {
  handle: Buffer;
  session?: Buffer;
  loggedIn: boolean;
}

function text(value: string): string {
  return value.replace(/\0/g, '').trim();
}

function slotKey(handle: Buffer): string {
  return handle.toString('hex');
}

export function createPkcs11Provider(options: Pkcs11ProviderOptions): CardProvider {
  const { log } = options;
  const operationTimeoutMs = options.operationTimeoutMs ?? 10_000;
  const slots = new Map<string, SlotState>();
  let module: Pkcs11Module | undefined;
  let closed = false;

  function open(): Pkcs11Module {
    if (closed) throw new CardError('module-unavailable', 'provider closed');
    if (module) return module;
    const m = options.createModule ? options.createModule() : (new pkcs11js.PKCS11() as unknown as Pkcs11Module);
    try {
      m.load(options.modulePath);
    } catch (error) {
      log.error('card.module.load_failed', { error: error instanceof Error ? error.name : 'unknown' });
      throw new CardError('module-unavailable', `load ${error instanceof Error ? error.message.slice(0, 120) : 'failed'}`);
    }
    try {
      m.C_Initialize();
    } catch (error) {
      if (rvName(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
        log.error('card.module.init_failed', { rv: rvName(error) });
        throw new CardError('module-unavailable', `C_Initialize: ${rvName(error) ?? 'failed'}`);
      }
    }
    log.info('card.module.loaded', {});
    module = m;
    return m;
  }

  function slotState(slotId: string): SlotState {
    const state = slots.get(slotId);
    if (state) return state;
    throw new CardRemovedError(`slot ${slotId} unknown`);
  }

  function dropSession(slotId: string): void {
    const state = slots.get(slotId);
    if (!state) return;
    if (state.session && module) {
      try {
        module.C_CloseSession(state.session);
      } catch {
        // the card is gone: its session went with it
      }
    }
    delete state.session;
    state.loggedIn = false;
  }

  /** Runs a PKCS#11 call; maps errors; a removal drops the slot's session. */
  function call<T>(slotId: string, context: string, fn: (m: Pkcs11Module) => T, pinStatusAfter?: () => PinStatus): T {
    const m = open();
    try {
      return fn(m);
    } catch (error) {
      const mapped = mapPkcs11Error(error, context, pinStatusAfter);
      log.warn('card.pkcs11.error', { slot: slotId, context, rv: rvName(error), code: mapped.code });
      if (mapped instanceof CardRemovedError) dropSession(slotId);
      throw mapped;
    }
  }

  function session(slotId: string): Buffer {
    const state = slotState(slotId);
    if (state.session) return state.session;
    const handle = call(slotId, 'C_OpenSession', (m) => m.C_OpenSession(state.handle, pkcs11js.CKF_SERIAL_SESSION));
    state.session = handle;
    return handle;
  }

  function findObjects(slotId: string, template: pkcs11js.Template): Buffer[] {
    const s = session(slotId);
    return call(slotId, 'C_FindObjects', (m) => {
      m.C_FindObjectsInit(s, template);
      const found: Buffer[] = [];
      try {
        for (;;) {
          const batch = m.C_FindObjects(s, 32);
          if (batch.length === 0) break;
          found.push(...batch);
          if (found.length > 1024) break;
        }
      } finally {
        m.C_FindObjectsFinal(s);
      }
      return found;
    });
  }

  function attributes(slotId: string, object: Buffer, types: number[]): Map<number, Buffer> {
    const s = session(slotId);
    const result = call(slotId, 'C_GetAttributeValue', (m) =>
      m.C_GetAttributeValue(
        s,
        object,
        types.map((type) => ({ type })),
      ),
    );
    const map = new Map<number, Buffer>();
    for (const attr of result) {
      if (Buffer.isBuffer(attr.value)) map.set(attr.type, attr.value);
    }
    return map;
  }

  function readTokenInfo(slotId: string): TokenSummary {
    const state = slotState(slotId);
    const info = call(slotId, 'C_GetTokenInfo', (m) => m.C_GetTokenInfo(state.handle));
    return {
      slotId,
      label: text(info.label),
      serial: text(info.serialNumber),
      model: text(info.model),
      manufacturer: text(info.manufacturerID),
      pinStatus: pinStatusFromFlags(info.flags),
      flags: info.flags,
    };
  }

  function refreshSlots(tokenPresent: boolean): Buffer[] {
    const m = open();
    let handles: Buffer[];
    try {
      handles = m.C_GetSlotList(tokenPresent);
    } catch (error) {
      const rv = rvName(error);
      log.warn('card.pkcs11.error', { context: 'C_GetSlotList', rv });
      throw new CardError('card-error', `C_GetSlotList: ${rv ?? 'failed'}`);
    }
    for (const handle of handles) {
      const key = slotKey(handle);
      if (!slots.has(key)) slots.set(key, { handle, loggedIn: false });
    }
    return handles;
  }

  function findKey(slotId: string, keyId: string): Buffer {
    const id = Buffer.from(keyId, 'hex');
    const keys = findObjects(slotId, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_ID, value: id },
    ]);
    const key = keys[0];
    if (!key) throw new CardError('no-key', `no private key with id ${keyId}`);
    return key;
  }

  function requireLogin(slotId: string): void {
    if (!slotState(slotId).loggedIn) throw new CardError('not-signed-in', `slot ${slotId} not logged in`);
  }

  async function runAsync(slotId: string, context: string, fn: (m: Pkcs11Module) => Promise<Buffer>): Promise<Buffer> {
    const m = open();
    try {
      return await withTimeout(fn(m), operationTimeoutMs, context);
    } catch (error) {
      const mapped = mapPkcs11Error(error, context);
      log.warn('card.pkcs11.error', { slot: slotId, context, rv: rvName(error), code: mapped.code });
      if (mapped instanceof CardRemovedError || mapped.code === 'timeout') dropSession(slotId);
      throw mapped;
    }
  }

  const provider: CardProvider = {
    kind: 'pkcs11',

    async listSlots(): Promise<SlotSummary[]> {
      const all = refreshSlots(false);
      const present = new Set(refreshSlots(true).map(slotKey));
      return all.map((handle) => {
        const slotId = slotKey(handle);
        let description: string;
        try {
          description = text(open().C_GetSlotInfo(handle).slotDescription);
        } catch {
          description = '';
        }
        return { slotId, description, tokenPresent: present.has(slotId) };
      });
    },

    async listTokens(): Promise<TokenSummary[]> {
      const tokens: TokenSummary[] = [];
      for (const handle of refreshSlots(true)) {
        const slotId = slotKey(handle);
        try {
          const info = readTokenInfo(slotId);
          if (info.flags & CKF_TOKEN_INITIALIZED) tokens.push(info);
        } catch (error) {
          // A token that cannot answer C_GetTokenInfo is not usable: count it as absent.
          if (!(error instanceof CardError)) throw error;
          dropSession(slotId);
        }
      }
      return tokens;
    },

    async tokenInfo(slotId) {
      return readTokenInfo(slotId);
    },

    async readCertificates(slotId): Promise<CardCertificate[]> {
      const objects = findObjects(slotId, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      ]);
      return objects.flatMap((object) => {
        const attrs = attributes(slotId, object, [pkcs11js.CKA_ID, pkcs11js.CKA_LABEL, pkcs11js.CKA_VALUE]);
        const der = attrs.get(pkcs11js.CKA_VALUE);
        if (!der || der.length === 0) return [];
        return [{ id: (attrs.get(pkcs11js.CKA_ID) ?? Buffer.alloc(0)).toString('hex'), label: (attrs.get(pkcs11js.CKA_LABEL) ?? Buffer.alloc(0)).toString('utf8'), der: Buffer.from(der) }];
      });
    },

    async readDataObjects(slotId): Promise<CardDataObject[]> {
      const objects = findObjects(slotId, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_DATA }]);
      const result: CardDataObject[] = [];
      for (const object of objects) {
        const head = attributes(slotId, object, [pkcs11js.CKA_LABEL, pkcs11js.CKA_PRIVATE]);
        const label = (head.get(pkcs11js.CKA_LABEL) ?? Buffer.alloc(0)).toString('utf8');
        if (!label.startsWith('CPS')) continue;
        let value: Buffer | undefined;
        try {
          value = attributes(slotId, object, [pkcs11js.CKA_VALUE]).get(pkcs11js.CKA_VALUE);
        } catch (error) {
          // CKR_ATTRIBUTE_SENSITIVE & co: listed, not readable yet
          if (error instanceof CardRemovedError) throw error;
          value = undefined;
        }
        result.push({ label, value: Buffer.from(value ?? Buffer.alloc(0)), private: head.get(pkcs11js.CKA_PRIVATE)?.[0] === 1 });
      }
      return result;
    },

    async listPrivateKeyIds(slotId) {
      const keys = findObjects(slotId, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
      return keys.map((key) => (attributes(slotId, key, [pkcs11js.CKA_ID]).get(pkcs11js.CKA_ID) ?? Buffer.alloc(0)).toString('hex'));
    },

    async login(slotId, pin) {
      const state = slotState(slotId);
      const s = session(slotId);
      const pinStatusAfter = (): PinStatus => pinStatusFromFlags(open().C_GetTokenInfo(state.handle).flags);
      try {
        call(slotId, 'C_Login', (m) => m.C_Login(s, pkcs11js.CKU_USER, pin), pinStatusAfter);
      } catch (error) {
        if (error instanceof CardError && error.technicalCause.endsWith('CKR_USER_ALREADY_LOGGED_IN')) {
          state.loggedIn = true;
          return;
        }
        throw error;
      }
      state.loggedIn = true;
      log.info('card.login.ok', { slot: slotId });
    },

    async sign(slotId, keyId, mechanism, data) {
      requireLogin(slotId);
      const key = findKey(slotId, keyId);
      const s = session(slotId);
      call(slotId, 'C_SignInit', (m) => m.C_SignInit(s, signMechanism(mechanism), key));
      return runAsync(slotId, 'C_Sign', async (m) => Buffer.from(await m.C_SignAsync(s, data, Buffer.alloc(1024))));
    },

    async decrypt(slotId, keyId, mechanism, data) {
      requireLogin(slotId);
      const key = findKey(slotId, keyId);
      const s = session(slotId);
      call(slotId, 'C_DecryptInit', (m) => m.C_DecryptInit(s, decryptMechanism(mechanism), key));
      return runAsync(slotId, 'C_Decrypt', async (m) => Buffer.from(await m.C_DecryptAsync(s, data, Buffer.alloc(1024))));
    },

    async logout(slotId) {
      const state = slots.get(slotId);
      if (!state?.session) return;
      const s = state.session;
      try {
        if (state.loggedIn) call(slotId, 'C_Logout', (m) => m.C_Logout(s));
      } catch (error) {
        if (!(error instanceof CardRemovedError)) throw error;
      } finally {
        dropSession(slotId);
      }
    },

    async forget(slotId) {
      dropSession(slotId);
    },

    async rescan() {
      if (!module) return;
      if ([...slots.values()].some((state) => state.loggedIn)) return;
      for (const key of slots.keys()) dropSession(key);
      slots.clear();
      try {
        module.C_Finalize();
      } catch {
        // already finalised or module broken: C_Initialize says which
      }
      try {
        module.C_Initialize();
      } catch (error) {
        if (rvName(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
          module = undefined;
          throw new CardError('module-unavailable', `C_Initialize: ${rvName(error) ?? 'failed'}`);
        }
      }
    },

    async close() {
      if (closed) return;
      for (const key of slots.keys()) {
        try {
          await provider.logout(key);
        } catch {
          dropSession(key);
        }
      }
      closed = true;
      if (module) {
        try {
          module.C_Finalize();
        } catch {
          // nothing to do
        }
        try {
          module.close();
        } catch {
          // nothing to do
        }
      }
      module = undefined;
      slots.clear();
    },
  };
  return provider;
}
