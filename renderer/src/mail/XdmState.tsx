import { useTranslation } from 'react-i18next';
import type { MailMessageView } from '../../../shared/api/index.js';

type Xdm = NonNullable<MailMessageView['xdm']>;

/** What the IHE_XDM.ZIP holds and what the patient matcher made of it (never a guess). */
export function XdmState({ xdm }: { readonly xdm: Xdm }) {
  const { t } = useTranslation();
  const warning = xdm.match !== 'linked';
  return (
    <section className={`mail-notice${warning ? ' mail-notice-warning' : ''}`} aria-label={t('mail.xdm.label')} data-testid="mail-xdm" data-match={xdm.match}>
      <p>
        <strong>{t(`mail.xdm.${xdm.match}`)}</strong>
      </p>
      {xdm.message && <p data-testid="mail-xdm-message">{xdm.message}</p>}
      {xdm.documents.length > 0 && (
        <ul className="mail-xdm-documents">
          {xdm.documents.map((doc, index) => (
            <li key={`${index}-${doc.title}`}>{doc.title}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
