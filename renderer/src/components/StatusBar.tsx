import { useTranslation } from 'react-i18next';
import type { StatusView } from '../hooks/useStatus.js';

/**
 * Card, network and pending sends, always visible. The live region is polite: a change is
 * announced without interrupting what the user is doing.
 */
export function StatusBar({ view }: { view: StatusView }) {
  const { t } = useTranslation();
  return (
    <footer className="status-bar" data-testid="status-bar" aria-label={t('status.label')}>
      <div role="status" className="status-bar-items">
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
    </footer>
  );
}
