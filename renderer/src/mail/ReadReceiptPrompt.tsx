import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailMessageView } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';

type ReadReceipt = MailMessageView['readReceipt'];

/** The sender asked for a read receipt: the user sends it or not, once. */
export function ReadReceiptPrompt({ id, state, onAnswered }: { readonly id: number; readonly state: ReadReceipt; readonly onAnswered: (state: ReadReceipt) => void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const answer = (send: boolean) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    invoke('mail.answerReadReceipt', { id, send })
      .then(
        () => onAnswered(send ? 'sent' : 'declined'),
        (caught: unknown) => setError(t(`errors.${caught instanceof ApiCallError ? caught.code : 'INTERNAL'}`)),
      )
      .finally(() => setBusy(false));
  };
  if (state === 'none') return null;
  return (
    <div className="mail-notice" data-testid="mail-receipt-prompt">
      {state === 'asked' ? (
        <>
          <p>{t('mail.receipt.asked')}</p>
          <div className="button-row">
            <button type="button" className="button button-primary button-small" onClick={() => answer(true)} aria-disabled={busy || undefined} data-testid="mail-receipt-send">
              {t('mail.receipt.send')}
            </button>
            <button type="button" className="button button-small" onClick={() => answer(false)} aria-disabled={busy || undefined} data-testid="mail-receipt-decline">
              {t('mail.receipt.decline')}
            </button>
          </div>
        </>
      ) : null}
      <p role="status" data-testid="mail-receipt-state">
        {state === 'sent' ? t('mail.receipt.sent') : state === 'declined' ? t('mail.receipt.declined') : ''}
      </p>
      <div role="alert">{error && <p className="field-error">{error}</p>}</div>
    </div>
  );
}
