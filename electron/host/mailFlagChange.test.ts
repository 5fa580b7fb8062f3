import { describe, expect, it } from 'vitest';
import { mailMessageSchema } from '../../shared/api/index.js';
import type { Vault } from '../vault/client.js';
import type { MailboxMessage } from '../vault/repo/mailbox.js';
import { changeFlag } from './mailFlagChange.js';
import type { MailSession } from './mailSession.js';
import { bareAddress, messageView } from './mailViews.js';
import type { OutboxSession } from './outboxSession.js';

function setup(location: { folder: string; uid: number | null; flags: string[] } | null, online: boolean) {
  const written: { id: number; flags: readonly string[] }[] = [];
  const queued: unknown[] = [];
  const stored: string[] = [];
  const vault = {
    messageLocation: async () => location,
    setMessageFlags: async (args: { id: number; flags: readonly string[] }) => {
      written.push(args);
    },
  } as unknown as Vault;
  const mail = {
    storeFlag: async (id: number, flag: string, on: boolean) => {
      if (online) stored.push(`${id} ${flag} ${on}`);
      return online;
    },
  } as unknown as MailSession;
  const outbox = {
    current: () => ({}),
    queueFlag: async (change: unknown) => {
      queued.push(change);
      return 1;
    },
  } as unknown as OutboxSession;
  return { deps: { vault, mail, outbox }, written, queued, stored };
}

describe('a flag change, wherever the mailbox is', () => {
  it('online: STORE through the sync (which writes the vault), nothing queued', async () => {
    const t = setup({ folder: 'INBOX', uid: 4, flags: [] }, true);
    expect(await changeFlag(t.deps, 9, '\\Seen', true)).toBe('INBOX');
    expect(t.stored).toEqual(['9 \\Seen true']);
    expect(t.written).toEqual([]);
    expect(t.queued).toEqual([]);
  });

  it('offline: the vault now, and a job for later', async () => {
    const t = setup({ folder: 'INBOX', uid: 4, flags: ['\\Flagged', '\\Seen'] }, false);
    expect(await changeFlag(t.deps, 9, '\\Flagged', false)).toBe('INBOX');
    expect(t.written).toEqual([{ id: 9, flags: ['\\Seen'] }]);
    expect(t.queued).toEqual([{ messageRowId: 9, folder: 'INBOX', uid: 4, flag: '\\Flagged', on: false }]);
  });

  it('a local row (not on the server): the vault only; no change: nothing at all', async () => {
    const local = setup({ folder: 'Outbox', uid: null, flags: [] }, true);
    expect(await changeFlag(local.deps, 3, '\\Seen', true)).toBe('Outbox');
    expect(local.stored).toEqual([]);
    expect(local.written).toEqual([{ id: 3, flags: ['\\Seen'] }]);
    expect(local.queued).toEqual([]);
    const same = setup({ folder: 'INBOX', uid: 4, flags: ['\\Seen'] }, true);
    expect(await changeFlag(same.deps, 3, '\\Seen', true)).toBeNull();
    expect([...same.stored, ...same.written, ...same.queued]).toEqual([]);
  });

  it('refuses a message that is not there', async () => {
    const t = setup(null, true);
    await expect(changeFlag(t.deps, 3, '\\Seen', true)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('message views', () => {
  const base: MailboxMessage = {
    id: 1,
    folder: 'INBOX',
    date: 1,
    from: 'Dr X <x@h.test>',
    to: ['y@h.test'],
    subject: 'S'.repeat(3000),
    snippet: 'n',
    flags: ['\\Seen', '\\Answered'],
    hasAttachments: false,
    receiptsBack: false,
    patientId: null,
    uid: 1,
    cc: [],
    messageId: '<a@h.test>',
    bodyText: 'b',
    bodyHtml: null,
    remoteContentBlocked: false,
    mimeError: null,
    parseState: 'parsed',
    headerBlock: null,
    inReplyTo: null,
    references: [],
    dispositionNotificationTo: null,
    returnPath: null,
    readReceipt: 'none',
    attachments: [],
    receipts: [],
    xdm: { documents: [{ path: 'IHE_XDM/SUBSET01/DOC0001.XML', typeCode: { code: '11502-2' } }], patientIds: [], match: 'pending', message: null },
  };

  it('fit the contract whatever the mail held, and never show a pending archive as decided', () => {
    const view = messageView(base);
    expect(mailMessageSchema.safeParse(view).success).toBe(true);
    expect(view).toMatchObject({ seen: true, answered: true, flagged: false, subject: 'S'.repeat(2000) });
    expect(view.xdm).toEqual({ documents: [{ title: 'IHE_XDM/SUBSET01/DOC0001.XML', typeCode: '11502-2' }], match: 'to-review', message: expect.stringMatching(/en cours/) });
  });

  it('reads the address out of a display form', () => {
    expect(bareAddress('Dr Durand <dr.durand@hopital.test>')).toBe('dr.durand@hopital.test');
    expect(bareAddress(' dr.durand@hopital.test ')).toBe('dr.durand@hopital.test');
  });
});
