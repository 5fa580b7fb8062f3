import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { isExtractionName, openExtraction, type ZipLimits } from './extractionSource.js';
import { DirectorySourceError, type DirectorySourceCode } from './sourceErrors.js';

const NAME = 'Extraction_Correspondance_MSSante_202611200000.txt';
const CONTENT = `Type de BAL|Adresse BAL\n${'PER|jean.martin@medecin.mssante.fr\n'.repeat(2000)}`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-zipsource-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type ZipItem = { name: string; data: Buffer | string; mode?: number; store?: boolean };

async function zipOf(items: readonly ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const item of items) {
    zip.addBuffer(Buffer.isBuffer(item.data) ? item.data : Buffer.from(item.data), item.name, { ...(item.mode !== undefined ? { mode: item.mode } : {}), compress: item.store !== true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Every local (PK\3\4) and central (PK\1\2) header, for patching fields yazl will not write. */
function headers(zip: Buffer): { local: number[]; central: number[] } {
  const local: number[] = [];
  const central: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i += 1) {
    const sig = zip.readUInt32LE(i);
    if (sig === 0x04034b50) local.push(i);
    else if (sig === 0x02014b50) central.push(i);
  }
  return { local, central };
}

let serial = 0;
function write(bytes: Buffer | string, name = `f${(serial += 1)}.zip`): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function readAll(file: string, limits: Partial<ZipLimits> = {}): Promise<{ name: string; total: number; text: string; kind: string }> {
  const source = await openExtraction(file, limits);
  try {
    return { name: source.name, total: source.totalBytes, kind: source.kind, text: await text(await source.open()) };
  } finally {
    source.close();
  }
}

async function refusal(file: string, limits: Partial<ZipLimits> = {}): Promise<DirectorySourceCode> {
  try {
    await readAll(file, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(DirectorySourceError);
    expect((error as DirectorySourceError).userMessage).toMatch(/L’annuaire actuel est conservé\.$/);
    return (error as DirectorySourceError).code;
  }
  throw new Error('accepted');
}

describe('the extraction inside the ANS ZIP', () => {
  it('recognises the extraction by its name, dated or not, in any folder', () => {
    expect(isExtractionName(NAME)).toBe(true);
    expect(isExtractionName('annuaire/Extraction_Correspondance_MSSante.txt')).toBe(true);
    expect(isExtractionName('extraction_correspondance_mssante_202611200000.TXT')).toBe(true);
    expect(isExtractionName('Extraction_Correspondance_MSSante_202611200000.csv')).toBe(false);
    expect(isExtractionName('PS_LibreAcces_Personne_activite.txt')).toBe(false);
  });

  it('streams the one extraction out of a ZIP, ignoring the other files, with its inflated size', async () => {
    const file = write(await zipOf([{ name: 'LISEZMOI.txt', data: 'notice' }, { name: `export/${NAME}`, data: CONTENT }]));
    const read = await readAll(file);
    expect(read).toEqual({ name: NAME, total: Buffer.byteLength(CONTENT), kind: 'zip', text: CONTENT });
    // Stored (not deflated) entries too.
    expect((await readAll(write(await zipOf([{ name: NAME, data: CONTENT, store: true }])))).text).toBe(CONTENT);
  });

  it('accepts the plain text file, whatever its name', async () => {
    const file = write(CONTENT, 'annuaire.txt');
    expect(await readAll(file)).toEqual({ name: 'annuaire.txt', total: Buffer.byteLength(CONTENT), kind: 'text', text: CONTENT });
  });

  it('refuses a ZIP without an extraction, or with two', async () => {
    expect(await refusal(write(await zipOf([{ name: 'autre.txt', data: CONTENT }])))).toBe('no-extraction');
    expect(await refusal(write(await zipOf([{ name: NAME, data: CONTENT }, { name: 'Extraction_Correspondance_MSSante_202601010000.txt', data: CONTENT }])))).toBe('several-extractions');
  });

  it('refuses a damaged or truncated ZIP', async () => {
    const zip = await zipOf([{ name: NAME, data: CONTENT }]);
    expect(await refusal(write(zip.subarray(0, zip.length - 30)))).toBe('not-a-zip');
    // The data damaged but the directory intact: the CRC (or the inflater) catches it.
    const damaged = Buffer.from(zip);
    const { local } = headers(damaged);
    const dataStart = (local[0] ?? 0) + 30 + damaged.readUInt16LE((local[0] ?? 0) + 26) + damaged.readUInt16LE((local[0] ?? 0) + 28);
    for (let i = dataStart + 10; i < dataStart + 40; i += 1) damaged[i] = (damaged[i] ?? 0) ^ 0xff;
    expect(await refusal(write(damaged))).toBe('not-a-zip');
  });

  it('refuses path traversal and symlinks in any entry', async () => {
    const zip = await zipOf([{ name: 'xx/notice.txt', data: 'x' }, { name: NAME, data: CONTENT }]);
    const { local, central } = headers(zip);
    for (const at of [local[0] ?? 0, central[0] ?? 0]) {
      const nameAt = at + (at === local[0] ? 30 : 46);
      expect(zip.subarray(nameAt, nameAt + 2).toString()).toBe('xx');
      zip.write('..', nameAt);
    }
    expect(await refusal(write(zip))).toBe('unsafe-entry');
    expect(await refusal(write(await zipOf([{ name: 'lien', data: '/etc/passwd', mode: 0o120777 }, { name: NAME, data: CONTENT }])))).toBe('unsafe-entry');
  });

  it('refuses an encrypted extraction', async () => {
    const zip = await zipOf([{ name: NAME, data: CONTENT }]);
    const { local, central } = headers(zip);
    zip.writeUInt16LE(zip.readUInt16LE((local[0] ?? 0) + 6) | 1, (local[0] ?? 0) + 6);
    zip.writeUInt16LE(zip.readUInt16LE((central[0] ?? 0) + 8) | 1, (central[0] ?? 0) + 8);
    expect(await refusal(write(zip))).toBe('encrypted');
  });

  it('refuses bombs: declared ratio, declared size, and bytes that outgrow a lying header', async () => {
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const bomb = await zipOf([{ name: NAME, data: zeros }]);
    expect(await refusal(write(bomb))).toBe('ratio');
    expect(await refusal(write(await zipOf([{ name: NAME, data: CONTENT }])), { maxEntryBytes: 1000 })).toBe('too-large');

    // The central directory claims 1,000 bytes (under every cap): inflating is cut when it lies.
    const lying = Buffer.from(bomb);
    const { central } = headers(lying);
    lying.writeUInt32LE(1000, (central[0] ?? 0) + 24);
    expect(await refusal(write(lying))).toBe('too-large');

    // A lower ratio cap refuses ordinary text too: the cap is what decides.
    const ratioLimits = { maxRatio: 2, ratioFloorBytes: 1024 };
    expect(await refusal(write(await zipOf([{ name: NAME, data: CONTENT }])), ratioLimits)).toBe('ratio');
  });

  it('refuses a plain file over the size cap', async () => {
    expect(await refusal(write(CONTENT, 'gros.txt'), { maxEntryBytes: 100 })).toBe('too-large');
  });
});
