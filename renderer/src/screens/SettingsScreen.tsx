import { useId, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { localeSchema, type AppInfo } from '../../../shared/api/index.js';
import { ApiCallError } from '../api/client.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { DirectorySection } from '../directory/DirectorySection.js';
import { PscPanel } from '../psc/PscPanel.js';
import type { SettingsState } from '../hooks/useSettings.js';
import { AuditExport } from '../settings/AuditExport.js';
import { CardTransfer } from '../settings/CardTransfer.js';
import { IdleLockSetting } from '../settings/IdleLockSetting.js';

interface Props {
  readonly info: AppInfo | null;
  readonly settingsState: SettingsState;
}

type Feedback = { kind: 'none' } | { kind: 'saved' } | { kind: 'error'; code: ApiCallError['code'] };

/** Réglages — language and session delay (read-only when machine policy fixes them), audit export, "about". */
export function SettingsScreen({ info, settingsState }: Props) {
  const { t, i18n } = useTranslation();
  const missing = t('settings.about.unknown');
  const { settings, setLocale } = settingsState;
  const [feedback, setFeedback] = useState<Feedback>({ kind: 'none' });
  const selectId = useId();
  const lockedId = useId();
  const locked = settings?.lockedKeys.includes('locale') ?? false;
  const current = settings?.locale ?? localeSchema.catch('fr').parse(i18n.language);

  const onChange = (event: ChangeEvent<HTMLSelectElement>): void => {
    const parsed = localeSchema.safeParse(event.target.value);
    if (!parsed.success) return;
    setFeedback({ kind: 'none' });
    // The select stays enabled while saving: disabling it would throw keyboard focus away.
    setLocale(parsed.data).then(
      () => setFeedback({ kind: 'saved' }),
      (error: unknown) => setFeedback({ kind: 'error', code: error instanceof ApiCallError ? error.code : 'INTERNAL' }),
    );
  };

  return (
    <>
      <ScreenTitle>{t('screens.settings.title')}</ScreenTitle>

      <section className="panel" aria-labelledby={`${selectId}-h`}>
        <h2 id={`${selectId}-h`}>{t('settings.language.legend')}</h2>
        <div className="field">
          <label htmlFor={selectId}>{t('settings.language.label')}</label>
          <select
            id={selectId}
            data-testid="locale-select"
            value={current}
            onChange={onChange}
            disabled={locked || settings === null}
            aria-describedby={locked ? lockedId : undefined}
          >
            {localeSchema.options.map((locale) => (
              // Each language is named in itself, so a user lost in the wrong one finds theirs.
              <option key={locale} value={locale} lang={locale}>
                {t(`locales.${locale}`)}
              </option>
            ))}
          </select>
          {locked && (
            <p id={lockedId} className="field-note" data-testid="locale-locked">
              {t('settings.language.locked')}
            </p>
          )}
        </div>
        <p role="status" className="field-feedback">
          {feedback.kind === 'saved' && t('settings.language.saved')}
        </p>
        {feedback.kind === 'error' && (
          <p role="alert" className="field-error">
            {t(`errors.${feedback.code}`)}
          </p>
        )}
      </section>

      <CardTransfer />
      <IdleLockSetting settingsState={settingsState} />
      <PscPanel />
      <AuditExport />
      <DirectorySection />

      <section className="panel" aria-labelledby={`${selectId}-about`}>
        <h2 id={`${selectId}-about`}>{t('settings.about.title')}</h2>
        <dl className="facts">
          <dt>{t('settings.about.version')}</dt>
          <dd data-testid="app-version">{info?.version ?? missing}</dd>
          <dt>{t('settings.about.mode')}</dt>
          <dd data-testid="app-mode">{info ? t(`modes.${info.mode}`) : missing}</dd>
          <dt>{t('settings.about.host')}</dt>
          <dd>{info ? t(`hosts.${info.hostKind}`) : missing}</dd>
          <dt>{t('settings.about.platform')}</dt>
          <dd>{info?.platform ?? missing}</dd>
        </dl>
      </section>
    </>
  );
}
