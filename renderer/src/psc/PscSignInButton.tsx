import { useTranslation } from 'react-i18next';
import { usePscSignIn } from './usePsc.js';

/**
 * « Se connecter avec Pro Santé Connect », for screens that need the PSC session (the
 * messaging screen when `mail.status.needsPscSignIn`). The outcome of the sign-in itself
 * arrives as `psc.changed`; this only reports a call that failed, and the web host's link.
 */
export function PscSignInButton({ className = 'button button-primary' }: { readonly className?: string }) {
  const { t } = useTranslation();
  const { outcome, busy, signIn } = usePscSignIn();
  return (
    <>
      <button type="button" className={className} data-testid="psc-sign-in-button" onClick={() => !busy && signIn()} aria-disabled={busy}>
        {t('psc.actions.signIn')}
      </button>
      {outcome?.kind === 'started' && outcome.openUrl && (
        <p className="field-note">
          {t('psc.panel.popupHint')}{' '}
          <a href={outcome.openUrl} target="_blank" rel="noopener noreferrer">
            {t('psc.panel.popupLink')}
          </a>
        </p>
      )}
      {outcome?.kind === 'error' && (
        <p role="alert" className="field-error">
          {outcome.code === 'LOCKED' ? t('psc.errors.locked') : t(`errors.${outcome.code}`)}
        </p>
      )}
    </>
  );
}
