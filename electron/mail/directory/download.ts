import { once } from 'node:events';
import fs from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DirectoryImportAborted } from './importer.js';
import { DirectorySourceError } from './sourceErrors.js';

/**
 * Downloads the Annuaire Santé extraction (the ANS ZIP, or a text file) to a temporary file:
 * streamed to disk (never whole in memory), with progress, cancellation, a total and an idle
 * timeout, a size cap, and https only (plain http to 127.0.0.1 only, for the tests' server).
 * Redirects are followed by hand (at most 5) so that each hop is checked like the first one.
 * The partial file is removed on any failure; the caller removes the complete one after import.
 */
export interface DownloadOptions {
  readonly url: string;
  readonly dest: string;
  /** The whole download (default 15 min). */
  readonly timeoutMs?: number;
  /** No byte for this long (default 60 s): a stalled connection, not a slow one. */
  readonly idleTimeoutMs?: number;
  /** Default 1 GiB. */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (bytesDone: number, bytesTotal: number | null) => void;
}

export interface DownloadResult {
  readonly bytes: number;
  /** The host the file came from (after redirects), for the directory's source. */
  readonly host: string;
}

const MAX_REDIRECTS = 5;

/** A function, not an inline test: the compiler would otherwise narrow `aborted` for good. */
const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/** https anywhere; http to 127.0.0.1 only. Throws `address-refused`. */
export function checkDownloadUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DirectorySourceError('address-refused', 'not a URL');
  }
  if (url.username !== '' || url.password !== '') throw new DirectorySourceError('address-refused', 'credentials in URL');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && url.hostname === '127.0.0.1') return url;
  throw new DirectorySourceError('address-refused', `scheme ${url.protocol}`);
}

class Counter extends Transform {
  bytes = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly onChunk: (bytes: number) => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(new DirectorySourceError('too-large', 'body over the cap'));
      return;
    }
    this.onChunk(this.bytes);
    callback(null, chunk);
  }
}

export async function downloadExtraction(options: DownloadOptions): Promise<DownloadResult> {
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const idleMs = options.idleTimeoutMs ?? 60_000;
  const maxBytes = options.maxBytes ?? 1024 * 1024 * 1024;
  let url = checkDownloadUrl(options.url);
  if (isAborted(options.signal)) throw new DirectoryImportAborted();

  const controller = new AbortController();
  let timedOut: 'total' | 'idle' | null = null;
  const expire = (kind: 'total' | 'idle') => {
    timedOut ??= kind;
    controller.abort();
  };
  const total = setTimeout(() => expire('total'), timeoutMs);
  let idle = setTimeout(() => expire('idle'), idleMs);
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => expire('idle'), idleMs);
  };
  const onCancel = () => controller.abort();
  options.signal?.addEventListener('abort', onCancel, { once: true });

  let headersReceived = false;
  let out: fs.WriteStream | undefined;
  try {
    let response: Response | undefined;
    for (let hop = 0; ; hop += 1) {
      response = await fetch(url, { signal: controller.signal, redirect: 'manual', headers: { accept: 'application/zip, text/plain, */*' } });
      touch();
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) break;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new DirectorySourceError('http-status', 'too many redirects', response.status);
      url = checkDownloadUrl(new URL(location, url).toString());
    }
    headersReceived = true;
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw new DirectorySourceError('http-status', `status ${response.status}`, response.status);
    }
    const lengthHeader = response.headers.get('content-length');
    const declared = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
    if (declared !== null && declared > maxBytes) {
      await response.body.cancel();
      throw new DirectorySourceError('too-large', 'declared length over the cap');
    }
    options.onProgress?.(0, declared);
    const counter = new Counter(maxBytes, (bytes) => {
      touch();
      options.onProgress?.(bytes, declared);
    });
    out = fs.createWriteStream(options.dest, { mode: 0o600 });
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), counter, out);
    if (declared !== null && counter.bytes !== declared) throw new DirectorySourceError('truncated', `${counter.bytes} of ${declared} bytes`);
    return { bytes: counter.bytes, host: url.host };
  } catch (error) {
    // A stream destroyed while its file was still opening creates that file afterwards: wait
    // for it to close (bounded) so the removal below really leaves nothing behind.
    const writer = out;
    if (writer !== undefined && !writer.closed) await Promise.race([once(writer, 'close'), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]).catch(() => undefined);
    await fs.promises.rm(options.dest, { force: true }).catch(() => undefined);
    if (isAborted(options.signal)) throw new DirectoryImportAborted();
    if (timedOut !== null) throw new DirectorySourceError('timeout', `${timedOut} timeout`);
    if (error instanceof DirectorySourceError) throw error;
    // A body that stops before its end surfaces as a socket error once the headers are in.
    const cause = error instanceof Error ? `${error.name}${error.cause instanceof Error ? `/${(error.cause as NodeJS.ErrnoException).code ?? error.cause.name}` : ''}` : 'unknown';
    throw new DirectorySourceError(headersReceived ? 'truncated' : 'network', cause);
  } finally {
    clearTimeout(total);
    clearTimeout(idle);
    options.signal?.removeEventListener('abort', onCancel);
  }
}
