import pkcs11js from 'pkcs11js';
import type { Pkcs11Module } from '../../../electron/card/pkcs11Provider.js';

/**
 * A fault-injecting layer over the real pkcs11js module (SoftHSM2 underneath). It makes a
 * SoftHSM2 token behave like a CPS in the two ways SoftHSM2 cannot:
 *
 * - **Card pulled**: `pull(slotId)` makes the slot look empty — C_GetSlotList(true) omits it,
 *   C_GetTokenInfo / C_OpenSession answer CKR_TOKEN_NOT_PRESENT, and every call on a session
 *   of that slot answers CKR_DEVICE_REMOVED (then CKR_SESSION_HANDLE_INVALID), including an
 *   async C_Sign already running (`signDelayMs` widens that window). The real sessions are
 *   closed, so the token forgets its login like a real card. `insert(slotId)` brings it back.
 * - **CPS PIN counter**: three wrong PINs block (COUNT_LOW after one, FINAL_TRY after two,
 *   LOCKED + CKR_PIN_LOCKED after three); SoftHSM2 alone only ever sets COUNT_LOW.
 *
 * `calls` counts calls per method (e.g. to prove C_Login ran once).
 */

export interface FaultyModule extends Pkcs11Module {
  pull(slotId: string): void;
  insert(slotId: string): void;
  readonly calls: Map<string, number>;
  signDelayMs: number;
}

function rv(name: keyof typeof pkcs11js & `CKR_${string}`, method: string): Error {
  return new pkcs11js.Pkcs11Error(name, pkcs11js[name] as number, method);
}

export function createFaultyModule(options: { cpsPinCounter?: boolean } = {}): FaultyModule {
  const real = new pkcs11js.PKCS11();
  const pulled = new Set<string>();
  const sessionSlot = new Map<string, string>();
  const deadSessions = new Map<string, 'removed' | 'invalid'>();
  const failures = new Map<string, number>();
  const calls = new Map<string, number>();
  const count = (method: string) => calls.set(method, (calls.get(method) ?? 0) + 1);

  const slotOf = (session: Buffer) => sessionSlot.get(session.toString('hex')) ?? '';
  function checkSession(session: Buffer, method: string): void {
    count(method);
    const key = session.toString('hex');
    const dead = deadSessions.get(key);
    if (dead === 'removed') {
      deadSessions.set(key, 'invalid');
      throw rv('CKR_DEVICE_REMOVED', method);
    }
    if (dead === 'invalid') throw rv('CKR_SESSION_HANDLE_INVALID', method);
  }
  function checkSlot(slot: Buffer, method: string): void {
    count(method);
    if (pulled.has(slot.toString('hex'))) throw rv('CKR_TOKEN_NOT_PRESENT', method);
  }
  const pinFlags = (slotId: string, flags: number): number => {
    if (!options.cpsPinCounter) return flags;
    const f = failures.get(slotId) ?? 0;
    let out = flags & ~(0x10000 | 0x20000 | 0x40000);
    if (f >= 3) out |= 0x40000;
    else if (f === 2) out |= 0x20000;
    else if (f === 1) out |= 0x10000;
    return out;
  };

  const module: FaultyModule = {
    calls,
    signDelayMs: 0,
    pull(slotId) {
      pulled.add(slotId);
      for (const [session, slot] of sessionSlot) {
        if (slot !== slotId) continue;
        deadSessions.set(session, 'removed');
        try {
          real.C_CloseSession(Buffer.from(session, 'hex'));
        } catch {
          // already closed
        }
      }
    },
    insert(slotId) {
      pulled.delete(slotId);
    },
    load: (p) => real.load(p),
    C_Initialize: () => real.C_Initialize(),
    C_Finalize: () => real.C_Finalize(),
    close: () => real.close(),
    C_GetSlotList(tokenPresent) {
      count('C_GetSlotList');
      const slots = real.C_GetSlotList(tokenPresent);
      return tokenPresent ? slots.filter((s) => !pulled.has(s.toString('hex'))) : slots;
    },
    C_GetSlotInfo: (slot) => real.C_GetSlotInfo(slot),
    C_GetTokenInfo(slot) {
      checkSlot(slot, 'C_GetTokenInfo');
      const info = real.C_GetTokenInfo(slot);
      return { ...info, flags: pinFlags(slot.toString('hex'), info.flags) };
    },
    C_OpenSession(slot, flags) {
      checkSlot(slot, 'C_OpenSession');
      const session = real.C_OpenSession(slot, flags);
      sessionSlot.set(session.toString('hex'), slot.toString('hex'));
      deadSessions.delete(session.toString('hex'));
      return session;
    },
    C_CloseSession(session) {
      checkSession(session, 'C_CloseSession');
      sessionSlot.delete(session.toString('hex'));
      real.C_CloseSession(session);
    },
    C_Login(session, userType, pin) {
      checkSession(session, 'C_Login');
      const slotId = slotOf(session);
      if (options.cpsPinCounter && (failures.get(slotId) ?? 0) >= 3) throw rv('CKR_PIN_LOCKED', 'C_Login');
      try {
        real.C_Login(session, userType, pin);
        failures.set(slotId, 0);
      } catch (error) {
        if (error instanceof Error && error.message.includes('CKR_PIN_INCORRECT')) failures.set(slotId, (failures.get(slotId) ?? 0) + 1);
        throw error;
      }
    },
    C_Logout(session) {
      checkSession(session, 'C_Logout');
      real.C_Logout(session);
    },
    C_FindObjectsInit(session, template) {
      checkSession(session, 'C_FindObjectsInit');
      real.C_FindObjectsInit(session, template);
    },
    C_FindObjects(session, max) {
      checkSession(session, 'C_FindObjects');
      return real.C_FindObjects(session, max);
    },
    C_FindObjectsFinal(session) {
      checkSession(session, 'C_FindObjectsFinal');
      real.C_FindObjectsFinal(session);
    },
    C_GetAttributeValue(session, object, template) {
      checkSession(session, 'C_GetAttributeValue');
      return real.C_GetAttributeValue(session, object, template);
    },
    C_SignInit(session, mechanism, key) {
      checkSession(session, 'C_SignInit');
      real.C_SignInit(session, mechanism, key);
    },
    async C_SignAsync(session, data, out) {
      checkSession(session, 'C_Sign');
      if (module.signDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, module.signDelayMs));
      checkSession(session, 'C_Sign');
      return real.C_SignAsync(session, data, out);
    },
    C_DecryptInit(session, mechanism, key) {
      checkSession(session, 'C_DecryptInit');
      real.C_DecryptInit(session, mechanism, key);
    },
    async C_DecryptAsync(session, data, out) {
      checkSession(session, 'C_Decrypt');
      return real.C_DecryptAsync(session, data, out);
    },
  };
  return module;
}
