import { useTranslation } from 'react-i18next';
import type { MailFolderView } from '../../../shared/api/index.js';
import { specialOf } from './folders.js';
import { Icon } from './Icon.js';

interface Props {
  readonly folders: readonly MailFolderView[];
  readonly current: string | null;
  readonly onSelect: (path: string) => void;
}

/** The folders, special ones named in French, with their unread counts; the shown one is `aria-current`. */
export function FolderList({ folders, current, onSelect }: Props) {
  const { t } = useTranslation();
  return (
    <nav className="mail-folders" aria-label={t('mail.folders.label')}>
      <ul>
        {folders.map((folder) => {
          const special = specialOf(folder);
          const name = special ? t(`mail.folders.special.${special}`) : folder.name;
          // What one wrote oneself is not news: no unread count on Sent and Drafts.
          const unread = special === 'sent' || special === 'drafts' ? 0 : folder.unread;
          return (
            <li key={folder.path}>
              <button
                type="button"
                className="mail-folder"
                aria-current={folder.path === current ? 'true' : undefined}
                onClick={() => onSelect(folder.path)}
                data-testid="mail-folder"
                data-folder={special ?? folder.path}
              >
                <Icon name={special ?? 'folder'} />
                <span className="mail-folder-name">{name}</span>
                {unread > 0 && (
                  <span className="mail-folder-unread">
                    {unread}
                    <span className="visually-hidden"> {t('mail.folders.unread', { count: unread })}</span>
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
