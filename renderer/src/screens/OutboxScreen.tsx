import { useTranslation } from 'react-i18next';
import { EmptyState } from '../components/EmptyState.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import type { StatusView } from '../hooks/useStatus.js';

/**
 * Envois en attente — the durable jobs of the outbox. Until the contract has a method to list
 * them, the screen tells the truth it knows: the count from the status.
 */
export function OutboxScreen({ status }: { status: StatusView }) {
  const { t } = useTranslation();
  const pending = status.kind === 'ready' ? status.status.pendingJobs : 0;
  return (
    <>
      <ScreenTitle>{t('screens.outbox.title')}</ScreenTitle>
      {pending > 0 ? (
        <EmptyState title={t('screens.outbox.pendingTitle', { count: pending })} body={t('screens.outbox.pendingBody')} />
      ) : (
        <EmptyState title={t('screens.outbox.emptyTitle')} body={t('screens.outbox.emptyBody')} />
      )}
    </>
  );
}
