import { useTranslation } from 'react-i18next';
import { EmptyState } from '../components/EmptyState.js';
import { ScreenTitle } from '../components/ScreenTitle.js';

/** Patients — identities and INS; empty until the card sign-in and the identity service exist. */
export function PatientsScreen() {
  const { t } = useTranslation();
  return (
    <>
      <ScreenTitle>{t('screens.patients.title')}</ScreenTitle>
      <EmptyState title={t('screens.patients.emptyTitle')} body={t('screens.patients.emptyBody')} />
    </>
  );
}
