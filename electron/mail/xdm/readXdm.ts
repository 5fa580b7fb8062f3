import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { parseSourcePatientInfo, parseXdsPatientId, type IncomingIdentity } from '../../identity/incomingIdentity.js';
import type { InsMode } from '../../identity/insOid.js';
import { matchAgainstRegistry } from '../../identity/patientMatchQuery.js';
import type { MatchResult } from '../../identity/patientMatcher.js';
import type { PatientStore } from '../../identity/patientStore.js';
import { asArray, parseXmlSafely, pick, text, UnsafeXmlError } from '../../identity/xmlSafe.js';
import { XdmError } from './xdmErrors.js';
import { XDS } from './xdsIds.js';

/**
 * Reads an IHE_XDM.ZIP received by mail (IHE ITI-32), entirely in memory: nothing is ever
 * written to disk here, and the caller decides what to store in the vault.
 *
 * Refused, each with its own `XdmError` code: names that are absolute, contain `..`, `.`, empty
 * segments, backslashes, drive letters or control characters (`traversal`), symlinks
 * (`traversal`), the same name twice, case folded (`duplicate-entry`), encrypted entries,
 * compression other than stored/deflate, too many entries, an entry or a total over the caps
 * (`too-large`), an inflated/compressed ratio over the cap (`ratio`). Sizes and ratio are checked
 * on the central directory first, then again on the bytes actually inflated, chunk by chunk
 * (a lying header does not help: the stream is cut as soon as a cap is passed), and the CRC-32
 * and the declared size are checked at the end. Only METADATA.XML files and the documents they
 * reference are inflated.
 */
export interface XdmLimits {
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
  /** Inflated / compressed. */
  readonly maxRatio: number;
  /** Below this many inflated bytes the ratio is not checked (small text files compress well). */
  readonly ratioFloorBytes: number;
  readonly maxMetadataBytes: number;
}

export const DEFAULT_XDM_LIMITS: XdmLimits = {
  maxEntries: 200,
  maxEntryBytes: 30 * 1024 * 1024,
  maxTotalBytes: 50 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 64 * 1024,
  maxMetadataBytes: 2 * 1024 * 1024,
};

export interface XdmCode {
  readonly code: string;
  readonly scheme: string | null;
  readonly displayName: string | null;
}

export interface XdmDocument {
  /** Archive path, e.g. `IHE_XDM/SUBSET01/DOC0001.XML`. */
  readonly path: string;
  readonly entryUuid: string;
  readonly uniqueId: string | null;
  readonly mimeType: string;
  readonly title: string | null;
  /** The CX as written, e.g. `INS^^^&OID&ISO^NH`. */
  readonly patientId: string | null;
  readonly identity: IncomingIdentity;
  readonly typeCode: XdmCode | null;
  readonly classCode: XdmCode | null;
  readonly formatCode: XdmCode | null;
  /** SHA-1 hex of `bytes`, computed here. */
  readonly hash: string;
  readonly size: number;
  readonly bytes: Buffer;
}

export interface XdmSubset {
  /** e.g. `IHE_XDM/SUBSET01`. */
  readonly folder: string;
  readonly metadataXml: string;
  readonly submissionSetPatientId: string | null;
  readonly documents: readonly XdmDocument[];
}

export interface XdmContent {
  readonly subsets: readonly XdmSubset[];
  /** All documents of all subsets. */
  readonly documents: readonly XdmDocument[];
}

// ---------------------------------------------------------------------------------------------
// Names

function decodeName(entry: Entry): string {
  const raw = entry.fileNameRaw;
  if ((entry.generalPurposeBitFlag & 0x800) !== 0) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw new XdmError('traversal', 'file name is not valid UTF-8');
    }
  }
  // CP437 without the UTF-8 flag: only ASCII is read as such, anything else is kept as latin1
  // (IHE XDM names are ASCII; such names can only fail to match, never escape).
  return raw.toString('latin1');
}

/** The name, checked: a relative path of plain segments. Directories end with `/`. */
export function checkEntryName(name: string): string {
  const bad = (why: string): never => {
    throw new XdmError('traversal', why);
  };
  if (name === '' || name.length > 512) bad('empty or overlong name');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) bad('control character in name');
  if (name.includes('\\')) bad('backslash in name');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) bad('absolute path');
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) bad('relative segment');
  if (segments.some((s) => s.includes(':'))) bad('colon in name');
  return name;
}

