import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { checkEntryName } from '../xdm/readXdm.js';
import { DirectorySourceError } from './sourceErrors.js';

/**
 * The extraction as the importer reads it, whether ANS distributes it as a ZIP holding
 * `Extraction_Correspondance_MSSante_AAAAMMJJhhmm.txt` or the text file was saved as is.
 *
 * A ZIP is read from disk with yauzl (central directory first, then one entry inflated as a
 * stream, never whole in memory). Refused before anything is inflated: a dangerous name in any
 * entry (absolute, `..`, backslash, symlink), too many entries, no or several extractions, an
 * encrypted extraction, a method other than stored/deflate, a declared size or ratio over the
 * caps. While inflating, the same caps are checked on the bytes that actually come out (a lying
 * header does not help), then the size and CRC-32 against the central directory.
 */
export interface ZipLimits {
  readonly maxEntries: number;
  /** The extraction is ~90 MB today; room to grow, not to explode. */
  readonly maxEntryBytes: number;
  /** Inflated / compressed; the real extraction compresses about 10:1. */
  readonly maxRatio: number;
  /** Below this many inflated bytes the ratio is not checked. */
  readonly ratioFloorBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 100,
  maxEntryBytes: 1024 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
};

export interface ExtractionSource {
  readonly kind: 'zip' | 'text';
  /** The extraction's file name (the entry's, for a ZIP), shown as the directory's source. */
  readonly name: string;
  /** Bytes of text the importer will read (the inflated size, for a ZIP). */
  readonly totalBytes: number;
  /** The text, once. Errors from the caps surface as stream errors (DirectorySourceError). */
  open(): Promise<Readable>;
  close(): void;
}

const EXTRACTION = /^Extraction_Correspondance_MSSante(?:_\d{8,14})?\.txt$/i;

export function isExtractionName(name: string): boolean {
  return EXTRACTION.test(name.slice(name.lastIndexOf('/') + 1));
}

async function startsLikeZip(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6);
  } finally {
    await handle.close();
  }
}

function isSymlink(entry: Entry): boolean {
  return entry.versionMadeBy >> 8 === 3 && ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000;
}

function entryName(entry: Entry): string {
  const raw = entry.fileNameRaw;
  if ((entry.generalPurposeBitFlag & 0x800) === 0) return raw.toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new DirectorySourceError('unsafe-entry', 'name not UTF-8');
  }
}

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: false, autoClose: false }, (err, zip) => {
      if (err !== null || zip === undefined) reject(new DirectorySourceError('not-a-zip', err?.message ?? 'no zip'));
      else resolve(zip);
    });
  });
}

/** Lists the central directory, checking every entry; resolves with the one extraction. */
function findExtraction(zip: ZipFile, limits: ZipLimits): Promise<{ entry: Entry; name: string }> {
  if (zip.entryCount > limits.maxEntries) return Promise.reject(new DirectorySourceError('not-a-zip', `${zip.entryCount} entries`));
  return new Promise((resolve, reject) => {
    const found: { entry: Entry; name: string }[] = [];
    let done = false;
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      reject(error instanceof DirectorySourceError ? error : new DirectorySourceError('not-a-zip', error instanceof Error ? error.message : 'listing'));
    };
    zip.on('error', fail);
    zip.on('end', () => {
      if (done) return;
      done = true;
      const [only, ...more] = found;
      if (only === undefined) reject(new DirectorySourceError('no-extraction'));
      else if (more.length > 0) reject(new DirectorySourceError('several-extractions', `${found.length} entries`));
      else resolve(only);
    });
    zip.on('entry', (entry: Entry) => {
      try {
        let name: string;
        try {
          name = checkEntryName(entryName(entry));
        } catch (error) {
          throw error instanceof DirectorySourceError ? error : new DirectorySourceError('unsafe-entry', 'entry name');
        }
        if (isSymlink(entry)) throw new DirectorySourceError('unsafe-entry', 'symlink');
        if (!name.endsWith('/') && isExtractionName(name)) {
          if (entry.isEncrypted()) throw new DirectorySourceError('encrypted');
          if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw new DirectorySourceError('unsupported', `method ${entry.compressionMethod}`);
          if (entry.uncompressedSize > limits.maxEntryBytes) throw new DirectorySourceError('too-large', 'declared entry size');
          if (entry.uncompressedSize > limits.ratioFloorBytes && entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)) throw new DirectorySourceError('ratio', 'declared ratio');
          found.push({ entry, name });
        }
        zip.readEntry();
      } catch (error) {
        fail(error);
      }
    });
    zip.readEntry();
  });
}

/** Counts what comes out of the inflater and cuts it as soon as a cap is passed. */
class CheckedInflate extends Transform {
  private count = 0;
  private crc = 0;
  constructor(
    private readonly entry: Entry,
    private readonly limits: ZipLimits,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    const { limits, entry } = this;
    if (this.count > limits.maxEntryBytes || this.count > entry.uncompressedSize) callback(new DirectorySourceError('too-large', 'inflated size'));
    else if (this.count > limits.ratioFloorBytes && this.count > limits.maxRatio * Math.max(1, entry.compressedSize)) callback(new DirectorySourceError('ratio', 'inflated ratio'));
    else {
      this.crc = crc32(chunk, this.crc);
      callback(null, chunk);
    }
  }
  override _flush(callback: TransformCallback): void {
    if (this.count !== this.entry.uncompressedSize) callback(new DirectorySourceError('not-a-zip', 'size differs from the central directory'));
    else if (this.crc >>> 0 !== this.entry.crc32 >>> 0) callback(new DirectorySourceError('not-a-zip', 'CRC-32 mismatch'));
    else callback();
  }
}

async function openZipExtraction(file: string, limits: ZipLimits): Promise<ExtractionSource> {
  const zip = await openZip(file);
  try {
    const { entry, name } = await findExtraction(zip, limits);
    return {
      kind: 'zip',
      name: name.slice(name.lastIndexOf('/') + 1),
      totalBytes: entry.uncompressedSize,
      open: () =>
        new Promise((resolve, reject) => {
          zip.openReadStream(entry, (err, stream) => {
            if (err !== null || stream === undefined) {
              reject(new DirectorySourceError('not-a-zip', err?.message ?? 'no stream'));
              return;
            }
            const checked = new CheckedInflate(entry, limits);
            stream.on('error', (e: Error) => checked.destroy(new DirectorySourceError('not-a-zip', e.message)));
            checked.on('close', () => stream.destroy());
            resolve(stream.pipe(checked));
          });
        }),
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** Opens a ZIP (by its signature, whatever its name) or a plain text extraction. */
export async function openExtraction(file: string, overrides: Partial<ZipLimits> = {}): Promise<ExtractionSource> {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...overrides };
  if (await startsLikeZip(file)) return openZipExtraction(file, limits);
  const { size } = await fs.promises.stat(file);
  if (size > limits.maxEntryBytes) throw new DirectorySourceError('too-large', 'text file size');
  return {
    kind: 'text',
    name: path.basename(file),
    totalBytes: size,
    open: async () => fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
    close: () => undefined,
  };
}
