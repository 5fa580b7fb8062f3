import { useTranslation } from 'react-i18next';
import type { MailSummaryView } from '../../../shared/api/index.js';
import { displayName, listDate } from './format.js';
import { Icon } from './Icon.js';

interface Props {
  readonly id: string;
  readonly index: number;
  readonly count: number;
  readonly top: number;
  readonly height: number;
  readonly message: MailSummaryView | undefined;
  readonly active: boolean;
  readonly opened: boolean;
  readonly recipients: boolean;
  readonly locale: string;
  readonly loadingLabel: string;
  readonly onClick: () => void;
}

/**
 * One row: sender (or recipients), date, subject, first words. Unread is bold *and* marked by a
 * dot with a spoken « Non lu » (not colour alone); attachment, flag and patient link are icons
 * with their words for screen readers.
 */
export function MessageRow({ id, index, count, top, height, message, active, opened, recipients, locale, loadingLabel, onClick }: Props) {
  const { t } = useTranslation();
  const style = { transform: `translateY(${top}px)`, height: `${height}px` };
  const position = { 'aria-posinset': index + 1, 'aria-setsize': count };
  if (!message) {
    return (
      <div id={id} role="option" aria-selected={false} {...position} className="mail-row mail-row-loading" style={style}>
        <span className="mail-row-line">{loadingLabel}</span>
      </div>
    );
  }
  const who = recipients ? message.to.map(displayName).join(', ') || t('mail.list.noRecipient') : displayName(message.from) || t('mail.list.noSender');
  const className = ['mail-row', message.seen ? 'mail-row-seen' : 'mail-row-unread', active ? 'mail-row-active' : '', opened ? 'mail-row-opened' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div id={id} role="option" aria-selected={opened} {...position} className={className} style={style} onClick={onClick} data-testid="mail-row" data-id={message.id}>
      <span className="mail-row-line mail-row-head">
        <span className="mail-row-unread-dot" aria-hidden="true" />
        {!message.seen && <span className="visually-hidden">{t('mail.list.unread')}, </span>}
        <span className="mail-row-who">
          {recipients && <span className="visually-hidden">{t('mail.list.toPrefix')} </span>}
          {who}
        </span>
        <span className="mail-row-icons">
          {message.hasAttachments && (
            <span className="mail-icon" title={t('mail.list.attachment')}>
              <Icon name="attachment" />
              <span className="visually-hidden">, {t('mail.list.attachment')}</span>
            </span>
          )}
          {message.flagged && (
            <span className="mail-icon mail-icon-flag" title={t('mail.list.flagged')}>
              <Icon name="flag" />
              <span className="visually-hidden">, {t('mail.list.flagged')}</span>
            </span>
          )}
          {message.answered && (
            <span className="mail-icon" title={t('mail.list.answered')}>
              <Icon name="answered" />
              <span className="visually-hidden">, {t('mail.list.answered')}</span>
            </span>
          )}
          {message.receipt === 'read' && (
            <span className="mail-icon mail-icon-receipt" title={t('mail.list.receiptRead')}>
              <Icon name="receipt" />
              <span className="visually-hidden">, {t('mail.list.receiptRead')}</span>
            </span>
          )}
          {message.receipt === 'asked' && (
            <span className="mail-icon" title={t('mail.list.receiptAsked')}>
              <Icon name="receipt" />
              <span className="visually-hidden">, {t('mail.list.receiptAsked')}</span>
            </span>
          )}
          {message.patientId !== null && (
            <span className="mail-icon" title={t('mail.list.patient')}>
              <Icon name="patient" />
              <span className="visually-hidden">, {t('mail.list.patient')}</span>
            </span>
          )}
        </span>
        <span className="mail-row-date">
          <span className="visually-hidden">, </span>
          {listDate(message.date, Date.now(), locale)}
        </span>
      </span>
      <span className="mail-row-line mail-row-subject">{message.subject || t('mail.list.noSubject')}</span>
      <span className="mail-row-line mail-row-snippet">{message.snippet}</span>
    </div>
  );
}
