import { useCallback, useRef, useState } from 'react';
import type { PinStatus, SignInResult } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import type { MessageGroup } from './format.js';

/** What the PIN dialog says after an answer; messages from main are translated at display time. */
export type SignInFeedback =
  | { kind: 'format' }
  | { kind: 'wrong-pin'; pinStatus: Exclude<PinStatus, 'locked'> }
  | { kind: 'locked' }
  | { kind: 'main'; group: MessageGroup; code: string; message: string }
  | { kind: 'call-error'; code: ApiCallError['code'] };

export interface SignInFlow {
  /** True from the PIN's sending until main's answer (the vault opening included). */
  readonly pending: boolean;
  readonly feedback: SignInFeedback | null;
  /** Bumped on every answer: the alert is re-announced and focus goes back to the field. */
  readonly attempt: number;
  /** Sends one PIN, once. A call while another is pending is ignored (never queued, never resent). */
  submit(pin: string, slotId: string): void;
  /** A PIN refused before sending (not four digits). */
  rejectFormat(): void;
  clear(): void;
}

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
 * The sign-in, held by the App rather than by the PIN dialog: main reports the card signed in
 * before the vault is open, and a vault that fails signs the card out again, so the dialog may
 * unmount and come back in between — its answer must outlive it. The PIN itself is never kept:
 * it only lives in the arguments of the one `card.signIn` call.
 */
export function useSignIn(onSignedIn: (recoveryCode: string | undefined) => void): SignInFlow {
  const [pending, setPending] = useState(false);
  const [feedback, setFeedback] = useState<SignInFeedback | null>(null);
  const [attempt, setAttempt] = useState(0);
  const sending = useRef(false);
  const onSignedInRef = useRef(onSignedIn);
  onSignedInRef.current = onSignedIn;

  const answer = useCallback((next: SignInFeedback | null) => {
    setFeedback(next);
    setAttempt((n) => n + 1);
  }, []);

  const submit = useCallback(
    (pin: string, slotId: string) => {
      if (sending.current) return;
      sending.current = true;
      setPending(true);
      setFeedback(null);
      invoke('card.signIn', { pin, slotId })
        .then(
          (result) => {
            if (result.result === 'signed-in') {
              onSignedInRef.current(result.recoveryCode);
              answer(null);
            } else {
              answer(feedbackOf(result));
            }
          },
          (error: unknown) => answer({ kind: 'call-error', code: error instanceof ApiCallError ? error.code : 'INTERNAL' }),
        )
        .finally(() => {
          sending.current = false;
          setPending(false);
        });
    },
    [answer],
  );

  const rejectFormat = useCallback(() => answer({ kind: 'format' }), [answer]);
  const clear = useCallback(() => setFeedback(null), []);
  return { pending, feedback, attempt, submit, rejectFormat, clear };
}
