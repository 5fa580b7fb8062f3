import { describe, expect, it } from 'vitest';
import type { MailFolderView } from '../../../shared/api/index.js';
import { defaultFolder, showsRecipients, sortFolders, specialOf } from './folders.js';

const f = (path: string, specialUse: string | null = null): MailFolderView => ({ path, name: path.split('/').at(-1) ?? path, specialUse, total: 0, unread: 0 });

describe('folders', () => {
  it('knows the special folders by flag, and INBOX by name', () => {
    expect(specialOf(f('INBOX'))).toBe('inbox');
    expect(specialOf(f('Envoyés', '\\Sent'))).toBe('sent');
    expect(specialOf(f('Junk', '\\Junk'))).toBe('junk');
    expect(specialOf(f('Cardiologie'))).toBeNull();
  });

  it('puts the special folders first in a fixed order, then the others by French collation', () => {
    const sorted = sortFolders([f('Trash', '\\Trash'), f('Écho'), f('Sent', '\\Sent'), f('Archives', '\\Archive'), f('INBOX'), f('Biologie'), f('Drafts', '\\Drafts')]);
    expect(sorted.map((x) => x.path)).toEqual(['INBOX', 'Sent', 'Drafts', 'Archives', 'Trash', 'Biologie', 'Écho']);
  });

  it('opens the inbox first, and lists recipients in Sent and Drafts', () => {
    expect(defaultFolder([f('Sent', '\\Sent'), f('INBOX')])).toBe('INBOX');
    expect(defaultFolder([])).toBeNull();
    expect(showsRecipients(f('Sent', '\\Sent'))).toBe(true);
    expect(showsRecipients(f('INBOX'))).toBe(false);
  });
});
