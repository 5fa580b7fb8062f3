import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TransferResult } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import { isSignedIn, useCard } from '../lock/useCard.js';

type Outcome = { kind: 'none' } | { kind: 'busy' } | { kind: 'result'; result: TransferResult } | { kind: 'call-error'; code: ApiCallError['code'] };

/**
 * Réglages › Nouvelle carte CPS: shown while signed in with another card in a reader. The vault
 * is re-protected for the new card with that card's PIN (read once from an uncontrolled field,
 * cleared at once, sent once — never kept in React state).
 */
export function CardTransfer() {
  const { t } = useTranslation();
  const card = useCard();
  const id = useId();
  const pinField = useRef<HTMLInputElement>(null);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const [slot, setSlot] = useState('');
  if (!isSignedIn(card) || card.view.otherSlots.length === 0) return null;
  const slots = card.view.otherSlots;
  const chosen = slots.includes(slot) ? slot : (slots[0] ?? '');

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (outcome.kind === 'busy' || !pinField.current) return;
    const pin = pinField.current.value;
    pinField.current.value = '';
    if (!/^\d{4}$/.test(pin)) {
      setOutcome({ kind: 'result', result: { result: 'pin-format', message: t('settings.transfer.format') } });
      return;
    }
    setOutcome({ kind: 'busy' });
    invoke('vault.transferToCard', { slotId: chosen, pin }).then(
      (result) => setOutcome({ kind: 'result', result }),
      (error: unknown) => setOutcome({ kind: 'call-error', code: error instanceof ApiCallError ? error.code : 'INTERNAL' }),
    );
  };

  const done = outcome.kind === 'result' && outcome.result.result === 'transferred';
  const problem =
    outcome.kind === 'call-error'
      ? t(`errors.${outcome.code}`)
      : outcome.kind === 'result' && outcome.result.result !== 'transferred'
        ? outcome.result.result === 'wrong-pin'
          ? t(outcome.result.pinStatus === 'final-try' ? 'settings.transfer.wrongPinFinal' : 'settings.transfer.wrongPin')
          : outcome.result.message
        : null;

  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="card-transfer">
      <h2 id={`${id}-h`}>{t('settings.transfer.legend')}</h2>
      <p className="field-note">{t('settings.transfer.note')}</p>
      <form onSubmit={onSubmit}>
        {slots.length > 1 && (
          <div className="field">
            <label htmlFor={`${id}-slot`}>{t('settings.transfer.slot')}</label>
            <select id={`${id}-slot`} value={chosen} onChange={(e) => setSlot(e.target.value)}>
              {slots.map((s, index) => (
                <option key={s} value={s}>
                  {t('settings.transfer.slotName', { number: index + 1 })}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-pin`}>{t('settings.transfer.pin')}</label>
          <input
            id={`${id}-pin`}
            ref={pinField}
            data-testid="transfer-pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            className="pin-input"
          />
        </div>
        <button type="submit" className="button" data-testid="transfer-submit" disabled={outcome.kind === 'busy'}>
          {t('settings.transfer.submit')}
        </button>
      </form>
      <p role="status" className="field-feedback" data-testid="transfer-status">
        {outcome.kind === 'busy' && t('settings.transfer.busy')}
        {done && t('settings.transfer.done')}
      </p>
      {problem !== null && (
        <p role="alert" className="field-error" lang={outcome.kind === 'result' && outcome.result.result !== 'wrong-pin' ? 'fr' : undefined}>
          {problem}
        </p>
      )}
    </section>
  );
}
