import { useTranslation } from 'react-i18next';
import type { MailMessageView } from '../../../shared/api/index.js';
import { fullDate } from './format.js';
import { Icon } from './Icon.js';

/**
 * Receipts that came back for a message this professional sent: « Lu par … le … ». MSSanté
 * receipts say `processed` (the ANS volet: the only success disposition), sent when the
 * recipient read the message and chose to answer: shown as read, like `displayed`.
 */
export function ReceiptList({ receipts }: { readonly receipts: MailMessageView['receipts'] }) {
  const { t, i18n } = useTranslation();
  if (receipts.length === 0) return null;
  return (
    <section className="mail-receipts" aria-label={t('mail.receipts.label')}>
      <ul data-testid="mail-receipts">
        {receipts.map((receipt) => {
          const values = { who: receipt.recipient, date: fullDate(receipt.at, i18n.language) };
          const known = ['displayed', 'deleted', 'processed', 'dispatched'] as const;
          const kind = known.find((k) => k === receipt.disposition);
          return (
            <li key={`${receipt.recipient}-${receipt.at}-${receipt.disposition}`} className="mail-receipt" data-testid="mail-receipt">
              <Icon name="receipt" />{' '}
              {kind ? t(`mail.receipts.${kind}`, values) : t('mail.receipts.other', { ...values, disposition: receipt.disposition })}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
