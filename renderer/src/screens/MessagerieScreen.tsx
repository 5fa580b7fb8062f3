import { useTranslation } from 'react-i18next';
import { EmptyState } from '../components/EmptyState.js';
import { ScreenTitle } from '../components/ScreenTitle.js';

/** Messagerie — MSSanté secure messages; empty until the card sign-in and the mail service exist. */
export function MessagerieScreen() {
  const { t } = useTranslation();
  return (
    <>
      <ScreenTitle>{t('screens.messagerie.title')}</ScreenTitle>
      <EmptyState title={t('screens.messagerie.emptyTitle')} body={t('screens.messagerie.emptyBody')} />
    </>
  );
}
