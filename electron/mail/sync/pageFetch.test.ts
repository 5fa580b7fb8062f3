import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { announcesAttachment, listFolder, pagesOf, rangesOf, toPending, toSequenceSet, uidRanges } from './pageFetch.js';

describe('page planning', () => {
  it('compacts UID sets', () => {
    expect(toSequenceSet([1, 2, 3, 5, 7, 8])).toBe('1:3,5,7:8');
    expect(toSequenceSet([42])).toBe('42');
    expect(toSequenceSet([])).toBe('');
  });

  it('cuts pages by count and bytes, newest page first, each page ascending', () => {
    const items = [1, 2, 3, 4, 5, 6, 7].map((uid) => ({ uid, size: uid === 6 ? 900 : 100 }));
    expect(pagesOf(items, 3, 10_000)).toEqual([[5, 6, 7], [2, 3, 4], [1]]);
    // A page never exceeds the byte cap unless one message alone does.
    expect(pagesOf(items, 10, 999)).toEqual([[7], [6], [1, 2, 3, 4, 5]]);
    expect(pagesOf([], 10, 10)).toEqual([]);
    expect(rangesOf(items, 3, 10_000)).toEqual([{ set: '5:7', minUid: 5 }, { set: '2:4', minUid: 2 }, { set: '1', minUid: 1 }]);
  });

  it('splits a folder into UID ranges from EXISTS and UIDNEXT, newest first, the last one open', () => {
    expect(uidRanges(10_000, 10_001, 2_000)).toEqual([
      { set: '8001:*', minUid: 8001 },
      { set: '6001:8000', minUid: 6001 },
      { set: '4001:6000', minUid: 4001 },
      { set: '2001:4000', minUid: 2001 },
      { set: '1:2000', minUid: 1 },
    ]);
    expect(uidRanges(3, 4, 2_000)).toEqual([{ set: '1:*', minUid: 1 }]);
    expect(uidRanges(0, 50, 2_000)).toEqual([]);
  });
});

describe('folder listing', () => {
  /** A folder as a UID FETCH sees it: "a:b" and "a:*" (which also matches the highest UID below a). */
  function folder(uids: readonly number[]) {
    const ranges: string[] = [];
    const c = {
      async *fetch(range: string) {
        ranges.push(range);
        const [a = '0', b = '*'] = range.split(':');
        const max = Math.max(...uids);
        for (const uid of uids) if ((uid >= Number(a) && (b === '*' || uid <= Number(b))) || (b === '*' && uid === max)) yield { uid, size: uid * 10 };
      },
    } as unknown as ImapFlow;
    return { c, ranges };
  }

  it('lists in UID ranges of about the chunk size, every UID once, ascending', async () => {
    const uids = Array.from({ length: 5_000 }, (_, i) => 3 * i + 1);
    const { c, ranges } = folder(uids);
    const listed = await listFolder(c, uids.length, 15_000, 2_000);
    expect(ranges).toEqual(['10001:*', '5001:10000', '1:5000']);
    expect(listed.map((m) => m.uid)).toEqual(uids);
    expect(listed[1]).toEqual({ uid: 4, size: 40 });
  });

  it('copes with UIDs far below UIDNEXT (the open range matches the highest one) and with an empty folder', async () => {
    const { c } = folder([2, 5]);
    expect((await listFolder(c, 2, 900, 1)).map((m) => m.uid)).toEqual([2, 5]);
    expect(await listFolder(c, 0, 900)).toEqual([]);
  });
});

describe('what a fetched message lists before parsing', () => {
  it('announces attachments from the top Content-Type (parsing corrects it)', () => {
    const mail = (ct: string) => Buffer.from(`From: a@b.test\r\nContent-Type: ${ct}\r\n\r\ncorps`);
    expect(announcesAttachment(mail('multipart/mixed; boundary="b"'))).toBe(true);
    expect(announcesAttachment(Buffer.from('From: a@b.test\r\nContent-Type:\r\n  Multipart/Report; report-type=disposition-notification\r\n\r\n'))).toBe(true);
    expect(announcesAttachment(mail('multipart/alternative; boundary="b"'))).toBe(false);
    expect(announcesAttachment(mail('text/plain'))).toBe(false);
    expect(announcesAttachment(Buffer.from('From: a@b.test\r\n\r\nContent-Type: multipart/mixed\r\n'))).toBe(false);
    expect(announcesAttachment(undefined)).toBe(false);
  });

  it('maps the envelope, flags and source; the source owns its memory', () => {
    const pool = Buffer.from('xxxxFrom: a\r\n\r\ncorps');
    const m = {
      seq: 1,
      uid: 12,
      flags: new Set(['\\Seen', '\\Recent']),
      internalDate: new Date('2026-11-20T10:00:00Z'),
      size: 16,
      envelope: {
        date: new Date('2026-11-20T09:59:00Z'),
        subject: 'Résultats',
        messageId: '<r@x.test>',
        inReplyTo: '<q@x.test>',
        from: [{ name: 'Dr Durand', address: 'dr.durand@hopital.test' }],
        to: [{ address: 'dr.martin@medecin.test' }],
        cc: [{ name: 'Secrétariat', address: 'secretariat@medecin.test' }],
      },
      source: pool.subarray(4),
    } as unknown as FetchMessageObject;
    const p = toPending(m);
    expect(p).toMatchObject({ uid: 12, messageId: '<r@x.test>', date: Date.parse('2026-11-20T09:59:00Z'), from: 'dr.durand@hopital.test', to: ['dr.martin@medecin.test'], cc: ['secretariat@medecin.test'], subject: 'Résultats', inReplyTo: '<q@x.test>', flags: ['\\Seen'], size: 16, hasAttachments: false });
    expect(p.raw.byteLength).toBe(16);
    expect(p.raw.buffer.byteLength).toBe(16);
    expect(Buffer.from(p.raw).toString()).toBe('From: a\r\n\r\ncorps');
    // No Date header: the internal date.
    expect(toPending({ ...m, envelope: { ...m.envelope, date: undefined } } as unknown as FetchMessageObject).date).toBe(Date.parse('2026-11-20T10:00:00Z'));
  });
});
