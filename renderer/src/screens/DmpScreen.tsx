import { useTranslation } from 'react-i18next';
import { EmptyState } from '../components/EmptyState.js';
import { ScreenTitle } from '../components/ScreenTitle.js';

/** DMP — documents of the selected patient; empty until the card sign-in and the DMP service exist. */
export function DmpScreen() {
  const { t } = useTranslation();
  return (
    <>
      <ScreenTitle>{t('screens.dmp.title')}</ScreenTitle>
      <EmptyState title={t('screens.dmp.emptyTitle')} body={t('screens.dmp.emptyBody')} />
    </>
  );
}
