import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../components/EmptyState.js';
import { ScreenTitle } from '../components/ScreenTitle.js';

/**
 * Messagerie — MSSanté secure messages; empty until the mail service exists. Meanwhile a local
 * draft: kept on screen (through the lock screen too) but neither saved nor sent, and the note
 * under it says so.
 */
export function MessagerieScreen() {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState('');
  return (
    <>
      <ScreenTitle>{t('screens.messagerie.title')}</ScreenTitle>
      <EmptyState title={t('screens.messagerie.emptyTitle')} body={t('screens.messagerie.emptyBody')} />
      <section className="panel" aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>{t('screens.messagerie.draftTitle')}</h2>
        <div className="field field-wide">
          <label htmlFor={`${id}-draft`}>{t('screens.messagerie.draftLabel')}</label>
          <textarea
            id={`${id}-draft`}
            data-testid="messagerie-draft"
            rows={6}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            aria-describedby={`${id}-note`}
          />
          <p id={`${id}-note`} className="field-note">
            {t('screens.messagerie.draftNote')}
          </p>
        </div>
      </section>
    </>
  );
}
