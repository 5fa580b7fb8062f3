import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { recoveryGroups } from './format.js';

/**
 * Shown once, right after the sign-in that created the professional's vault. The code lives in
 * the App's state only until "Continuer": it is never written anywhere by the renderer.
 */
export function RecoveryCodeDialog({ code, onDone }: { code: string; onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [noted, setNoted] = useState(false);
  const titleRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => titleRef.current?.focus(), []);
  const groups = recoveryGroups(code);
  return (
    <div className="lock-layer" data-testid="recovery-dialog">
      <section className="lock-panel" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`}>
        <h1 id={`${id}-title`} ref={titleRef} tabIndex={-1} className="lock-title">
          {t('card.recovery.title')}
        </h1>
        <p id={`${id}-body`}>{t('card.recovery.body')}</p>
        <p className="recovery-code" data-testid="recovery-code">
          {groups.map((group, index) => (
            <span key={index}>
              {index > 0 && ' '}
              <span className="recovery-group">{group}</span>
            </span>
          ))}
        </p>
        <p className="field-note">{t('card.recovery.where')}</p>
        <div className="checkbox-field">
          <input id={`${id}-noted`} type="checkbox" data-testid="recovery-noted" checked={noted} onChange={(e) => setNoted(e.target.checked)} />
          <label htmlFor={`${id}-noted`}>{t('card.recovery.noted')}</label>
        </div>
        <div className="button-row">
          <button type="button" className="button button-primary" data-testid="recovery-continue" disabled={!noted} onClick={onDone}>
            {t('card.recovery.continue')}
          </button>
        </div>
      </section>
    </div>
  );
}
