import { EventEmitter } from 'node:events';
import type { Logger } from '../policy/logger.js';
import type { RefusalCode, RevocationPolicy } from './certificateValidator.js';
import { createCardWatcher, type CardWatcher } from './cardWatcher.js';
import type { CpsProfile } from './cpsProfile.js';
import { refreshCrls } from './crlStore.js';
import { CardError, CardRemovedError, type PinStatus } from './errors.js';
import { checkCardCertificates, signInWithPin, type CardIdentity, type CertificateCheck, type SignInResult } from './pinSession.js';
import type { CardProvider, DecryptMechanism, SignMechanism } from './provider.js';
import { loadTrustStore } from './trustStore.js';
import type { ParsedCertificate, ParsedCrl } from './x509.js';

/**
 * CardService — the one object the app talks to about the CPS card.
 *
 * States (`getState()`, event 'state' on every change):
 *   { state: 'no-reader' }                                   no slot at all (no reader / no module)
 *   { state: 'absent', readers }                              readers, no card
 *   { state: 'present', slotId, label, pinStatus, check, otherSlots }
 *        a card, not signed in (the lock screen). `check` is the certificate verdict read
 *        before any PIN: { kind: 'ok', profile, warnings } or { kind: 'refused', code, message }.
 *   { state: 'signed-in', slotId, profile, warnings }
 *
 * Methods:
 *   start() / stop()
 *   signIn(pin, slotId?) → SignInResult (pinSession.ts): 'signed-in' | 'wrong-pin' {triesLeftHint}
 *        | 'locked' | 'pin-format' | 'refused' {code} | 'removed' | 'error' {code}; each with a
 *        French `message`. Never retries C_Login.
 *   signOut()                 C_Logout; back to 'present'
 *   sign(data, mechanism?, key?)     RSA-PKCS1-SHA256 (default) | RSA-PSS-SHA256 with the
 *                                    signature key (default) or the authentication key
 *   decrypt(data, mechanism?)        RSA-OAEP-SHA1 (default) | RSA-OAEP-SHA256 | RSA-PKCS1 with
 *                                    the authentication key (SoftHSM2 2.6: no OAEP SHA-256)
 *   certificates()            DER of the signed-in card's certificates
 *   selectSlot(slotId)        with several cards, which one the lock screen offers
 *   refreshTrust()            reload anchors and CRLs
 * sign/decrypt throw CardError (errors.ts: code + French userMessage). A removed card throws
 * CardRemovedError and the state leaves 'signed-in' at once; the watcher (500 ms) also moves
 * the state to 'absent' within about a second of a removal even when nothing is running.
 *
 * Events: 'state' (CardServiceState), 'inserted' ({ slotId }), 'removed' ({ slotId }) — the
 * vault locks on 'removed' of the signed-in slot.
 */

export interface ProfileView {
  readonly idNatKind: CpsProfile['idNat']['kind'];
  readonly idNat: string;
  readonly rpps: string | undefined;
  readonly lastName: string;
  readonly firstName: string;
  readonly profession: string;
  /** ISO date-time. */
  readonly validUntil: string;
  /** The authentication certificate (main only: picks the card in a client-certificate prompt). */
  readonly serialHex: string;
  readonly issuerCn: string;
}

export interface WarningView {
  readonly code: string;
  readonly message: string;
}

export type CertificateCheckView =
  | { readonly kind: 'ok'; readonly profile: ProfileView; readonly warnings: readonly WarningView[] }
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly message: string };

export type CardServiceState =
  | { readonly state: 'no-reader' }
  | { readonly state: 'absent'; readonly readers: number }
  | {
      readonly state: 'present';
      readonly slotId: string;
      readonly label: string;
      readonly pinStatus: PinStatus;
      readonly check: CertificateCheckView;
      readonly otherSlots: readonly string[];
    }
  | {
      readonly state: 'signed-in';
      readonly slotId: string;
      readonly profile: ProfileView;
      readonly warnings: readonly WarningView[];
      /** Other cards present (a renewed card to transfer the vault to). */
      readonly otherSlots: readonly string[];
    };

