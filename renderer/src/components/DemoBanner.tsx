import { useTranslation } from 'react-i18next';

/** Shown for the whole session in demo mode, so no trainee mistakes it for real patient data. */
export function DemoBanner() {
  const { t } = useTranslation();
  return (
    <p className="demo-banner" data-testid="demo-banner">
      <strong className="demo-banner-title">{t('demoBanner.title')}</strong>{' '}
      <span className="demo-banner-detail">{t('demoBanner.detail')}</span>
    </p>
  );
}
