import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../shared/api/index.js';
import { invoke } from './api/client.js';

export function App() {
  const { t } = useTranslation();
  const [info, setInfo] = useState<AppInfo | null>(null);
  useEffect(() => {
    void invoke('app.getInfo', {}).then(setInfo);
  }, []);
  return (
    <main>
      <h1>{t('app.name')}</h1>
      <p data-testid="mode">{info ? info.mode : t('app.loading')}</p>
    </main>
  );
}