export interface CardServiceOptions {
  readonly provider: CardProvider;
  readonly log: Logger;
  /** Trust-anchor folders (default Coffre + policy folders, resolved by the caller). */
  readonly anchorFolders: readonly string[];
  /** Anchors given directly (the demo chain of the virtual card). */
  readonly extraAnchors?: readonly ParsedCertificate[];
  /** CRL files, folders or URLs. */
  readonly crlSources: readonly string[];
  readonly crlCacheDir: string;
  readonly crlTimeoutMs?: number;
  readonly revocation?: RevocationPolicy;
  readonly pollIntervalMs?: number;
  /** SoftHSM2 only: re-initialise the module to see new tokens (cardWatcher.ts). */
  readonly rescan?: boolean;
  readonly pinLength?: number;
  readonly now?: () => Date;
}

export function profileView(profile: CpsProfile): ProfileView {
  return {
    idNatKind: profile.idNat.kind,
    idNat: profile.idNat.idNat,
    rpps: profile.idNat.kind === 'RPPS' ? profile.idNat.rpps : undefined,
    lastName: profile.lastName,
    firstName: profile.firstName,
    profession: profile.profession,
    validUntil: profile.notAfter.toISOString(),
    serialHex: profile.serialHex,
    issuerCn: profile.issuerCn,
  };
}

function checkView(check: CertificateCheck): CertificateCheckView {
  return check.kind === 'ok'
    ? { kind: 'ok', profile: profileView(check.identity.profile), warnings: check.identity.warnings.map((w) => ({ code: w.code, message: w.message })) }
    : { kind: 'refused', code: check.code, message: check.message };
}

