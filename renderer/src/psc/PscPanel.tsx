import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PscStatusView } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import { usePscSignIn, usePscStatus } from './usePsc.js';
import './psc.css';

type ActionError = { code: ApiCallError['code'] } | null;

/** "14:05" in the interface language: when the access token ends (it is renewed before). */
function timeOf(ms: number, language: string): string {
  return new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}

/**
 * Réglages › Pro Santé Connect: the state of the PSC session that opens the personal MSSanté
 * mailbox, who it is, until when its token runs, and the way in or out. Changes pushed by main
 * (sign-in done in the other window, refresh refused, card locked) are announced politely.
 */
export function PscPanel() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const psc = usePscStatus();
  const { outcome, busy, signIn } = usePscSignIn();
  const [actionError, setActionError] = useState<ActionError>(null);
  const status: PscStatusView | null = psc.kind === 'ready' ? psc.status : null;

  const run = (method: 'psc.signOut' | 'psc.cancel'): void => {
    setActionError(null);
    invoke(method, {}).catch((error: unknown) => setActionError({ code: error instanceof ApiCallError ? error.code : 'INTERNAL' }));
  };
  const onSignIn = (): void => {
    if (busy) return;
    setActionError(null);
    signIn();
  };

  const callError = actionError ?? (outcome?.kind === 'error' ? { code: outcome.code } : null);
  const openUrl = outcome?.kind === 'started' ? outcome.openUrl : null;
  const state = status?.state ?? 'signed-out';

  return (
    <section className="panel psc-panel" aria-labelledby={`${id}-h`} data-testid="psc-panel">
      <h2 id={`${id}-h`}>{t('psc.panel.title')}</h2>
      <p className="field-note" id={`${id}-note`}>
        {t('psc.panel.note')}
      </p>

      {psc.kind === 'unavailable' && (
        <p role="alert" className="field-error">
          {t('errors.UNAVAILABLE')}
        </p>
      )}
      {status && !status.configured && (
        <p className="field-note" data-testid="psc-not-configured">
          {t('psc.panel.notConfigured')}
        </p>
      )}

      {status?.configured && (
        <>
          <div role="status" aria-live="polite" aria-atomic="true" className="psc-status">
            <p data-testid="psc-state" className={`psc-state psc-state-${state}`}>{t(`psc.state.${state === 'waiting' && openUrl ? 'waitingBrowser' : state}`)}</p>
            {status.message && (
              <p data-testid="psc-message" className="psc-message">
                {status.message}
              </p>
            )}
          </div>

          {state === 'signed-in' && status.identity && (
            <dl className="facts" data-testid="psc-identity">
              <dt>{t('psc.identity.name')}</dt>
              <dd data-testid="psc-identity-name">{status.identity.displayName}</dd>
              <dt>{t('psc.identity.idNat')}</dt>
              <dd data-testid="psc-identity-idnat">{status.identity.idNat}</dd>
              {status.expiresAt !== null && (
                <>
                  <dt>{t('psc.identity.expires')}</dt>
                  <dd data-testid="psc-expires">{t('psc.identity.expiresAt', { time: timeOf(status.expiresAt, i18n.language) })}</dd>
                </>
              )}
            </dl>
          )}

          <div className="button-row">
            {/* One button whose action follows the state: focus stays on it from one state to the next. */}
            {state === 'signed-in' ? (
              <button type="button" className="button" data-testid="psc-sign-out" onClick={() => run('psc.signOut')}>
                {t('psc.actions.signOut')}
              </button>
            ) : state === 'waiting' ? (
              <button type="button" className="button" data-testid="psc-cancel" onClick={() => run('psc.cancel')}>
                {t('psc.actions.cancel')}
              </button>
            ) : (
              <button
                type="button"
                className="button button-primary"
                data-testid="psc-sign-in"
                onClick={onSignIn}
                aria-disabled={busy}
                aria-describedby={`${id}-note`}
              >
                {t('psc.actions.signIn')}
              </button>
            )}
          </div>
          {state === 'waiting' && openUrl && (
            <p className="field-note" data-testid="psc-open-link">
              {t('psc.panel.popupHint')}{' '}
              <a href={openUrl} target="_blank" rel="noopener noreferrer">
                {t('psc.panel.popupLink')}
              </a>
            </p>
          )}
        </>
      )}

      {callError && (
        <p role="alert" className="field-error" data-testid="psc-error">
          {callError.code === 'LOCKED' ? t('psc.errors.locked') : t(`errors.${callError.code}`)}
        </p>
      )}
    </section>
  );
}
