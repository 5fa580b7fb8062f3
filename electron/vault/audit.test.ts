import { generateKeyPairSync, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { auditHash, createAuditRepository, exportAudit, type AuditEntry } from './audit.js';
import { openDatabase } from './connection.js';
import { openTestDb, tempDir } from './testSupport.js';

const entry = (i: number): AuditEntry => ({ actor: '810012345678', action: 'message.read', subjectType: 'message', subjectId: String(i) });

/** A vault with 5 records, and a raw connection (same key) whose triggers are dropped. */
function tamperable() {
  const { db, file, key } = openTestDb();
  const audit = createAuditRepository(db);
  for (let i = 1; i <= 5; i += 1) audit.appendAudit(entry(i));
  db.close();
  const raw = openDatabase({ file, key: Buffer.from(key) });
  raw.exec('drop trigger audit_log_no_update; drop trigger audit_log_no_delete;');
  return { raw, verify: () => createAuditRepository(raw).verifyAudit() };
}

describe('audit trail', () => {
  it('chains records and verifies an intact trail', () => {
    const { db } = openTestDb();
    const audit = createAuditRepository(db, () => 1_700_000_000_000);
    const first = audit.appendAudit(entry(1));
    const second = audit.appendAudit(entry(2));
    expect(first.prevHash).toBe('0'.repeat(64));
    expect(second.prevHash).toBe(first.hash);
    expect(audit.verifyAudit()).toEqual({ ok: true, count: 2, head: second.hash });
    expect(audit.verifyAudit({ anchor: { seq: 1, hash: first.hash } }).ok).toBe(true);
  });

  it('detects an edited record', () => {
    const { raw, verify } = tamperable();
    raw.prepare("update audit_log set subject_id = '999' where seq = 3").run();
    expect(verify()).toEqual({ ok: false, seq: 3, reason: 'hash' });
  });

  it('detects an edited record whose hash was recomputed (the chain breaks at the next one)', () => {
    const { raw, verify } = tamperable();
    const row = raw.prepare('select seq, at, actor, action, subject_type as subjectType, subject_id as subjectId, prev_hash as prevHash from audit_log where seq = 3').get() as Parameters<typeof auditHash>[0];
    const forged = { ...row, subjectId: '999' };
    raw.prepare("update audit_log set subject_id = '999', hash = ? where seq = 3").run(auditHash(forged));
    expect(verify()).toEqual({ ok: false, seq: 4, reason: 'chain' });
  });

  it('detects a deleted record', () => {
    const { raw, verify } = tamperable();
    raw.prepare('delete from audit_log where seq = 2').run();
    expect(verify()).toMatchObject({ ok: false, seq: 2, reason: 'gap' });
  });

  it('detects an inserted record', () => {
    const { raw, verify } = tamperable();
    raw.exec('update audit_log set seq = seq + 100 where seq >= 3; update audit_log set seq = seq - 99 where seq >= 103;');
    const prev = raw.prepare('select hash from audit_log where seq = 2').get() as { hash: string };
    const forged = { ...entry(42), seq: 3, at: 1, prevHash: prev.hash };
    raw.prepare('insert into audit_log values (?, ?, ?, ?, ?, ?, ?, ?)').run(3, 1, forged.actor, forged.action, forged.subjectType, forged.subjectId, forged.prevHash, auditHash(forged));
    expect(verify()).toEqual({ ok: false, seq: 4, reason: 'chain' });
  });

  it('detects a truncated tail against an exported anchor', () => {
    const { raw } = tamperable();
    const head = raw.prepare('select seq, hash from audit_log where seq = 5').get() as { seq: number; hash: string };
    raw.prepare('delete from audit_log where seq = 5').run();
    expect(createAuditRepository(raw).verifyAudit({ anchor: head })).toMatchObject({ ok: false, reason: 'anchor' });
  });

  it('exports JSON lines with a detached signature that verifies', async () => {
    const { db } = openTestDb();
    const audit = createAuditRepository(db);
    for (let i = 1; i <= 3; i += 1) audit.appendAudit(entry(i));
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const file = path.join(tempDir(), 'audit.jsonl');
    const result = await exportAudit(audit.auditRecords(), { algorithm: 'RSA-PKCS1-SHA256', sign: async (data) => sign('sha256', data, privateKey) }, file);
    expect(result.count).toBe(3);
    const bytes = fs.readFileSync(file);
    expect(bytes.toString().trim().split('\n')).toHaveLength(3);
    const sig = JSON.parse(fs.readFileSync(result.signatureFile, 'utf8')) as { signature: string };
    expect(verify('sha256', bytes, publicKey, Buffer.from(sig.signature, 'base64'))).toBe(true);
    bytes[10] = bytes[10] === 0x41 ? 0x42 : 0x41;
    expect(verify('sha256', bytes, publicKey, Buffer.from(sig.signature, 'base64'))).toBe(false);
  });

  it('is not readable without the key', () => {
    const { db, file } = openTestDb();
    createAuditRepository(db).appendAudit(entry(1));
    db.close();
    const plain = new Database(file);
    expect(() => plain.prepare('select * from audit_log').all()).toThrow(/not a database/);
    plain.close();
  });
});