export interface CardService {
  start(): Promise<void>;
  stop(): Promise<void>;
  getState(): CardServiceState;
  signIn(pin: string, slotId?: string): Promise<SignInResult>;
  signOut(): Promise<void>;
  sign(data: Buffer, mechanism?: SignMechanism, key?: 'signature' | 'authentication'): Promise<Buffer>;
  decrypt(data: Buffer, mechanism?: DecryptMechanism): Promise<Buffer>;
  certificates(): { authentication: Buffer; signature: Buffer | undefined } | undefined;
  selectSlot(slotId: string): Promise<void>;
  refreshTrust(): Promise<void>;
  /**
   * Card renewal: one C_Login on ANOTHER present card (the professional's new card), `fn` runs
   * with that card's authentication-key operations, then the card is logged out. The session of
   * the signed-in card is untouched. The new card's certificate is validated first, and must
   * name the same professional (idNat). PIN rules are those of signIn: one try, never retried.
   */
  withOtherCard<T>(slotId: string, pin: string, fn: (other: OtherCard) => Promise<T>): Promise<OtherCardResult<T>>;
  /** Polls the card now (tests, and after an operation failed). */
  poll(): Promise<void>;
  on(event: 'state', listener: (state: CardServiceState) => void): void;
  on(event: 'inserted' | 'removed', listener: (event: { slotId: string }) => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
}

export interface OtherCard {
  readonly identity: CardIdentity;
  decrypt(data: Buffer, mechanism: DecryptMechanism): Promise<Buffer>;
  sign(data: Buffer, mechanism: SignMechanism): Promise<Buffer>;
}

export type OtherCardResult<T> =
  | { readonly kind: 'done'; readonly value: T }
  | { readonly kind: 'other-practitioner'; readonly message: string }
  | Exclude<SignInResult, { kind: 'signed-in' }>;

interface Session {
  readonly slotId: string;
  readonly serial: string;
  readonly identity: CardIdentity;
}

export function createCardService(options: CardServiceOptions): CardService {
  const { provider, log } = options;
  const now = options.now ?? (() => new Date());
  const emitter = new EventEmitter();
  let anchors: ParsedCertificate[] = [];
  let crls: ParsedCrl[] = [];
  let state: CardServiceState = { state: 'no-reader' };
  let session: Session | undefined;
  let preferredSlot: string | undefined;
  let signingIn = false;
  const checks = new Map<string, CertificateCheck>();
  let chain: Promise<void> = Promise.resolve();
  const watcher: CardWatcher = createCardWatcher({
    provider,
    log,
    ...(options.pollIntervalMs !== undefined ? { intervalMs: options.pollIntervalMs } : {}),
    ...(options.rescan !== undefined ? { rescan: options.rescan } : {}),
  });

  const trust = () => ({ anchors, crls, now, ...(options.revocation ? { policy: options.revocation } : {}) });

  function setState(next: CardServiceState): void {
    if (JSON.stringify(next) === JSON.stringify(state)) return;
    state = next;
    log.info('card.state', { state: next.state, slot: 'slotId' in next ? next.slotId : undefined });
    emitter.emit('state', next);
  }

  /** Serialises state computations. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async function recompute(): Promise<void> {
    const tokens = watcher.tokens();
    if (session) {
      const s = session;
      if (!tokens.some((t) => t.slotId === s.slotId && t.serial === s.serial)) {
        session = undefined;
        await provider.forget(s.slotId);
        log.info('card.session.dropped', { slot: s.slotId });
      }
    }
    if (session) {
      const current = session.slotId;
      setState({
        state: 'signed-in',
        slotId: current,
        profile: profileView(session.identity.profile),
        warnings: session.identity.warnings.map((w) => ({ code: w.code, message: w.message })),
        otherSlots: tokens.filter((t) => t.slotId !== current).map((t) => t.slotId),
      });
      return;
    }
    if (watcher.readerCount() === 0 && tokens.length === 0) {
      setState({ state: 'no-reader' });
      return;
    }
    const active = tokens.find((t) => t.slotId === preferredSlot) ?? tokens[0];
    if (!active) {
      setState({ state: 'absent', readers: watcher.readerCount() });
      return;
    }
    const key = `${active.slotId}/${active.serial}`;
    let check = checks.get(key);
    if (!check) {
      try {
        check = checkCardCertificates(await provider.readCertificates(active.slotId), trust());
        checks.set(key, check);
      } catch (error) {
        if (error instanceof CardRemovedError) {
          setState({ state: 'absent', readers: watcher.readerCount() });
          return;
        }
        check = { kind: 'refused', code: 'unreadable', message: 'Le certificat de la carte est illisible.', profile: undefined };
      }
    }
    setState({
      state: 'present',
      slotId: active.slotId,
      label: active.label,
      pinStatus: active.pinStatus,
      check: checkView(check),
      otherSlots: tokens.filter((t) => t !== active).map((t) => t.slotId),
    });
  }

  watcher.on('removed', ({ slotId }) => {
    for (const k of [...checks.keys()]) if (k.startsWith(`${slotId}/`)) checks.delete(k);
    emitter.emit('removed', { slotId });
    void serial(recompute);
  });
  watcher.on('inserted', ({ slotId }) => {
    emitter.emit('inserted', { slotId });
    void serial(recompute);
  });
  watcher.on('readers', () => void serial(recompute));

  /** After an operation failed with a removal: drop the session and look again. */
  async function onRemoved(slotId: string): Promise<void> {
    if (session?.slotId === slotId) {
      session = undefined;
      await provider.forget(slotId);
    }
    await watcher.poll();
    await serial(recompute);
  }

  async function refreshTrust(): Promise<void> {
    const store = loadTrustStore(options.anchorFolders, log);
    anchors = [...store.anchors, ...(options.extraAnchors ?? [])];
    crls = await refreshCrls({
      sources: options.crlSources,
      cacheDir: options.crlCacheDir,
      log,
      issuers: anchors,
      ...(options.crlTimeoutMs !== undefined ? { timeoutMs: options.crlTimeoutMs } : {}),
    });
    checks.clear();
  }

  async function withKey<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    const s = session;
    if (!s) throw new CardError('not-signed-in', 'no session');
    try {
      return await fn(s);
    } catch (error) {
      const mapped = error instanceof CardError ? error : new CardError('card-error', error instanceof Error ? error.name : 'unknown');
      if (mapped instanceof CardRemovedError) await onRemoved(s.slotId);
      throw mapped;
    }
  }

