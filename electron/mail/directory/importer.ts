import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DIRECTORY_MAILBOX_TYPES, type DirectoryEntryInput, type DirectoryMailboxType, type DirectoryStatus } from '../../vault/repo/directory.js';
import { DirectoryFormatError, mapColumns, type ColumnMap, type DirectoryField } from './columns.js';

/**
 * Streaming import of the Annuaire Santé `Extraction_Correspondance_MSSante_AAAAMMJJhhmm.txt`
 * (pipe-separated, one header row, one line per mailbox, ~90 MB) into the vault.
 *
 * - Read in 256 KiB chunks (each parsed in ~20 ms: the main thread stays responsive), never the whole file; lines are cut on the byte 0x0A, so a chunk
 *   boundary inside a multi-byte character is harmless.
 * - Encoding: ANS publishes its extractions in UTF-8 (older ones, and files re-saved by hand,
 *   may be Windows-1252 / Latin-1). A leading BOM is dropped. Each chunk is decoded as strict
 *   UTF-8; a chunk that is not valid UTF-8 is decoded line by line, the invalid lines as
 *   Windows-1252 (counted in `latin1Lines`), so "Hélène" is right either way.
 * - A bad line is counted and reported (line number + French reason), never fatal.
 * - Written through the vault in batches into a staging table; the live directory is replaced
 *   only by the final commit (one transaction). Any failure or cancellation aborts the staging
 *   and leaves the previous directory as it was.
 */

/** The vault methods the importer needs (`Vault` from `openVault()` satisfies it). */
export interface DirectoryImportTarget {
  directoryImportBegin(): Promise<{ importId: string }>;
  directoryImportBatch(args: { importId: string; entries: readonly DirectoryEntryInput[] }): Promise<number>;
  directoryImportCommit(args: { importId: string; source: string; malformed: number }): Promise<DirectoryStatus>;
  directoryImportAbort(args: { importId: string }): Promise<void>;
}

export interface ImportProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly entries: number;
  readonly malformed: number;
}

export interface MalformedLine {
  /** 1-based, the header being line 1. */
  readonly line: number;
  readonly reason: string;
}

export interface DirectoryImportReport {
  readonly status: DirectoryStatus;
  readonly entries: number;
  readonly malformed: number;
  /** The first `maxReportedLines` bad lines (the count above is complete). */
  readonly malformedLines: readonly MalformedLine[];
  readonly latin1Lines: number;
  readonly ignoredColumns: readonly string[];
  readonly bytes: number;
  readonly ms: number;
}

export interface DirectoryImportOptions {
  /** The text file; with `input`, only its base name is used (the default source). */
  readonly file: string;
  /** The text already opened elsewhere (the extraction inflated out of the ANS ZIP). */
  readonly input?: { readonly stream: Readable; readonly totalBytes: number };
  readonly target: DirectoryImportTarget;
  /** Called after each chunk (every 256 KiB) for the progress bar. */
  readonly onProgress?: (progress: ImportProgress) => void;
  readonly signal?: AbortSignal;
  /** Entries per vault transaction (default 5,000). */
  readonly batchSize?: number;
  /** Default 1,000: the report stays small on a wrong file. */
  readonly maxReportedLines?: number;
  /**
   * Above this share of bad lines the file is refused as a whole (default 0.5): a wrong file or a
   * broken export must not replace a good directory with a handful of rows.
   */
  readonly maxMalformedRatio?: number;
  /** Name recorded in the directory status (default: the file's base name). */
  readonly source?: string;
}

export class DirectoryImportAborted extends Error {
  override readonly name = 'DirectoryImportAborted';
  readonly userMessage = 'Import de l’annuaire annulé. L’annuaire précédent est conservé.';
  constructor() {
    super('directory import aborted');
  }
}

const CHUNK = 256 * 1024;
const TYPES = new Set<string>(DIRECTORY_MAILBOX_TYPES);
const ADDRESS = /^[^\s@|]+@[^\s@|]+\.[^\s@|]+$/;