function isSymlink(entry: Entry): boolean {
  const unix = entry.versionMadeBy >> 8 === 3;
  return unix && ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000;
}

// ---------------------------------------------------------------------------------------------
// The archive

function openZip(buffer: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, decodeStrings: false, validateEntrySizes: false, autoClose: false }, (err, zip) => {
      if (err !== null || zip === undefined) reject(new XdmError('not-a-zip', err?.message ?? 'no zip'));
      else resolve(zip);
    });
  });
}

interface Listed {
  readonly name: string;
  readonly entry: Entry;
}

function listEntries(zip: ZipFile, limits: XdmLimits): Promise<Listed[]> {
  if (zip.entryCount > limits.maxEntries) return Promise.reject(new XdmError('too-many-entries', `${zip.entryCount} entries`));
  return new Promise((resolve, reject) => {
    const listed: Listed[] = [];
    const seen = new Set<string>();
    let declaredTotal = 0;
    let done = false;
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      reject(error instanceof XdmError ? error : new XdmError('not-a-zip', error instanceof Error ? error.message : String(error)));
    };
    zip.on('error', fail);
    zip.on('end', () => {
      if (done) return;
      done = true;
      resolve(listed);
    });
    zip.on('entry', (entry: Entry) => {
      try {
        if (listed.length + 1 > limits.maxEntries) throw new XdmError('too-many-entries');
        const name = checkEntryName(decodeName(entry));
        if (isSymlink(entry)) throw new XdmError('traversal', 'symlink');
        if (entry.isEncrypted()) throw new XdmError('encrypted');
        const folded = name.toUpperCase();
        if (seen.has(folded)) throw new XdmError('duplicate-entry');
        seen.add(folded);
        if (!name.endsWith('/')) {
          if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw new XdmError('unsupported', `method ${entry.compressionMethod}`);
          if (entry.uncompressedSize > limits.maxEntryBytes) throw new XdmError('too-large', 'declared entry size');
          declaredTotal += entry.uncompressedSize;
          if (declaredTotal > limits.maxTotalBytes) throw new XdmError('too-large', 'declared total size');
          if (entry.uncompressedSize > limits.ratioFloorBytes && entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)) throw new XdmError('ratio', 'declared ratio');
          listed.push({ name, entry });
        } else if (entry.uncompressedSize !== 0) throw new XdmError('not-a-zip', 'directory with data');
        zip.readEntry();
      } catch (error) {
        fail(error);
      }
    });
    zip.readEntry();
  });
}

interface Budget {
  inflated: number;
}

