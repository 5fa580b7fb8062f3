/**
 * Typed card errors. Each carries a stable `code` (for the contract and the logs), a French
 * sentence for the user and a technical cause for the log (PKCS#11 return-value name, method).
 * No error ever carries a PIN, a name or an RPPS.
 */

export const cardErrorCodes = [
  'card-removed',
  'wrong-pin',
  'pin-locked',
  'pin-format',
  'not-signed-in',
  'no-key',
  'mechanism-unsupported',
  'module-unavailable',
  'timeout',
  'busy',
  'card-error',
] as const;
export type CardErrorCode = (typeof cardErrorCodes)[number];

export type PinStatus = 'ok' | 'count-low' | 'final-try' | 'locked';

const MESSAGES: Record<CardErrorCode, string> = {
  'card-removed': 'La carte CPS a été retirée du lecteur. Réinsérez-la pour continuer.',
  'wrong-pin': 'Code PIN incorrect.',
  'pin-locked':
    'Carte bloquée : trois codes PIN erronés ont été saisis. Débloquez-la avec votre code de déblocage (PUK, 8 chiffres, reçu avec la carte) hors de Caducée, par exemple avec l’outil de gestion de la carte CPS, puis réinsérez-la.',
  'pin-format': 'Le code PIN de la carte CPS comporte 4 chiffres.',
  'not-signed-in': 'Identifiez-vous d’abord avec votre carte CPS et son code PIN.',
  'no-key': 'La carte ne contient pas la clé attendue (authentification ou signature).',
  'mechanism-unsupported': 'Cette carte ne permet pas cette opération cryptographique.',
  'module-unavailable':
    'Le module de la carte CPS (Cryptolib CPS) est introuvable ou ne peut pas être chargé. Vérifiez son installation.',
  timeout: 'La carte ne répond pas. Retirez-la puis réinsérez-la.',
  busy: 'Une opération est déjà en cours avec la carte. Patientez.',
  'card-error': 'Erreur de communication avec la carte CPS. Retirez-la puis réinsérez-la.',
};

export function wrongPinMessage(hint: PinStatus): string {
  switch (hint) {
    case 'final-try':
      return 'Code PIN incorrect. Attention : il ne vous reste qu’un essai avant le blocage de la carte.';
    case 'count-low':
      return 'Code PIN incorrect. Attention : il vous reste peu d’essais avant le blocage de la carte.';
    case 'locked':
      return MESSAGES['pin-locked'];
    case 'ok':
      return MESSAGES['wrong-pin'];
  }
}

export class CardError extends Error {
  override name = 'CardError';
  readonly userMessage: string;
  constructor(
    readonly code: CardErrorCode,
    /** Technical cause for the log: a PKCS#11 return-value name, a method name… never a secret. */
    readonly technicalCause: string,
    userMessage?: string,
  ) {
    super(`${code}: ${technicalCause}`);
    this.userMessage = userMessage ?? MESSAGES[code];
  }
}

export class CardRemovedError extends CardError {
  override name = 'CardRemovedError';
  constructor(technicalCause: string) {
    super('card-removed', technicalCause);
  }
}

export class WrongPinError extends CardError {
  override name = 'WrongPinError';
  constructor(
    readonly triesLeftHint: PinStatus,
    technicalCause = 'CKR_PIN_INCORRECT',
  ) {
    super('wrong-pin', technicalCause, wrongPinMessage(triesLeftHint));
  }
}

export class PinLockedError extends CardError {
  override name = 'PinLockedError';
  constructor(technicalCause = 'CKR_PIN_LOCKED') {
    super('pin-locked', technicalCause);
  }
}

export class PinFormatError extends CardError {
  override name = 'PinFormatError';
  constructor(technicalCause: string, pinLength = 4) {
    super('pin-format', technicalCause, `Le code PIN de la carte CPS comporte ${pinLength} chiffres.`);
  }
}

export function cardMessage(code: CardErrorCode): string {
  return MESSAGES[code];
}

/** PKCS#11 return values that mean "the card (or its session) is gone". */
export const REMOVAL_RVS = new Set([
  'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_DEVICE_ERROR',
  'CKR_TOKEN_NOT_RECOGNIZED',
  'CKR_USER_NOT_LOGGED_IN',
  'CKR_SLOT_ID_INVALID',
  'CKR_CRYPTOKI_NOT_INITIALIZED',
]);

/**
 * The PKCS#11 return-value name of an error thrown by pkcs11js (`Pkcs11Error.message` is the
 * name, e.g. "CKR_PIN_INCORRECT"; some builds append ":<code>" or a method). Undefined when the
 * error did not come from the module.
 */
export function rvName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = /CKR_[A-Z0-9_]+/.exec(error.message);
  return match?.[0];
}

/**
 * Maps anything a PKCS#11 call threw to a CardError. `pinStatusAfter` is asked only on a wrong
 * PIN, to re-read the token flags (tries left).
 */
export function mapPkcs11Error(error: unknown, context: string, pinStatusAfter?: () => PinStatus): CardError {
  if (error instanceof CardError) return error;
  const rv = rvName(error);
  if (rv === undefined) {
    const name = error instanceof Error ? error.name : typeof error;
    return new CardError('card-error', `${context}: ${name}`);
  }
  const cause = `${context}: ${rv}`;
  if (REMOVAL_RVS.has(rv)) return new CardRemovedError(cause);
  switch (rv) {
    case 'CKR_PIN_INCORRECT': {
      let hint: PinStatus;
      try {
        hint = pinStatusAfter?.() ?? 'ok';
      } catch {
        hint = 'ok';
      }
      if (hint === 'locked') return new PinLockedError(cause);
      return new WrongPinError(hint, cause);
    }
    case 'CKR_PIN_LOCKED':
      return new PinLockedError(cause);
    case 'CKR_PIN_LEN_RANGE':
    case 'CKR_PIN_INVALID':
      return new PinFormatError(cause);
    case 'CKR_MECHANISM_INVALID':
    case 'CKR_MECHANISM_PARAM_INVALID':
    case 'CKR_KEY_TYPE_INCONSISTENT':
    case 'CKR_KEY_FUNCTION_NOT_PERMITTED':
      return new CardError('mechanism-unsupported', cause);
    case 'CKR_ARGUMENTS_BAD':
      // SoftHSM2 answers a mechanism parameter it does not support (OAEP SHA-256) this way at *Init.
      return context.endsWith('Init') ? new CardError('mechanism-unsupported', cause) : new CardError('card-error', cause);
    case 'CKR_OPERATION_ACTIVE':
    case 'CKR_SESSION_COUNT':
      return new CardError('busy', cause);
    default:
      return new CardError('card-error', cause);
  }
}

/** Token flags → PIN status (PKCS#11 v2.40 §3.2 CK_TOKEN_INFO). */
export const CKF_USER_PIN_COUNT_LOW = 0x00010000;
export const CKF_USER_PIN_FINAL_TRY = 0x00020000;
export const CKF_USER_PIN_LOCKED = 0x00040000;
export const CKF_TOKEN_INITIALIZED = 0x00000400;
export const CKF_LOGIN_REQUIRED = 0x00000004;

export function pinStatusFromFlags(flags: number): PinStatus {
  if (flags & CKF_USER_PIN_LOCKED) return 'locked';
  if (flags & CKF_USER_PIN_FINAL_TRY) return 'final-try';
  if (flags & CKF_USER_PIN_COUNT_LOW) return 'count-low';
  return 'ok';
}

/** Rejects a promise that has not settled after `ms`, so no card wait is ever unbounded. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CardError('timeout', `${what}: no answer after ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
