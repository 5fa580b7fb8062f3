import { describe, expect, it } from 'vitest';
import { openTestDb } from '../testSupport.js';
import { createMailParseRepository, type ParsedCompletion, type PendingMessage } from './mailParse.js';
import { createMailSyncRepository } from './mailSync.js';
import { createMessageRepository } from './messages.js';

const pending = (uid: number, overrides: Partial<PendingMessage> = {}): PendingMessage => ({
  uid, messageId: `<m${uid}@x.test>`, date: 1_000 + uid, from: 'dr.durand@hopital.test', to: ['dr.martin@medecin.test'], cc: ['secretariat@medecin.test'],
  subject: `Échographie ${uid}`, inReplyTo: null, flags: [], size: 100, hasAttachments: false, raw: Buffer.from(`source ${uid}`), ...overrides,
});

const done = (id: number, overrides: Partial<ParsedCompletion> = {}): ParsedCompletion => ({
  id, bodyText: `Compte rendu détaillé numéro ${id}`, bodyHtml: null, remoteContentBlocked: false, mimeError: null, cc: ['secretariat@medecin.test'], hasAttachments: false,
  headerBlock: 'From: dr.durand@hopital.test', inReplyTo: null, referencesIds: [], dispositionNotificationTo: null, returnPath: null, readReceiptAsked: false,
  attachments: [], receipt: null, xdm: null, ...overrides,
});

function setup() {
  const { db } = openTestDb();
  return { db, parse: createMailParseRepository(db), sync: createMailSyncRepository(db, () => 1), messages: createMessageRepository(db) };
}

