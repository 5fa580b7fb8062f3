import { useCallback, useRef, useState } from 'react';
import { ApiCallError, invoke } from '../api/client.js';
import { feedbackOf, type SignInFeedback } from './signInFeedback.js';

export type { SignInFeedback } from './signInFeedback.js';

export interface SignInFlow {
  /** True from the PIN's sending until main's answer (the vault opening included). */
  readonly pending: boolean;
  readonly feedback: SignInFeedback | null;
  /** Bumped on every answer: the alert is re-announced and focus goes back to the field. */
  readonly attempt: number;
  /**
   * Sends one PIN, once — with the recovery code when the vault must be reopened with it
   * (`vault.recover`). A call while another is pending is ignored (never queued, never resent).
   */
  submit(pin: string, slotId: string, recoveryCode?: string): void;
  /** Refused before sending: a PIN that is not four digits, or a recovery code too short. */
  rejectFormat(what?: 'pin' | 'recovery-code'): void;
  clear(): void;
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
    (pin: string, slotId: string, recoveryCode?: string) => {
      if (sending.current) return;
      sending.current = true;
      setPending(true);
      setFeedback(null);
      const call = recoveryCode === undefined ? invoke('card.signIn', { pin, slotId }) : invoke('vault.recover', { pin, slotId, recoveryCode });
      call
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

  const rejectFormat = useCallback(
    (what: 'pin' | 'recovery-code' = 'pin') => answer(what === 'pin' ? { kind: 'format' } : { kind: 'recovery-format' }),
    [answer],
  );
  const clear = useCallback(() => setFeedback(null), []);
  return { pending, feedback, attempt, submit, rejectFormat, clear };
}