/** Turns one split line into an entry, or a French reason why it cannot be one. */
export function parseFields(fields: string[], columns: ColumnMap): DirectoryEntryInput | string {
  if (fields.length === columns.width + 1 && fields[fields.length - 1]?.trim() === '') fields.pop();
  if (fields.length !== columns.width) return `${fields.length} champ${fields.length > 1 ? 's' : ''} au lieu de ${columns.width}`;
  const get = (field: DirectoryField): string | null => {
    const i = columns.index.get(field);
    if (i === undefined) return null;
    const v = fields[i]?.trim() ?? '';
    return v === '' ? null : v;
  };
  const address = get('adresseBal');
  if (address === null) return 'adresse BAL vide';
  if (!ADDRESS.test(address)) return `adresse BAL invalide « ${address.slice(0, 80)} »`;
  const type = get('typeBal')?.toUpperCase() ?? null;
  if (type === null) return 'type de BAL vide';
  if (!TYPES.has(type)) return `type de BAL inconnu « ${type.slice(0, 20)} » (attendu PER, ORG, APP ou CAB)`;
  const lastName = get('nomExercice');
  const structure = get('raisonSociale') ?? get('enseigneCommerciale');
  if (lastName === null && structure === null) return 'ni nom d’exercice ni raison sociale';
  const acheminement = get('ligneAcheminement');
  let postalCode = get('codePostal');
  let city = acheminement;
  const leading = acheminement === null ? null : /^(\d{5})\s+(.*)$/.exec(acheminement);
  if (leading !== null) {
    postalCode ??= leading[1] ?? null;
    city = leading[2] ?? null;
  }
  return {
    address,
    type: type as DirectoryMailboxType,
    rpps: get('identifiantPp'),
    idNat: get('identificationNationalePp'),
    civility: get('civiliteExercice'),
    lastName,
    firstName: get('prenomExercice'),
    professionCode: get('codeProfession'),
    profession: get('libelleProfession'),
    specialty: get('libelleSavoirFaire'),
    structure,
    structureId: get('identificationStructure'),
    service: get('serviceRattachement'),
    postalCode,
    city,
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const cp1252 = new TextDecoder('windows-1252');

/** Decodes complete lines; returns the text and how many lines needed the Latin-1 fallback. */
function decodeLines(bytes: Buffer): { text: string; latin1: number } {
  try {
    return { text: utf8.decode(bytes), latin1: 0 };
  } catch {
    let latin1 = 0;
    const parts: string[] = [];
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(0x0a, start);
      end = end === -1 ? bytes.length : end + 1;
      const line = bytes.subarray(start, end);
      try {
        parts.push(utf8.decode(line));
      } catch {
        latin1 += 1;
        parts.push(cp1252.decode(line));
      }
      start = end;
    }
    return { text: parts.join(''), latin1 };
  }
}

/** A function, not an inline test: the compiler would otherwise narrow `aborted` for good. */
const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

export async function importDirectoryExtraction(options: DirectoryImportOptions): Promise<DirectoryImportReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 5000;
  const maxReported = options.maxReportedLines ?? 1000;
  const { signal, target, input } = options;
  const totalBytes = input?.totalBytes ?? (await fs.promises.stat(options.file)).size;
  if (isAborted(signal)) {
    input?.stream.destroy();
    throw new DirectoryImportAborted();
  }

  let columns: ColumnMap | null = null;
  let lineNo = 0;
  let entries = 0;
  let malformed = 0;
  let latin1Lines = 0;
  let bytesRead = 0;
  const malformedLines: MalformedLine[] = [];
  let batch: DirectoryEntryInput[] = [];
  let importId: string | null = null;

  const bad = (line: number, reason: string) => {
    malformed += 1;
    if (malformedLines.length < maxReported) malformedLines.push({ line, reason });
  };
  const flush = async () => {
    if (batch.length === 0 || importId === null) return;
    const entriesToWrite = batch;
    batch = [];
    await target.directoryImportBatch({ importId, entries: entriesToWrite });
  };
  const handleLine = (raw: string) => {
    lineNo += 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (columns === null) {
      columns = mapColumns(line.replace(/^\uFEFF/, ''));
      return;
    }
    if (line.trim() === '') return;
    const parsed = parseFields(line.split('|'), columns);
    if (typeof parsed === 'string') bad(lineNo, parsed);
    else {
      batch.push(parsed);
      entries += 1;
    }
  };

  const stream: Readable = input?.stream ?? fs.createReadStream(options.file, { highWaterMark: CHUNK });
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      bytesRead += chunk.length;
      const buf = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const last = buf.lastIndexOf(0x0a);
      if (last === -1) {
        pending = buf;
        continue;
      }
      pending = Buffer.from(buf.subarray(last + 1));
      const { text, latin1 } = decodeLines(buf.subarray(0, last + 1));
      latin1Lines += latin1;
      const lines = text.split('\n');
      lines.pop(); // the empty string after the final '\n'
      for (const line of lines) {
        handleLine(line);
        // The header is checked before anything is staged: a wrong file costs no vault write.
        if (importId === null && columns !== null) importId = (await target.directoryImportBegin()).importId;
        if (batch.length >= batchSize) await flush();
      }
      options.onProgress?.({ bytesRead, totalBytes, entries, malformed });
    }
    if (pending.length > 0) {
      const { text, latin1 } = decodeLines(pending);
      latin1Lines += latin1;
      handleLine(text);
      if (importId === null && columns !== null) importId = (await target.directoryImportBegin()).importId;
    }
    signal?.throwIfAborted();
    if (columns === null) throw new DirectoryFormatError('empty-file', 'Le fichier de l’annuaire est vide\u00a0: aucune ligne d’en-tête. L’annuaire actuel est conservé.');
    await flush();
    if (entries === 0) {
      throw new DirectoryFormatError('no-valid-entry', `Aucune boîte aux lettres valide dans ce fichier (${malformed} ligne${malformed > 1 ? 's' : ''} rejetée${malformed > 1 ? 's' : ''}). L’annuaire actuel est conservé.`);
    }
    const ratio = options.maxMalformedRatio ?? 0.5;
    if (malformed / (entries + malformed) > ratio) {
      throw new DirectoryFormatError('too-many-malformed', `Trop de lignes illisibles dans ce fichier (${malformed} sur ${entries + malformed})\u00a0: ce n’est probablement pas la bonne extraction. L’annuaire actuel est conservé.`);
    }
    options.onProgress?.({ bytesRead, totalBytes, entries, malformed });
    const id: string = importId ?? '';
    const status = await target.directoryImportCommit({ importId: id, source: options.source ?? path.basename(options.file), malformed });
    importId = null;
    return { status, entries, malformed, malformedLines, latin1Lines, ignoredColumns: (columns as ColumnMap).ignored, bytes: bytesRead, ms: performance.now() - started };
  } catch (error) {
    stream.destroy();
    if (importId !== null) await target.directoryImportAbort({ importId }).catch(() => undefined);
    if (signal?.aborted === true) throw new DirectoryImportAborted();
    throw error;
  }
}
