import type { CardView, SignInResult } from '../../shared/api/index.js';
import type { CardServiceState, ProfileView } from '../card/cardService.js';
import type { SignInResult as CardSignInResult } from '../card/pinSession.js';

/** Translations between the card layer's own types and the contract's (pure, tested). */
function practitioner(profile: ProfileView) {
  return {
    idNatKind: profile.idNatKind,
    idNat: profile.idNat,
    ...(profile.rpps !== undefined ? { rpps: profile.rpps } : {}),
    lastName: profile.lastName,
    firstName: profile.firstName,
    profession: profile.profession,
    validUntil: profile.validUntil,
  };
}

export function cardView(state: CardServiceState): CardView {
  switch (state.state) {
    case 'no-reader':
      return { state: 'no-reader' };
    case 'absent':
      return { state: 'absent', readers: state.readers };
    case 'present':
      return {
        state: 'present',
        slotId: state.slotId,
        pinStatus: state.pinStatus,
        check:
          state.check.kind === 'ok'
            ? { kind: 'ok', practitioner: practitioner(state.check.profile), warnings: [...state.check.warnings] }
            : { kind: 'refused', code: state.check.code, message: state.check.message },
        otherSlots: [...state.otherSlots],
      };
    case 'signed-in':
      return {
        state: 'signed-in',
        slotId: state.slotId,
        practitioner: practitioner(state.profile),
        warnings: [...state.warnings],
        otherSlots: [...state.otherSlots],
      };
    default: {
      const never: never = state;
      return never;
    }
  }
}

/** Everything but a successful sign-in; that one is completed by the vault (recovery code). */
export function failedSignIn(result: Exclude<CardSignInResult, { kind: 'signed-in' }>): Exclude<SignInResult, { result: 'signed-in' }> {
  switch (result.kind) {
    case 'wrong-pin':
      return { result: 'wrong-pin', pinStatus: result.triesLeftHint, message: result.message };
    case 'locked':
      return { result: 'locked', message: result.message };
    case 'pin-format':
      return { result: 'pin-format', message: result.message };
    case 'refused':
      return { result: 'refused', code: result.code, message: result.message };
    case 'removed':
      return { result: 'removed', message: result.message };
    case 'error':
      return { result: 'error', code: result.code, message: result.message };
    default: {
      const never: never = result;
      return never;
    }
  }
}
