import { describe, expect, it } from 'vitest';
import { openTestDb } from '../testSupport.js';
import { migrate, MIGRATIONS } from './index.js';
import { migration0006 } from './0006_mailparse.js';

const V = MIGRATIONS.indexOf(migration0006);

describe('migration 0006_mailparse', () => {
  it('keeps existing messages as parsed, derives `seen` from the flags, and adds receipts and XDM tables', () => {
    expect(V).toBe(5);
    const { db } = openTestDb({ migrateTo: V });
    const insert = db.prepare(`insert into messages (folder, uid, date, "from", "to", subject, snippet, body_text, flags) values ('INBOX', ?, 1, 'a', '[]', 's', 's', 'b', ?)`);
    insert.run(1, '["\\\\Seen"]');
    insert.run(2, '["\\\\Flagged"]');
    expect(migrate(db, V + 1)).toBe(V + 1);
    expect(db.prepare('select uid, seen, parse_state as p, cc, read_receipt as r from messages order by uid').all()).toEqual([
      { uid: 1, seen: 1, p: 'parsed', cc: '[]', r: 'none' },
      { uid: 2, seen: 0, p: 'parsed', cc: '[]', r: 'none' },
    ]);
    expect(db.prepare("select count(*) as n from messages where folder = 'INBOX' and seen = 0").get()).toEqual({ n: 1 });
    expect(() => db.prepare("update messages set parse_state = 'maybe' where uid = 1").run()).toThrow(/CHECK/);
    expect(() => db.prepare("update messages set read_receipt = 'later' where uid = 1").run()).toThrow(/CHECK/);

    const receipt = db.prepare("insert into mail_receipts (original_message_id, recipient, disposition, at) values ('<a@b>', 'dr.durand@hopital.test', 'displayed', 1)");
    receipt.run();
    expect(() => receipt.run()).toThrow(/UNIQUE/);
    db.prepare("insert into message_xdm (message_id, documents, match) values (1, '[]', 'pending')").run();
    expect(() => db.prepare("insert into message_xdm (message_id, documents, match) values (2, '[]', 'guessed')").run()).toThrow(/CHECK/);
    db.prepare('delete from messages where uid = 1').run();
    expect(db.prepare('select count(*) as n from message_xdm').get()).toEqual({ n: 0 });
  });
});
