import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Mode } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import type { StatusView } from '../hooks/useStatus.js';
import { practitionerLine } from '../lock/format.js';
import { DemoCardButton } from '../lock/LockScreen.js';
import { isSignedIn, type CardState } from '../lock/useCard.js';

/**
 * Card, network and pending sends, always visible. The live region is polite: a change is
 * announced without interrupting what the user is doing. When signed in: who is signed in, and
 * "Verrouiller" (signs the card out; the lock screen comes back, the work stays on screen).
 */
export function StatusBar({ view, card, mode }: { view: StatusView; card: CardState; mode: Mode | undefined }) {
  const { t } = useTranslation();
  const [lockError, setLockError] = useState<string | null>(null);
  const signedIn = isSignedIn(card) ? card.view : null;
  const lock = (): void => {
    setLockError(null);
    invoke('card.signOut', {}).catch((e: unknown) => setLockError(t(`errors.${e instanceof ApiCallError ? e.code : 'INTERNAL'}`)));
  };
  return (
    <footer className="status-bar" data-testid="status-bar" aria-label={t('status.label')}>
      <div role="status" className="status-bar-items">
        {signedIn && (
          <span className="status-item status-practitioner" data-testid="status-practitioner">
            {practitionerLine(t, signedIn.practitioner)}
          </span>
        )}
        {view.kind === 'ready' ? (
          <>
            <span className={`status-item status-card-${view.status.card.state}`} data-testid="status-card">
              {t('status.card', { state: t(`status.cardStates.${view.status.card.state}`) })}
            </span>
            <span className={`status-item status-network-${view.status.network}`} data-testid="status-network">
              {t('status.network', { state: t(`status.networkStates.${view.status.network}`) })}
            </span>
            <span className="status-item" data-testid="status-pending">
              {t('status.pendingJobs', { count: view.status.pendingJobs })}
            </span>
          </>
        ) : (
          <span className="status-item">{t(view.kind === 'loading' ? 'status.loading' : 'status.unavailable')}</span>
        )}
      </div>
      {signedIn && (
        <div className="status-bar-actions">
          <button type="button" className="button button-small" data-testid="lock-button" onClick={lock}>
            {t('card.lock')}
          </button>
          {mode === 'demo' && <DemoCardButton inserted testId="status-remove-card" />}
          {lockError && (
            <p role="alert" className="field-error">
              {lockError}
            </p>
          )}
        </div>
      )}
    </footer>
  );
}