describe('mail parse repository', () => {
  it('lists pending messages at once, searchable by subject, and skips known UIDs', () => {
    const { parse, messages } = setup();
    const ids = parse.storePendingMessages({ folder: 'INBOX', messages: [pending(1), pending(2)] });
    expect(ids).toHaveLength(2);
    expect(parse.storePendingMessages({ folder: 'INBOX', messages: [pending(2), pending(3)] })).toHaveLength(1);
    expect(messages.inboxPage({ folder: 'INBOX' }).map((m) => m.subject)).toEqual(['Échographie 3', 'Échographie 2', 'Échographie 1']);
    expect(messages.searchMessages({ query: 'echographie' })).toHaveLength(3);
    expect(parse.countPendingParses()).toBe(3);
  });

  it('hands out pending sources in id order, by count and by bytes (at least one)', () => {
    const { parse } = setup();
    const [a, b, c] = parse.storePendingMessages({ folder: 'INBOX', messages: [pending(1, { size: 600 }), pending(2, { size: 600 }), pending(3, { size: 600 })] }) as [number, number, number];
    expect(parse.pendingParses({ afterId: 0, limit: 2, maxBytes: 10_000 }).map((p) => p.id)).toEqual([a, b]);
    expect(parse.pendingParses({ afterId: a, limit: 10, maxBytes: 1_000 }).map((p) => p.id)).toEqual([b]);
    expect(parse.pendingParses({ afterId: 0, limit: 10, maxBytes: 1 }).map((p) => p.id)).toEqual([a]);
    const [first] = parse.pendingParses({ afterId: b, limit: 10, maxBytes: 10_000 });
    expect(first?.id).toBe(c);
    expect(Buffer.from(first?.raw ?? []).toString()).toBe('source 3');
    expect(parse.pendingParse(c)?.folder).toBe('INBOX');
  });

  it('completes a message: body, snippet, FTS, attachments, raw dropped; idempotent', () => {
    const { db, parse, messages, sync } = setup();
    const [id] = parse.storePendingMessages({ folder: 'INBOX', messages: [pending(1)] }) as [number];
    const pdf = new Uint8Array([37, 80, 68, 70]);
    const result = parse.completeParsedMessages({ messages: [done(id, { attachments: [{ filename: 'cr.pdf', mime: 'application/pdf', contentId: null, data: pdf }], hasAttachments: true })] });
    expect(result).toEqual({ ids: [id], folders: ['INBOX'] });
    expect(parse.completeParsedMessages({ messages: [done(id)] })).toEqual({ ids: [], folders: [] });
    expect(messages.getMessage(id)).toMatchObject({ snippet: `Compte rendu détaillé numéro ${id}`, bodyText: `Compte rendu détaillé numéro ${id}` });
    expect(messages.searchMessages({ query: 'détaillé' }).map((m) => m.id)).toEqual([id]);
    expect(messages.searchMessages({ query: 'echographie' }).map((m) => m.id)).toEqual([id]);
    expect(sync.messageAttachments(id)).toEqual([expect.objectContaining({ filename: 'cr.pdf', size: 4 })]);
    expect(db.prepare('select parse_state as s, raw, has_attachments as a, cc from messages where id = ?').get(id)).toEqual({ s: 'parsed', raw: null, a: 1, cc: '["secretariat@medecin.test"]' });
    expect(parse.pendingParse(id)).toBeNull();
    expect(parse.countPendingParses()).toBe(0);
  });

  it('keeps the source of a malformed message, and a deleted one is skipped', () => {
    const { db, parse, sync } = setup();
    const [a, b] = parse.storePendingMessages({ folder: 'INBOX', messages: [pending(1), pending(2)] }) as [number, number];
    sync.removeExpunged({ folder: 'INBOX', uids: [2] });
    const result = parse.completeParsedMessages({ messages: [done(a, { mimeError: 'boundary-not-found', bodyText: '[Message mal formé…]' }), done(b)] });
    expect(result.ids).toEqual([a]);
    expect(db.prepare('select parse_state as s, length(raw) as n, mime_error as e, snippet from messages where id = ?').get(a)).toEqual({ s: 'parsed', n: 8, e: 'boundary-not-found', snippet: '' });
  });

  it('records read-receipt requests (not in Sent), receipts and XDM rows', () => {
    const { db, parse, sync } = setup();
    sync.saveFolderSyncState({ path: 'Sent', specialUse: '\\Sent', uidValidity: 1, highestModseq: '1', uidNext: 2 });
    const [asked] = parse.storePendingMessages({ folder: 'INBOX', messages: [pending(1)] }) as [number];
    const [own] = parse.storePendingMessages({ folder: 'Sent', messages: [pending(1)] }) as [number];
    const [mdn, xdm] = parse.storePendingMessages({ folder: 'INBOX', messages: [pending(2), pending(3)] }) as [number, number];
    const receipt = { originalMessageId: '<envoi@medecin.test>', recipient: 'dr.petit@clinique.test', disposition: 'processed', at: 5 };
    parse.completeParsedMessages({
      messages: [
        done(asked, { readReceiptAsked: true, dispositionNotificationTo: 'dr.durand@hopital.test', returnPath: 'dr.durand@hopital.test' }),
        done(own, { readReceiptAsked: true }),
        done(mdn, { receipt }),
        done(xdm, { xdm: { documents: [{ title: 'CR', typeCode: '11502-2', mimeType: 'text/xml', uniqueId: '1.2.3', patientId: 'p' }], patientIds: ['p'], match: 'pending', message: null } }),
      ],
    });
    expect(db.prepare('select id, read_receipt as r, disposition_notification_to as d from messages order by id').all()).toEqual([
      { id: asked, r: 'asked', d: 'dr.durand@hopital.test' },
      { id: own, r: 'none', d: null },
      { id: mdn, r: 'none', d: null },
      { id: xdm, r: 'none', d: null },
    ]);
    // The same receipt arriving twice (a resync after a UIDVALIDITY change) is one row.
    const [again] = parse.storePendingMessages({ folder: 'INBOX', messages: [pending(9)] }) as [number];
    parse.completeParsedMessages({ messages: [done(again, { receipt })] });
    expect(db.prepare('select original_message_id as o, recipient, disposition, at, mdn_message as m from mail_receipts').all()).toEqual([{ o: '<envoi@medecin.test>', recipient: 'dr.petit@clinique.test', disposition: 'processed', at: 5, m: mdn }]);
    expect(db.prepare('select message_id as m, match, patient_ids as p, json_extract(documents, \'$[0].typeCode\') as t from message_xdm').all()).toEqual([{ m: xdm, match: 'pending', p: '["p"]', t: '11502-2' }]);
  });
});
