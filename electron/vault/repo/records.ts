import type { SqliteDb } from '../connection.js';

/** Patients, attachments and documents: lean repositories, enough for the later issues. */

export type IdentityStatus = 'provisoire' | 'recuperee' | 'validee' | 'qualifiee';
export interface PatientInput {
  readonly ins: string;
  readonly oid: string;
  /** INS traits (birth name, first names, sex, birth date, birthplace code) as given. */
  readonly traits: Readonly<Record<string, string>>;
  readonly status: IdentityStatus;
}
export interface Patient extends PatientInput {
  readonly id: number;
  readonly updatedAt: number;
}

export interface AttachmentInput {
  readonly messageId: number;
  readonly filename: string;
  readonly mime: string;
  readonly data: Uint8Array;
}

export interface DocumentInput {
  readonly patientId: number;
  readonly uniqueId: string;
  readonly kind: string;
  readonly title: string;
  readonly mime: string;
  readonly createdAt: number;
  readonly data: Uint8Array;
}
export interface DocumentSummary {
  readonly id: number;
  readonly uniqueId: string;
  readonly kind: string;
  readonly title: string;
  readonly createdAt: number;
  readonly dmpStatus: string;
}

export const PATIENT_DOCUMENTS_SQL = `select id, unique_id as uniqueId, kind, title, created_at as createdAt, dmp_status as dmpStatus
  from documents where patient_id = ? order by created_at desc limit ?`;

export function createRecordRepository(db: SqliteDb, now: () => number = Date.now) {
  const upsert = db.prepare(`insert into patients (ins, oid, traits, status, updated_at) values (?, ?, ?, ?, ?)
    on conflict (ins, oid) do update set traits = excluded.traits, status = excluded.status, updated_at = excluded.updated_at
    returning id`);
  const patientById = db.prepare('select id, ins, oid, traits, status, updated_at as updatedAt from patients where id = ?');
  const insertAttachment = db.prepare('insert into attachments (message_id, filename, mime, size, data) values (?, ?, ?, ?, ?)');
  const attachmentById = db.prepare('select id, message_id as messageId, filename, mime, data from attachments where id = ?');
  const insertDocument = db.prepare(`insert into documents (patient_id, unique_id, kind, title, mime, created_at, data) values (?, ?, ?, ?, ?, ?, ?)`);
  const documents = db.prepare(PATIENT_DOCUMENTS_SQL);

  return {
    upsertPatient(p: PatientInput): number {
      const row = upsert.get(p.ins, p.oid, JSON.stringify(p.traits), p.status, now()) as { id: number };
      return row.id;
    },
    getPatient(id: number): Patient | null {
      const row = patientById.get(id) as (Omit<Patient, 'traits'> & { traits: string }) | undefined;
      return row === undefined ? null : { ...row, traits: JSON.parse(row.traits) as Record<string, string> };
    },
    addAttachment(a: AttachmentInput): number {
      return Number(insertAttachment.run(a.messageId, a.filename, a.mime, a.data.byteLength, Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength)).lastInsertRowid);
    },
    getAttachment(id: number): (Omit<AttachmentInput, 'data'> & { id: number; data: Buffer }) | null {
      return (attachmentById.get(id) as (Omit<AttachmentInput, 'data'> & { id: number; data: Buffer }) | undefined) ?? null;
    },
    addDocument(d: DocumentInput): number {
      const data = Buffer.from(d.data.buffer, d.data.byteOffset, d.data.byteLength);
      return Number(insertDocument.run(d.patientId, d.uniqueId, d.kind, d.title, d.mime, d.createdAt, data).lastInsertRowid);
    },
    patientDocuments(args: { patientId: number; limit?: number }): DocumentSummary[] {
      return documents.all(args.patientId, args.limit ?? 100) as DocumentSummary[];
    },
  };
}
