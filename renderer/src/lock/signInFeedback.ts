import type { PinStatus, SignInResult } from '../../../shared/api/index.js';
import type { ApiCallError } from '../api/client.js';
import type { MessageGroup } from './format.js';

/** What the PIN dialog says after an answer; messages from main are translated at display time. */
export type SignInFeedback =
  | { kind: 'format' }
  | { kind: 'recovery-format' }
  | { kind: 'wrong-pin'; pinStatus: Exclude<PinStatus, 'locked'> }
  | { kind: 'locked' }
  | { kind: 'main'; group: MessageGroup; code: string; message: string }
  | { kind: 'call-error'; code: ApiCallError['code'] };

export function feedbackOf(result: Exclude<SignInResult, { result: 'signed-in' }>): SignInFeedback {
  switch (result.result) {
    case 'wrong-pin':
      return result.pinStatus === 'locked' ? { kind: 'locked' } : { kind: 'wrong-pin', pinStatus: result.pinStatus };
    case 'locked':
      return { kind: 'locked' };
    case 'pin-format':
      return { kind: 'format' };
    case 'refused':
      return { kind: 'main', group: 'refusals', code: result.code, message: result.message };
    case 'removed':
      return { kind: 'main', group: 'signIn', code: 'card-removed', message: result.message };
    case 'error':
    case 'vault-error':
      return { kind: 'main', group: 'signIn', code: result.code, message: result.message };
  }
}

/**
 * Vault errors whose way out is the recovery code: the card cannot unwrap this vault's key (a
 * replaced card, another key) or the OS keystore cannot unseal it, or a mistyped code.
 */
export const RECOVERABLE_VAULT_CODES: readonly string[] = ['unwrap-failed', 'unseal-failed', 'wrong-key', 'recovery-code-invalid'];

export function offersRecovery(feedback: SignInFeedback | null): boolean {
  return feedback?.kind === 'main' && feedback.group === 'signIn' && RECOVERABLE_VAULT_CODES.includes(feedback.code);
}