  const service: CardService = {
    async start() {
      await refreshTrust();
      await watcher.start();
      await serial(recompute);
    },

    async stop() {
      watcher.stop();
      await chain;
      if (session) await provider.logout(session.slotId).catch(() => undefined);
      session = undefined;
      await provider.close();
    },

    getState: () => state,

    async signIn(pin, slotId) {
      const current = state;
      if (signingIn) return { kind: 'error', code: 'busy', message: new CardError('busy', 'sign-in in progress').userMessage };
      const target = slotId ?? (current.state === 'present' ? current.slotId : undefined);
      if (current.state === 'signed-in') return { kind: 'error', code: 'busy', message: 'Une session est déjà ouverte avec la carte.' };
      if (!target) return { kind: 'removed', message: new CardRemovedError('no card').userMessage };
      signingIn = true;
      try {
        const token = watcher.tokens().find((t) => t.slotId === target);
        const result = await signInWithPin({ provider, slotId: target, trust: trust(), log, ...(options.pinLength !== undefined ? { pinLength: options.pinLength } : {}) }, pin);
        if (result.kind === 'signed-in') {
          if (!token) {
            // The watcher does not list that slot (any more): do not keep a session on it.
            await provider.logout(target).catch(() => undefined);
            await watcher.poll();
            await serial(recompute);
            return { kind: 'removed', message: new CardRemovedError('slot not listed').userMessage };
          }
          session = { slotId: target, serial: token.serial, identity: result.identity };
        } else if (result.kind === 'removed') {
          await watcher.poll();
        } else if (result.kind === 'wrong-pin' || result.kind === 'locked') {
          await watcher.poll(); // re-reads the PIN flags for the lock screen
        }
        await serial(recompute);
        return result;
      } finally {
        signingIn = false;
      }
    },

    async withOtherCard(slotId, pin, fn) {
      const s = session;
      if (!s) return { kind: 'error', code: 'not-signed-in', message: new CardError('not-signed-in', 'no session').userMessage };
      if (slotId === s.slotId) return { kind: 'error', code: 'busy', message: 'Cette carte est celle de la session en cours.' };
      const result = await signInWithPin({ provider, slotId, trust: trust(), log, ...(options.pinLength !== undefined ? { pinLength: options.pinLength } : {}) }, pin);
      if (result.kind !== 'signed-in') {
        await watcher.poll();
        await serial(recompute);
        return result;
      }
      try {
        if (result.identity.profile.idNat.idNat !== s.identity.profile.idNat.idNat) {
          log.warn('card.other.refused', { reason: 'other-practitioner' });
          return { kind: 'other-practitioner', message: 'Cette carte appartient à un autre professionnel : le coffre ne peut être transféré que vers votre propre nouvelle carte.' };
        }
        const keyId = result.identity.authentication.keyId;
        const value = await fn({
          identity: result.identity,
          decrypt: (data, mechanism) => provider.decrypt(slotId, keyId, mechanism, data),
          sign: (data, mechanism) => provider.sign(slotId, keyId, mechanism, data),
        });
        return { kind: 'done', value };
      } finally {
        await provider.logout(slotId).catch(() => undefined);
      }
    },

    async signOut() {
      const s = session;
      if (!s) return;
      session = undefined;
      await provider.logout(s.slotId).catch(() => undefined);
      log.info('card.signout', { slot: s.slotId });
      await serial(recompute);
    },

    sign(data, mechanism = 'RSA-PKCS1-SHA256', key = 'signature') {
      return withKey(async (s) => {
        const pair = key === 'signature' ? s.identity.signature : s.identity.authentication;
        if (!pair) throw new CardError('no-key', `no ${key} key`);
        return provider.sign(s.slotId, pair.keyId, mechanism, data);
      });
    },

    decrypt(data, mechanism = 'RSA-OAEP-SHA1') {
      return withKey((s) => provider.decrypt(s.slotId, s.identity.authentication.keyId, mechanism, data));
    },

    certificates() {
      if (!session) return undefined;
      return { authentication: session.identity.authentication.der, signature: session.identity.signature?.der };
    },

    async selectSlot(slotId) {
      preferredSlot = slotId;
      await serial(recompute);
    },

    refreshTrust: () => serial(refreshTrust).then(() => serial(recompute)),

    async poll() {
      await watcher.poll();
      await serial(recompute);
    },

    on(event: string, listener: (...args: never[]) => void) {
      emitter.on(event, listener as (...args: unknown[]) => void);
    },
    off(event: string, listener: (...args: never[]) => void) {
      emitter.off(event, listener as (...args: unknown[]) => void);
    },
  };
  return service;
}
