import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { SqliteDb } from './connection.js';

/**
 * The append-only, hash-chained audit trail: who read, sent or pushed what, and when. Each
 * record's hash covers its canonical JSON and the previous hash, so editing, inserting or
 * deleting a record breaks the chain from that point. Triggers (migration 0001) refuse UPDATE
 * and DELETE through any connection that has not dropped them.
 *
 * Limit: anyone holding the vault key can rewrite the whole chain. Signed exports (below) are
 * the anchor: `verifyAudit(db, { anchor })` checks that an exported head is still there.
 */

export interface AuditEntry {
  /** idNat of the professional (e.g. "810012345678"). */
  readonly actor: string;
  readonly action: 'message.read' | 'message.sent' | 'document.pushed' | 'document.read' | 'patient.read' | 'vault.unlocked' | 'audit.exported';
  readonly subjectType: 'message' | 'document' | 'patient' | 'vault' | 'audit';
  /** A row id or an opaque identifier: never a name or an INS. */
  readonly subjectId: string;
}

export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly at: number;
  readonly prevHash: string;
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Keys sorted, fixed field set: the same bytes whatever the JavaScript object's key order. */
export function canonicalJson(r: Omit<AuditRecord, 'hash'>): string {
  return JSON.stringify({
    action: r.action,
    actor: r.actor,
    at: r.at,
    prev_hash: r.prevHash,
    seq: r.seq,
    subject_id: r.subjectId,
    subject_type: r.subjectType,
  });
}

export function auditHash(r: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(r)).digest('hex');
}

const SELECT = 'select seq, at, actor, action, subject_type as subjectType, subject_id as subjectId, prev_hash as prevHash, hash from audit_log';

export function createAuditRepository(db: SqliteDb, now: () => number = Date.now) {
  const last = db.prepare('select seq, hash from audit_log order by seq desc limit 1');
  const insert = db.prepare('insert into audit_log (seq, at, actor, action, subject_type, subject_id, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?)');
  const from = db.prepare(`${SELECT} where seq >= ? order by seq`);

  // Read-then-insert in one (immediate) transaction: the single writer makes the chain linear.
  const append = db.transaction((entry: AuditEntry): AuditRecord => {
    const head = last.get() as { seq: number; hash: string } | undefined;
    const base = { ...entry, seq: (head?.seq ?? 0) + 1, at: now(), prevHash: head?.hash ?? GENESIS_HASH };
    const record: AuditRecord = { ...base, hash: auditHash(base) };
    insert.run(record.seq, record.at, record.actor, record.action, record.subjectType, record.subjectId, record.prevHash, record.hash);
    return record;
  });

  return {
    appendAudit: (entry: AuditEntry): AuditRecord => append.immediate(entry),
    auditRecords: (args: { fromSeq?: number } = {}): AuditRecord[] => from.all(args.fromSeq ?? 1) as AuditRecord[],
    verifyAudit: (args: { anchor?: { seq: number; hash: string } } = {}): AuditVerdict => verifyRecords(from.iterate(1) as Iterable<AuditRecord>, args.anchor),
  };
}

export type AuditVerdict = { ok: true; count: number; head: string } | { ok: false; seq: number; reason: 'gap' | 'hash' | 'chain' | 'anchor' };

/** Walks the chain: consecutive seq from 1, each hash recomputed, each link to the previous. */
export function verifyRecords(records: Iterable<AuditRecord>, anchor?: { seq: number; hash: string }): AuditVerdict {
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let anchorSeen = anchor === undefined;
  for (const r of records) {
    if (r.seq !== expectedSeq) return { ok: false, seq: expectedSeq, reason: 'gap' };
    if (r.prevHash !== prev) return { ok: false, seq: r.seq, reason: 'chain' };
    if (auditHash(r) !== r.hash) return { ok: false, seq: r.seq, reason: 'hash' };
    if (anchor !== undefined && r.seq === anchor.seq) {
      if (r.hash !== anchor.hash) return { ok: false, seq: r.seq, reason: 'anchor' };
      anchorSeen = true;
    }
    prev = r.hash;
    expectedSeq += 1;
  }
  if (!anchorSeen) return { ok: false, seq: anchor?.seq ?? 0, reason: 'anchor' };
  return { ok: true, count: expectedSeq - 1, head: prev };
}

/** Signs the export: the card's signature key in the product, a node crypto key in tests. */
export interface Signer {
  /** e.g. 'RSA-PKCS1-SHA256': how a verifier checks the detached signature. */
  readonly algorithm: string;
  /** The signer's certificate (DER), written beside the signature so anyone can verify it. */
  readonly certificate?: Buffer;
  sign(data: Buffer): Promise<Buffer>;
}

/**
 * Writes `file` (one canonical JSON record per line, with its hash) and `file.sig` (a detached
 * signature over exactly those bytes). Returns the head, to keep as a verification anchor.
 */
export async function exportAudit(records: readonly AuditRecord[], signer: Signer, file: string): Promise<{ count: number; head: string; signatureFile: string }> {
  const verdict = verifyRecords(records);
  if (!verdict.ok) throw new Error(`audit chain broken at seq ${verdict.seq} (${verdict.reason})`);
  const lines = records.map((r) => `${JSON.stringify({ ...JSON.parse(canonicalJson(r)), hash: r.hash })}\n`).join('');
  const bytes = Buffer.from(lines, 'utf8');
  const signature = await signer.sign(bytes);
  fs.writeFileSync(file, bytes, { mode: 0o600 });
  const signatureFile = `${file}.sig`;
  fs.writeFileSync(
    signatureFile,
    JSON.stringify({
      algorithm: signer.algorithm,
      signature: signature.toString('base64'),
      ...(signer.certificate ? { certificate: signer.certificate.toString('base64') } : {}),
    }),
    { mode: 0o600 },
  );
  return { count: verdict.count, head: verdict.head, signatureFile };
}