/** Inflates one entry, counting the bytes that actually come out. */
function inflate(zip: ZipFile, item: Listed, limits: XdmLimits, budget: Budget, cap = limits.maxEntryBytes): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(item.entry, (err, stream) => {
      if (err !== null || stream === undefined) {
        reject(new XdmError('not-a-zip', err?.message ?? 'no stream'));
        return;
      }
      const chunks: Buffer[] = [];
      let count = 0;
      let done = false;
      const fail = (error: XdmError) => {
        if (done) return;
        done = true;
        stream.destroy();
        reject(error);
      };
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        count += chunk.length;
        budget.inflated += chunk.length;
        if (count > cap) fail(new XdmError('too-large', 'inflated entry size'));
        else if (budget.inflated > limits.maxTotalBytes) fail(new XdmError('too-large', 'inflated total size'));
        else if (count > limits.ratioFloorBytes && count > limits.maxRatio * Math.max(1, item.entry.compressedSize)) fail(new XdmError('ratio', 'inflated ratio'));
        else chunks.push(chunk);
      });
      stream.on('error', (e: Error) => fail(new XdmError('not-a-zip', e.message)));
      stream.on('end', () => {
        if (done) return;
        const bytes = Buffer.concat(chunks);
        if (bytes.length !== item.entry.uncompressedSize) return fail(new XdmError('not-a-zip', 'size differs from the central directory'));
        if (crc32(bytes) >>> 0 !== item.entry.crc32 >>> 0) return fail(new XdmError('not-a-zip', 'CRC-32 mismatch'));
        done = true;
        resolve(bytes);
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// METADATA.XML

const METADATA = /^IHE_XDM\/([^/]+)\/METADATA\.XML$/i;

function parseMetadata(xml: string, limits: XdmLimits): Record<string, unknown> {
  try {
    return parseXmlSafely(xml, {
      maxBytes: limits.maxMetadataBytes,
      arrays: ['ExtrinsicObject', 'RegistryPackage', 'Slot', 'Value', 'ExternalIdentifier', 'Classification', 'LocalizedString'],
    });
  } catch (error) {
    if (error instanceof UnsafeXmlError && error.reason === 'doctype') throw new XdmError('xml-entities');
    throw new XdmError('bad-metadata', error instanceof UnsafeXmlError ? error.reason : 'parse');
  }
}

function slotValues(obj: unknown, name: string): string[] {
  const slot = asArray(pick(obj, 'Slot')).find((s) => pick(s, '@name') === name);
  return asArray(pick(slot, 'ValueList', 'Value')).map((v) => text(v) ?? '');
}

function externalId(obj: unknown, scheme: string): string | null {
  const ids = asArray(pick(obj, 'ExternalIdentifier'));
  const v = pick(
    ids.find((i) => pick(i, '@identificationScheme') === scheme),
    '@value',
  );
  return typeof v === 'string' ? v.trim() : null;
}

function localized(obj: unknown): string | null {
  const v = pick(asArray(pick(obj, 'LocalizedString'))[0], '@value');
  return typeof v === 'string' ? v : null;
}

function classification(obj: unknown, scheme: string): XdmCode | null {
  const c = asArray(pick(obj, 'Classification')).find((x) => pick(x, '@classificationScheme') === scheme);
  const code = pick(c, '@nodeRepresentation');
  if (typeof code !== 'string') return null;
  return { code, scheme: slotValues(c, 'codingScheme')[0] ?? null, displayName: localized(pick(c, 'Name')) };
}

/** `URI` slot: one value, or several `n|part` values for long URIs (ITI TF-3 4.2.3.2.24). */
function uriOf(entry: unknown): string | null {
  const values = slotValues(entry, 'URI');
  if (values.length === 0) return null;
  if (values.length === 1 && !/^\d+\|/.test(values[0] ?? '')) return values[0]?.trim() ?? null;
  const parts = values.map((v) => /^(\d+)\|(.*)$/.exec(v)).filter((m): m is RegExpExecArray => m !== null);
  if (parts.length !== values.length) return null;
  return parts
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => m[2])
    .join('')
    .trim();
}

interface EntryMeta {
  readonly entryUuid: string;
  readonly uri: string;
  readonly mimeType: string;
  readonly hash: string | null;
  readonly size: number | null;
  readonly rest: Omit<XdmDocument, 'path' | 'hash' | 'size' | 'bytes' | 'entryUuid' | 'mimeType'>;
}

function readEntries(doc: Record<string, unknown>): { entries: EntryMeta[]; submissionSetPatientId: string | null } {
  const request = pick(doc, 'SubmitObjectsRequest') ?? pick(doc, 'ProvideAndRegisterDocumentSetRequest', 'SubmitObjectsRequest');
  const list = pick(request, 'RegistryObjectList');
  if (list === undefined) throw new XdmError('bad-metadata', 'no RegistryObjectList');
  const extrinsic = asArray(pick(list, 'ExtrinsicObject'));
  if (extrinsic.length === 0) throw new XdmError('bad-metadata', 'no ExtrinsicObject');
  const packages = asArray(pick(list, 'RegistryPackage'));
  const submissionSet = packages.find((p) => externalId(p, XDS.submissionSet.patientId) !== null);
  const entries = extrinsic.map((e): EntryMeta => {
    const entryUuid = pick(e, '@id');
    const mimeType = pick(e, '@mimeType');
    const uri = uriOf(e);
    if (typeof entryUuid !== 'string' || typeof mimeType !== 'string' || uri === null || uri === '') throw new XdmError('bad-metadata', 'document entry without id, mimeType or URI');
    const hash = slotValues(e, 'hash')[0]?.trim().toLowerCase() ?? null;
    const sizeText = slotValues(e, 'size')[0]?.trim();
    if (hash !== null && !/^[0-9a-f]{40}$/.test(hash)) throw new XdmError('bad-metadata', 'hash is not SHA-1 hex');
    if (sizeText !== undefined && !/^\d{1,12}$/.test(sizeText)) throw new XdmError('bad-metadata', 'size is not a number');
    const patientId = externalId(e, XDS.documentEntry.patientId);
    const identity: IncomingIdentity = {
      source: 'xdm',
      ins: patientId === null ? null : parseXdsPatientId(patientId),
      ...parseSourcePatientInfo(slotValues(e, 'sourcePatientInfo')),
    };
    return {
      entryUuid,
      uri,
      mimeType,
      hash,
      size: sizeText === undefined ? null : Number(sizeText),
      rest: {
        uniqueId: externalId(e, XDS.documentEntry.uniqueId),
        title: localized(pick(e, 'Name')),
        patientId,
        identity,
        typeCode: classification(e, XDS.documentEntry.typeCode),
        classCode: classification(e, XDS.documentEntry.classCode),
        formatCode: classification(e, XDS.documentEntry.formatCode),
      },
    };
  });
  return { entries, submissionSetPatientId: submissionSet === undefined ? null : externalId(submissionSet, XDS.submissionSet.patientId) };
}

// ---------------------------------------------------------------------------------------------

export async function readXdm(zipBytes: Buffer, overrides: Partial<XdmLimits> = {}): Promise<XdmContent> {
  const limits: XdmLimits = { ...DEFAULT_XDM_LIMITS, ...overrides };
  const zip = await openZip(zipBytes);
  try {
    const listed = await listEntries(zip, limits);
    const byName = new Map(listed.map((l) => [l.name.toUpperCase(), l]));
    const metadataFiles = listed.filter((l) => METADATA.test(l.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
    if (metadataFiles.length === 0) throw new XdmError('no-metadata');
    const budget: Budget = { inflated: 0 };
    const subsets: XdmSubset[] = [];
    for (const meta of metadataFiles) {
      const folder = meta.name.slice(0, meta.name.lastIndexOf('/'));
      const raw = await inflate(zip, meta, limits, budget, Math.min(limits.maxMetadataBytes, limits.maxEntryBytes));
      let xml: string;
      try {
        xml = new TextDecoder('utf-8', { fatal: true }).decode(raw);
      } catch {
        throw new XdmError('bad-metadata', 'not UTF-8');
      }
      const { entries, submissionSetPatientId } = readEntries(parseMetadata(xml, limits));
      const documents: XdmDocument[] = [];
      for (const e of entries) {
        // The URI is relative to the subset folder; it must not leave it.
        let relative: string;
        try {
          relative = checkEntryName(e.uri);
        } catch {
          throw new XdmError('traversal', 'document URI');
        }
        const path = `${folder}/${relative}`;
        const item = byName.get(path.toUpperCase());
        if (item === undefined) throw new XdmError('missing-document');
        const bytes = await inflate(zip, item, limits, budget);
        const hash = createHash('sha1').update(bytes).digest('hex');
        if ((e.hash !== null && e.hash !== hash) || (e.size !== null && e.size !== bytes.length)) throw new XdmError('hash-mismatch');
        documents.push({ path: item.name, entryUuid: e.entryUuid, mimeType: e.mimeType, hash, size: bytes.length, bytes, ...e.rest });
      }
      subsets.push({ folder, metadataXml: xml, submissionSetPatientId, documents });
    }
    return { subsets, documents: subsets.flatMap((s) => s.documents) };
  } finally {
    zip.close();
  }
}

/**
 * Which registry patient the archive belongs to, decided by the patient matcher (never here).
 * The identity is the first document entry's; when the archive speaks of more than one patient
 * (entries, or the submission set, disagree), an `attach` is turned into `ask-user`: nothing is
 * attached on a guess.
 */
export async function matchXdm(
  vault: Pick<PatientStore, 'patientCandidates' | 'patientById'>,
  xdm: XdmContent,
  mode: InsMode,
  currentPatientId: number | null = null,
): Promise<MatchResult> {
  const first = xdm.documents[0];
  if (first === undefined) return { decision: currentPatientId === null ? 'no-match' : 'ask-user', patientId: null, candidates: [], problems: ['ins-absent'] };
  const result = await matchAgainstRegistry(vault, first.identity, { mode, currentPatientId });
  const key = (d: XdmDocument) => JSON.stringify([d.patientId, d.identity]);
  const oneDocumentPatient = xdm.documents.every((d) => key(d) === key(first));
  const oneSetPatient = xdm.subsets.every((s) => s.submissionSetPatientId === null || s.submissionSetPatientId === first.patientId);
  if (result.decision === 'attach' && !(oneDocumentPatient && oneSetPatient)) return { ...result, decision: 'ask-user', patientId: null };
  return result;
}
