import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PinStatus } from '../../../shared/api/index.js';
import { mainMessage } from './format.js';
import { offersRecovery } from './signInFeedback.js';
import type { SignInFlow } from './useSignIn.js';

/** A CPS PIN has four digits. */
export const PIN_PATTERN = /^\d{4}$/;
export const PIN_LENGTH = 4;
/** 24 characters when complete; the contract takes 8 to 64 (separators included). */
const RECOVERY_MIN = 8;
const RECOVERY_MAX = 64;

interface Props {
  readonly slotId: string;
  readonly pinStatus: PinStatus;
  readonly flow: SignInFlow;
}

/**
 * The app's own PIN dialog. The field is uncontrolled: the PIN is read from the DOM once on
 * submit and the field is cleared at once, so the value only lives in the arguments of that one
 * `card.signIn` call — never in React state, never resent. A wrong PIN asks the user again;
 * nothing retries on its own.
 */
export function PinDialog({ slotId, pinStatus, flow }: Props) {
  const { t, i18n } = useTranslation();
  const inputRef = useRef<HTMLInputElement>(null);
  const recoveryRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const hintId = `${id}-hint`;
  const warningId = `${id}-warning`;
  const feedbackId = `${id}-feedback`;
  const { pending, feedback, attempt } = flow;
  // The vault needs the recovery code: the field stays until a sign-in succeeds or the card leaves.
  const [withRecovery, setWithRecovery] = useState(false);
  const recovery = withRecovery || offersRecovery(feedback);
  useEffect(() => {
    if (offersRecovery(feedback)) setWithRecovery(true);
  }, [feedback]);

  // Focus on the field when the dialog appears, and again after each answer.
  useEffect(() => {
    inputRef.current?.focus();
  }, [attempt]);

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const input = inputRef.current;
    if (!input || pending) return;
    const pin = input.value;
    input.value = '';
    // Like the PIN, the recovery code is read once from the field and never kept.
    const recoveryInput = recovery ? recoveryRef.current : null;
    const recoveryCode = recoveryInput?.value.trim();
    if (recoveryInput) recoveryInput.value = '';
    if (!PIN_PATTERN.test(pin)) {
      flow.rejectFormat('pin');
      return;
    }
    if (recoveryInput) {
      if (!recoveryCode || recoveryCode.length < RECOVERY_MIN) {
        flow.rejectFormat('recovery-code');
        return;
      }
      flow.submit(pin, slotId, recoveryCode);
      return;
    }
    flow.submit(pin, slotId);
  };

  const wrongPinShown = feedback?.kind === 'wrong-pin';
  const warnBeforeTyping = !wrongPinShown && (pinStatus === 'final-try' || pinStatus === 'count-low');
  const invalid = feedback?.kind === 'format' || wrongPinShown;
  const describedBy = [hintId, warnBeforeTyping ? warningId : '', feedback ? feedbackId : ''].filter(Boolean).join(' ');

  let alert: { text: string; lang?: string; warning?: boolean } | null = null;
  if (feedback) {
    switch (feedback.kind) {
      case 'format':
        alert = { text: t('card.pin.format') };
        break;
      case 'recovery-format':
        alert = { text: t('card.recovery.entryFormat') };
        break;
      case 'wrong-pin':
        alert = { text: t(`card.pin.wrong.${feedback.pinStatus}`), warning: feedback.pinStatus === 'final-try' };
        break;
      case 'locked':
        alert = { text: t('card.blocked.body') };
        break;
      case 'main': {
        const shown = mainMessage(t, i18n.language, (key) => i18n.exists(key), feedback.group, feedback.code, feedback.message);
        alert = { text: shown.text, ...(shown.lang ? { lang: shown.lang } : {}) };
        break;
      }
      case 'call-error':
        alert = { text: t(`errors.${feedback.code}`) };
        break;
    }
  }

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
          aria-invalid={invalid || undefined}
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

      {/* Keyed by attempt: the same message twice is announced twice. */}
      <div key={attempt} id={feedbackId}>
        {alert && (
          <p role="alert" className={alert.warning ? 'lock-warning' : 'field-error'} data-testid="pin-error" lang={alert.lang}>
            {alert.text}
          </p>
        )}
      </div>
      {recovery && (
        <div className="field" data-testid="recovery-entry">
          <label htmlFor={`${id}-recovery`}>{t('card.recovery.entryLabel')}</label>
          <input
            ref={recoveryRef}
            id={`${id}-recovery`}
            className="recovery-input"
            data-testid="recovery-input"
            type="text"
            autoComplete="off"
            autoCorrect="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={RECOVERY_MAX}
            readOnly={pending}
            aria-invalid={feedback?.kind === 'recovery-format' || undefined}
            aria-describedby={`${id}-recovery-hint`}
          />
          <p id={`${id}-recovery-hint`} className="field-note">
            {t('card.recovery.entryHint')}
          </p>
        </div>
      )}

      <p role="status" className="field-note" data-testid="pin-progress">
        {pending ? t('card.pin.checking') : ''}
      </p>

      <div className="button-row">
        <button type="submit" className="button button-primary" data-testid="pin-submit" aria-disabled={pending || undefined}>
          {t(pending ? 'card.pin.submitting' : recovery ? 'card.recovery.submit' : 'card.pin.submit')}
        </button>
      </div>
    </form>
  );
}
