import { useTranslation } from 'react-i18next';
import { EmptyState } from '../components/EmptyState.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { MailCompose } from '../outbox/MailCompose.js';
import '../outbox/outbox.css';

/**
 * Messagerie — MSSanté secure messages. Receiving comes with the messaging issue; writing and
 * sending already go through the outbox (queued, so offline too), and the body of the message
 * stays on screen through the lock screen.
 */
export function MessagerieScreen() {
  const { t } = useTranslation();
  return (
    <>
      <ScreenTitle>{t('screens.messagerie.title')}</ScreenTitle>
      <EmptyState title={t('screens.messagerie.emptyTitle')} body={t('screens.messagerie.emptyBody')} />
      <MailCompose />
    </>
  );
}
