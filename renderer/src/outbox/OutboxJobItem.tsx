import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutboxJobView } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import { canCancel, canRetry, isFinished, stateLabel } from './jobState.js';

/** Text from main (French): marked `lang="fr"` when the interface is in another language. */
function MainText({ children }: { children: string }) {
  const { i18n } = useTranslation();
  return <span lang={i18n.language.startsWith('fr') ? undefined : 'fr'}>{children}</span>;
}

/**
 * One job of « Envois en attente »: recipients, subject, state, attempts, last error, and
 * "Réessayer maintenant" / "Annuler" where the queue accepts them. Cancelling asks first, inline;
 * the safe answer ("Garder l’envoi") has the focus. A finished job (sent, cancelled) shows no
 * action and no stale error.
 */
export function OutboxJobItem({
  job,
  onChanged,
  onCancelled,
  testId = 'outbox-job',
}: {
  job: OutboxJobView;
  onChanged: () => void;
  onCancelled: () => void;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const keepRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (confirming) keepRef.current?.focus();
    else if (wasConfirming.current) cancelRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  const failed = (e: unknown) => {
    const code = e instanceof ApiCallError ? e.code : 'INTERNAL';
    if (code !== 'LOCKED') setError(t(`errors.${code}`));
  };
  const retry = () => {
    setError(null);
    setBusy(true);
    invoke('outbox.retryNow', { id: job.id })
      .then(onChanged, failed)
      .finally(() => setBusy(false));
  };
  const cancel = () => {
    setError(null);
    setBusy(true);
    invoke('outbox.cancel', { id: job.id })
      .then(({ cancelled }) => {
        setConfirming(false);
        if (cancelled) onCancelled();
        else setError(t('outbox.cancelRefused'));
        onChanged();
      }, failed)
      .finally(() => setBusy(false));
  };

  const subject = job.subject?.trim() ? job.subject : t('outbox.noSubject');
  const recipients = job.to && job.to.length > 0 ? job.to.join(', ') : t('outbox.noRecipients');
  return (
    <li className="outbox-job" data-testid={testId} data-job-id={job.id} data-state={job.state} aria-labelledby={`${id}-subject`}>
      <h3 id={`${id}-subject`} className="outbox-job-subject" data-testid="outbox-job-subject">
        {subject}
      </h3>
      <dl className="outbox-job-facts">
        <dt>{t('outbox.to')}</dt>
        <dd data-testid="outbox-job-to">{recipients}</dd>
        <dt>{t('outbox.state')}</dt>
        <dd>
          <span className={`outbox-state outbox-state-${job.state}`} data-testid="outbox-job-state">
            {stateLabel(t, job, i18n.language)}
          </span>
        </dd>
        <dt>{t('outbox.attempts')}</dt>
        <dd data-testid="outbox-job-attempts">{job.attempts}</dd>
        {job.lastErrorMessage && !isFinished(job.state) && (
          <>
            <dt>{t('outbox.lastError')}</dt>
            <dd data-testid="outbox-job-error">
              <MainText>{job.lastErrorMessage}</MainText>
            </dd>
          </>
        )}
      </dl>
      {confirming ? (
        <div role="group" className="outbox-confirm" aria-labelledby={`${id}-confirm`} data-testid="outbox-cancel-confirmation">
          <p id={`${id}-confirm`} className="outbox-confirm-question">
            {t('outbox.cancelQuestion')}
          </p>
          <div className="button-row">
            <button type="button" className="button button-small button-danger" data-testid="outbox-cancel-confirm" disabled={busy} onClick={cancel}>
              {t('outbox.cancelConfirm')}
            </button>
            <button ref={keepRef} type="button" className="button button-small" data-testid="outbox-cancel-keep" onClick={() => setConfirming(false)}>
              {t('outbox.cancelKeep')}
            </button>
          </div>
        </div>
      ) : (
        (canRetry(job.state) || canCancel(job.state)) && (
          <div className="button-row">
            {canRetry(job.state) && (
              <button type="button" className="button button-small" data-testid="outbox-retry" aria-describedby={`${id}-subject`} disabled={busy} onClick={retry}>
                {t('outbox.retryNow')}
              </button>
            )}
            {canCancel(job.state) && (
              <button
                ref={cancelRef}
                type="button"
                className="button button-small"
                data-testid="outbox-cancel"
                aria-describedby={`${id}-subject`}
                disabled={busy}
                onClick={() => setConfirming(true)}
              >
                {t('outbox.cancel')}
              </button>
            )}
          </div>
        )
      )}
      {error && (
        <p role="alert" className="field-error" data-testid="outbox-job-action-error">
          {error}
        </p>
      )}
    </li>
  );
}
