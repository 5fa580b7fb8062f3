import { useId, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiCallError } from '../api/client.js';
import type { SettingsState } from '../hooks/useSettings.js';

/** Choices offered; machine policy may fix any value from 1 to 240 minutes. */
const CHOICES = [5, 10, 15, 30, 60] as const;

type Feedback = { kind: 'none' } | { kind: 'saved' } | { kind: 'error'; code: ApiCallError['code'] };

/** Réglages › Session: the idle delay after which the session locks (read-only under policy). */
export function IdleLockSetting({ settingsState }: { readonly settingsState: SettingsState }) {
  const { t } = useTranslation();
  const { settings, setIdleLockMinutes } = settingsState;
  const [feedback, setFeedback] = useState<Feedback>({ kind: 'none' });
  const id = useId();
  const locked = settings?.lockedKeys.includes('idleLockMinutes') ?? false;
  const current = settings?.idleLockMinutes ?? 15;
  const choices = CHOICES.includes(current as (typeof CHOICES)[number]) ? CHOICES : [...CHOICES, current].sort((a, b) => a - b);

  const onChange = (event: ChangeEvent<HTMLSelectElement>): void => {
    setFeedback({ kind: 'none' });
    setIdleLockMinutes(Number(event.target.value)).then(
      () => setFeedback({ kind: 'saved' }),
      (error: unknown) => setFeedback({ kind: 'error', code: error instanceof ApiCallError ? error.code : 'INTERNAL' }),
    );
  };

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('settings.session.legend')}</h2>
      <div className="field">
        <label htmlFor={id}>{t('settings.session.idleLabel')}</label>
        <select
          id={id}
          data-testid="idle-lock-select"
          value={current}
          onChange={onChange}
          disabled={locked || settings === null}
          aria-describedby={`${id}-note`}
        >
          {choices.map((minutes) => (
            <option key={minutes} value={minutes}>
              {t('settings.session.minutes', { count: minutes })}
            </option>
          ))}
        </select>
        <p id={`${id}-note`} className="field-note">
          {locked ? t('settings.session.locked') : t('settings.session.note')}
        </p>
      </div>
      <p role="status" className="field-feedback">
        {feedback.kind === 'saved' && t('settings.session.saved')}
      </p>
      {feedback.kind === 'error' && (
        <p role="alert" className="field-error">
          {t(`errors.${feedback.code}`)}
        </p>
      )}
    </section>
  );
}
