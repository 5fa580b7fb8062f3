import type { MailFolderView } from '../../../shared/api/index.js';

/** The special folders every mailbox has, in the order the folder list shows them. */
export const SPECIAL_FOLDERS = ['inbox', 'sent', 'drafts', 'archive', 'junk', 'trash'] as const;
export type SpecialFolder = (typeof SPECIAL_FOLDERS)[number];

const BY_FLAG: Readonly<Record<string, SpecialFolder>> = {
  '\\inbox': 'inbox',
  '\\sent': 'sent',
  '\\drafts': 'drafts',
  '\\archive': 'archive',
  '\\junk': 'junk',
  '\\trash': 'trash',
};

/** IMAP special-use flag (RFC 6154, plus `\Inbox`), or INBOX by name, → the folder's role. */
export function specialOf(folder: Pick<MailFolderView, 'path' | 'specialUse'>): SpecialFolder | null {
  if (folder.specialUse) {
    const found = BY_FLAG[folder.specialUse.toLowerCase()];
    if (found) return found;
  }
  return folder.path.toUpperCase() === 'INBOX' ? 'inbox' : null;
}

/** Special folders first in a fixed order, then the others by name (French collation). */
export function sortFolders(folders: readonly MailFolderView[]): MailFolderView[] {
  const rank = (f: MailFolderView): number => {
    const special = specialOf(f);
    return special === null ? SPECIAL_FOLDERS.length : SPECIAL_FOLDERS.indexOf(special);
  };
  return [...folders].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, 'fr'));
}

/** The folder shown first: the inbox, else the first one. */
export function defaultFolder(folders: readonly MailFolderView[]): string | null {
  return (folders.find((f) => specialOf(f) === 'inbox') ?? folders[0])?.path ?? null;
}

/** Sent and drafts list recipients, not senders. */
export function showsRecipients(folder: Pick<MailFolderView, 'path' | 'specialUse'> | undefined): boolean {
  const special = folder ? specialOf(folder) : null;
  return special === 'sent' || special === 'drafts';
}
