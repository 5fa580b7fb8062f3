import { useTranslation } from 'react-i18next';
import type { MailStatusView } from '../../../shared/api/index.js';
import { PscSignInButton } from '../psc/PscSignInButton.js';

/**
 * What the user must know about the mailbox, above the panes: no mailbox configured, offline
 * (the stored messages stay readable, sends wait), Pro Santé Connect needed, sync progress.
 */
export function MailBanners({ status, folderName }: { readonly status: MailStatusView | null; readonly folderName: (path: string) => string }) {
  const { t } = useTranslation();
  // A finished pass (n of n) is not news: the bar shows while there is something left to fetch.
  const syncing = status?.syncing && status.syncing.done < status.syncing.total ? status.syncing : null;
  const offline = status?.configured === true && status.connectivity === 'offline';
  return (
    <div className="mail-banners">
      <div role="status" className="mail-banner-live">
        {offline && (
          <p className="mail-banner mail-banner-offline" data-testid="mail-offline">
            {t('mail.banner.offline')}
          </p>
        )}
      </div>
      {status?.configured === false && (
        <p className="mail-banner" data-testid="mail-not-configured">
          {t('mail.banner.notConfigured')}
        </p>
      )}
      {status?.needsPscSignIn && (
        <div className="mail-banner mail-banner-psc" data-testid="mail-psc">
          <p>{t('mail.banner.psc')}</p>
          <PscSignInButton className="button button-primary button-small" />
        </div>
      )}
      {status?.message && !offline && (
        <p className="mail-banner" data-testid="mail-status-message">
          {status.message}
        </p>
      )}
      {syncing && (
        <div className="mail-sync" data-testid="mail-sync">
          <span id="mail-sync-label">{t('mail.sync.label', { folder: folderName(syncing.folder), done: syncing.done, total: syncing.total })}</span>
          <progress
            aria-labelledby="mail-sync-label"
            max={Math.max(syncing.total, 1)}
            value={Math.min(syncing.done, Math.max(syncing.total, 1))}
            data-testid="mail-sync-progress"
          />
        </div>
      )}
    </div>
  );
}
