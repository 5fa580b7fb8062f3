import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PinStatus, SignInResult } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import { mainMessage, type ShownMessage } from './format.js';

/** A CPS PIN has four digits. */
export const PIN_PATTERN = /^\d{4}$/;
export const PIN_LENGTH = 4;

type Feedback =
  | { kind: 'format' }
  | { kind: 'wrong-pin'; pinStatus: PinStatus }
  | { kind: 'locked' }
  | { kind: 'shown'; message: ShownMessage }
  | { kind: 'pending' }
  | { kind: 'signed-in' };

interface Props {
  readonly slotId: string;
  readonly pinStatus: PinStatus;
  /** Called once main has opened the session; with the recovery code when the vault was created. */
  readonly onSignedIn: (recoveryCode: string | undefined) => void;
}

/**
 * The app's own PIN dialog. The field is uncontrolled: the PIN is read from the DOM once on
 * submit, the field is cleared at once, and the value only lives in the closure of that one
 * `card.signIn` call — never in React state, never resent. A wrong PIN asks the user again;
 * nothing retries on its own.
 */
export function PinDialog({ slotId, pinStatus, onSignedIn }: Props) {
  const { t, i18n } = useTranslation();
  const inputRef = useRef<HTMLInputElement>(null);
  const sending = useRef(false);
  const mounted = useRef(true);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  // Each answer remounts the alert, so the same message twice is announced twice.
  const [attempt, setAttempt] = useState(0);
  const id = useId();
  const hintId = `${id}-hint`;
  const warningId = `${id}-warning`;
  const feedbackId = `${id}-feedback`;

  useEffect(() => {
    mounted.current = true;
    inputRef.current?.focus();
    return () => {
      mounted.current = false;
    };
  }, []);

  const shown = (group: 'signIn', code: string, message: string): Feedback => ({
    kind: 'shown',
    message: mainMessage(t, i18n.language, (key) => i18n.exists(key), group, code, message),
  });

  const feedbackOf = (result: SignInResult): Feedback => {
    switch (result.result) {
      case 'signed-in':
        return { kind: 'signed-in' };
      case 'wrong-pin':
        return result.pinStatus === 'locked' ? { kind: 'locked' } : { kind: 'wrong-pin', pinStatus: result.pinStatus };
      case 'locked':
        return { kind: 'locked' };
      case 'pin-format':
        return { kind: 'format' };
      case 'refused':
      case 'error':
      case 'vault-error':
        return shown('signIn', result.code, result.message);
      case 'removed':
        return shown('signIn', 'card-removed', result.message);
    }
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const input = inputRef.current;
    if (!input || sending.current) return;
    const pin = input.value;
    input.value = '';
    if (!PIN_PATTERN.test(pin)) {
      setFeedback({ kind: 'format' });
      setAttempt((n) => n + 1);
      input.focus();
      return;
    }
    sending.current = true;
    setFeedback({ kind: 'pending' });
    invoke('card.signIn', { pin, slotId })
      .then(
        (result) => {
          if (result.result === 'signed-in') onSignedIn(result.recoveryCode);
          if (!mounted.current) return;
          setFeedback(feedbackOf(result));
          setAttempt((n) => n + 1);
        },
        (error: unknown) => {
          if (!mounted.current) return;
          const code = error instanceof ApiCallError ? error.code : 'INTERNAL';
          setFeedback({ kind: 'shown', message: { text: t(`errors.${code}`) } });
          setAttempt((n) => n + 1);
        },
      )
      .finally(() => {
        sending.current = false;
        if (mounted.current) inputRef.current?.focus();
      });
  };

  const pending = feedback?.kind === 'pending' || feedback?.kind === 'signed-in';
  const wrongPinShown = feedback?.kind === 'wrong-pin';
  const warnBeforeTyping = !wrongPinShown && (pinStatus === 'final-try' || pinStatus === 'count-low');
  const describedBy = [hintId, warnBeforeTyping ? warningId : '', feedback && !pending ? feedbackId : ''].filter(Boolean).join(' ');

  return (
    <form className="pin-form" onSubmit={onSubmit} noValidate data-testid="pin-dialog">
      <div className="field">
        <label htmlFor={`${id}-pin`}>{t('card.pin.label')}</label>
        <input
          ref={inputRef}
          id={`${id}-pin`}
          className="pin-input"
          data-testid="pin-input"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          autoCorrect="off"
          spellCheck={false}
          maxLength={PIN_LENGTH}
          readOnly={pending}
          aria-invalid={feedback?.kind === 'format' || wrongPinShown ? true : undefined}
          aria-describedby={describedBy}
        />
        <p id={hintId} className="field-note">
          {t('card.pin.hint')}
        </p>
      </div>

      {warnBeforeTyping && (
        <p id={warningId} className={pinStatus === 'final-try' ? 'lock-warning' : 'field-note'} data-testid="pin-status-warning">
          {t(pinStatus === 'final-try' ? 'card.pin.finalTryBefore' : 'card.pin.countLowBefore')}
        </p>
      )}

      <div key={attempt} id={feedbackId} data-testid="pin-feedback">
        {feedback?.kind === 'pending' && (
          <p role="status" className="field-note">
            {t('card.pin.checking')}
          </p>
        )}
        {feedback?.kind === 'signed-in' && (
          <p role="status" className="field-note">
            {t('card.pin.signedIn')}
          </p>
        )}
        {feedback?.kind === 'format' && (
          <p role="alert" className="field-error" data-testid="pin-error">
            {t('card.pin.format')}
          </p>
        )}
        {feedback?.kind === 'wrong-pin' && (
          <p role="alert" className={feedback.pinStatus === 'final-try' ? 'lock-warning' : 'field-error'} data-testid="pin-error">
            {t(`card.pin.wrong.${feedback.pinStatus}`)}
          </p>
        )}
        {feedback?.kind === 'locked' && (
          <p role="alert" className="field-error" data-testid="pin-error">
            {t('card.blocked.body')}
          </p>
        )}
        {feedback?.kind === 'shown' && (
          <p role="alert" className="field-error" data-testid="pin-error" lang={feedback.message.lang}>
            {feedback.message.text}
          </p>
        )}
      </div>

      <div className="button-row">
        <button type="submit" className="button button-primary" data-testid="pin-submit" aria-disabled={pending || undefined}>
          {t(pending ? 'card.pin.submitting' : 'card.pin.submit')}
        </button>
      </div>
    </form>
  );
}
