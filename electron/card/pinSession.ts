import type { Logger } from '../policy/logger.js';
import {
  REFUSAL_MESSAGES,
  validateCertificate,
  type RefusalCode,
  type RevocationPolicy,
  type ValidationWarning,
} from './certificateValidator.js';
import { pickCardCertificates, profileFromCertificate, type CpsProfile } from './cpsProfile.js';
import { CardError, CardRemovedError, PinLockedError, WrongPinError, cardMessage, wrongPinMessage, type CardErrorCode, type PinStatus } from './errors.js';
import type { CardCertificate, CardProvider } from './provider.js';
import type { ParsedCertificate, ParsedCrl } from './x509.js';

/**
 * The sign-in flow for one slot:
 *  1. PIN format checked (exactly `pinLength` digits, 4 for a CPS) — a bad format never
 *     reaches the card, so it never costs a try;
 *  2. a card whose PIN is already blocked is not sent the PIN;
 *  3. the authentication certificate is read and validated BEFORE the PIN is sent: a foreign,
 *     expired or revoked card never receives it;
 *  4. C_Login exactly once — never retried by this code. The PIN is only a parameter: no
 *     field, closure, log or error keeps it. pkcs11js takes the PIN as a JS string (immutable,
 *     cannot be wiped), so there is no buffer of ours to overwrite; the string arrives as such
 *     from IPC anyway;
 *  5. the private keys are paired with the certificates by CKA_ID.
 */

export const DEFAULT_PIN_LENGTH = 4;

export function isValidPinFormat(pin: unknown, length = DEFAULT_PIN_LENGTH): pin is string {
  return typeof pin === 'string' && pin.length === length && /^[0-9]+$/.test(pin);
}

export interface CardIdentity {
  readonly profile: CpsProfile;
  readonly authentication: { readonly keyId: string; readonly der: Buffer };
  readonly signature: { readonly keyId: string; readonly der: Buffer } | undefined;
  readonly warnings: readonly ValidationWarning[];
}

export type CertificateCheck =
  | { readonly kind: 'ok'; readonly identity: CardIdentity; readonly chain: readonly ParsedCertificate[] }
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly message: string; readonly profile: CpsProfile | undefined };

export type SignInResult =
  | { readonly kind: 'signed-in'; readonly identity: CardIdentity; readonly dataObjectLabels: readonly string[] }
  | { readonly kind: 'pin-format'; readonly message: string }
  | { readonly kind: 'wrong-pin'; readonly triesLeftHint: PinStatus; readonly message: string }
  | { readonly kind: 'locked'; readonly message: string }
  | { readonly kind: 'refused'; readonly code: RefusalCode; readonly message: string }
  | { readonly kind: 'removed'; readonly message: string }
  | { readonly kind: 'error'; readonly code: CardErrorCode; readonly message: string };

export interface TrustContext {
  readonly anchors: readonly ParsedCertificate[];
  readonly crls: readonly ParsedCrl[];
  readonly now: () => Date;
  readonly policy?: RevocationPolicy;
}

/** Reads the card's certificates and validates the authentication one (and the signature one, as a warning only if absent). */
export function checkCardCertificates(certs: readonly CardCertificate[], trust: TrustContext, keyIds?: readonly string[]): CertificateCheck {
  const picked = pickCardCertificates(certs, keyIds);
  const auth = picked.authentication;
  if (!auth) return { kind: 'refused', code: 'unreadable', message: REFUSAL_MESSAGES.unreadable, profile: undefined };
  const profile = profileFromCertificate(auth.cert);
  const result = validateCertificate({
    leaf: auth.cert,
    expectedRole: 'authentication',
    intermediates: picked.cas,
    anchors: trust.anchors,
    crls: trust.crls,
    now: trust.now(),
    ...(trust.policy ? { policy: trust.policy } : {}),
  });
  if (!result.ok) return { kind: 'refused', code: result.code, message: result.message, profile };
  return {
    kind: 'ok',
    chain: result.chain,
    identity: {
      profile,
      authentication: { keyId: auth.source.id, der: auth.source.der },
      signature: picked.signature ? { keyId: picked.signature.source.id, der: picked.signature.source.der } : undefined,
      warnings: result.warnings,
    },
  };
}

export interface SignInOptions {
  readonly provider: CardProvider;
  readonly slotId: string;
  readonly trust: TrustContext;
  readonly log: Logger;
  readonly pinLength?: number;
}

function fromError(error: unknown): SignInResult {
  if (error instanceof CardRemovedError) return { kind: 'removed', message: error.userMessage };
  if (error instanceof PinLockedError) return { kind: 'locked', message: error.userMessage };
  if (error instanceof WrongPinError) return { kind: 'wrong-pin', triesLeftHint: error.triesLeftHint, message: error.userMessage };
  if (error instanceof CardError) {
    if (error.code === 'pin-format') return { kind: 'pin-format', message: error.userMessage };
    return { kind: 'error', code: error.code, message: error.userMessage };
  }
  return { kind: 'error', code: 'card-error', message: cardMessage('card-error') };
}

export async function signInWithPin(options: SignInOptions, pin: string): Promise<SignInResult> {
  const { provider, slotId, log } = options;
  const pinLength = options.pinLength ?? DEFAULT_PIN_LENGTH;
  if (!isValidPinFormat(pin, pinLength)) {
    log.info('card.signin.pin_format', { slot: slotId });
    return { kind: 'pin-format', message: `Le code PIN de la carte CPS comporte ${pinLength} chiffres.` };
  }
  try {
    const token = await provider.tokenInfo(slotId);
    if (token.pinStatus === 'locked') {
      log.warn('card.signin.locked', { slot: slotId });
      return { kind: 'locked', message: cardMessage('pin-locked') };
    }
    const check = checkCardCertificates(await provider.readCertificates(slotId), options.trust);
    if (check.kind === 'refused') {
      log.warn('card.signin.refused', { slot: slotId, code: check.code });
      return { kind: 'refused', code: check.code, message: check.message };
    }
    // The only use of the PIN: one C_Login. Not stored, not logged, not retried.
    await provider.login(slotId, pin);
    const keyIds = await provider.listPrivateKeyIds(slotId);
    const paired = checkCardCertificates(await provider.readCertificates(slotId), options.trust, keyIds);
    if (paired.kind === 'refused' || !keyIds.includes(paired.identity.authentication.keyId)) {
      await provider.logout(slotId).catch(() => undefined);
      log.warn('card.signin.no_key', { slot: slotId });
      return { kind: 'error', code: 'no-key', message: cardMessage('no-key') };
    }
    let dataObjectLabels: string[] = [];
    try {
      dataObjectLabels = (await provider.readDataObjects(slotId)).map((o) => o.label);
    } catch (error) {
      if (error instanceof CardRemovedError) throw error;
    }
    const identity: CardIdentity = {
      ...paired.identity,
      signature: paired.identity.signature && keyIds.includes(paired.identity.signature.keyId) ? paired.identity.signature : undefined,
    };
    log.info('card.signin.ok', { slot: slotId, warnings: identity.warnings.length });
    return { kind: 'signed-in', identity, dataObjectLabels };
  } catch (error) {
    const result = fromError(error);
    log.warn('card.signin.failed', { slot: slotId, kind: result.kind, code: error instanceof CardError ? error.code : 'unknown' });
    return result;
  }
}

export { wrongPinMessage };
