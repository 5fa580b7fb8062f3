import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { JSDOM } from 'jsdom';
import type { Logger } from '../policy/logger.js';
import { isPublicAddress } from './publicAddress.js';
import { sanitizeMailHtml } from './sync/sanitizeHtml.js';

/**
 * "Afficher les images" of one message: main fetches the images the sanitiser blocked
 * (`<img data-blocked-src>`) and returns the body with them inlined as `data:` URLs, sanitised
 * again. The renderer's CSP stays closed to the network; the sender learns that the message was
 * opened only when the user asks for it.
 *
 * Bounded on every side: HTTPS only (plain HTTP only to 127.0.0.1 when the host config allows
 * it, for tests), at most `maxImages` images, `maxImageBytes` each and `maxTotalBytes` in all,
 * a timeout per image, at most 3 redirects (each checked like the first address), no cookies
 * and no credentials (Node's fetch keeps no cookie jar; none are set), only `image/*` answers
 * and never SVG (a document that can carry scripts), never an address of the machine or of a
 * private network (`publicAddress.ts`). An image that fails stays blocked.
 */
export interface RemoteContentOptions {
  readonly allowLoopbackHttp?: boolean;
  readonly maxImages?: number;
  readonly maxImageBytes?: number;
  readonly maxTotalBytes?: number;
  readonly timeoutMs?: number;
  readonly log?: Logger;
  /** Replaced in tests only to count calls; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /** Name resolution (tests give names private or public addresses); defaults to the system's. */
  readonly lookup?: (hostname: string) => Promise<readonly string[]>;
}

const systemLookup = async (hostname: string): Promise<readonly string[]> => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export interface RemoteContentResult {
  readonly html: string;
  readonly fetched: number;
  readonly refused: number;
}

const DEFAULTS = { maxImages: 30, maxImageBytes: 2 * 1024 * 1024, maxTotalBytes: 8 * 1024 * 1024, timeoutMs: 8_000 };
const MAX_REDIRECTS = 3;

class Refused extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** Which addresses may be fetched at all. */
export function allowedImageUrl(raw: string, allowLoopbackHttp: boolean): URL | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.username !== '' || url.password !== '') return null;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowLoopbackHttp && url.hostname === '127.0.0.1') return url;
  return null;
}

async function readCapped(response: Response, cap: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > cap) throw new Refused('too-large');
  const reader = response.body?.getReader();
  if (reader === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      throw new Refused('too-large');
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/** Every address the name resolves to must be public (the loopback test server excepted). */
async function checkDestination(url: URL, allowLoopbackHttp: boolean, lookup: (hostname: string) => Promise<readonly string[]>): Promise<void> {
  if (allowLoopbackHttp && url.hostname === '127.0.0.1') return;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: readonly string[];
  try {
    addresses = isIP(host) === 0 ? await lookup(host) : [host];
  } catch {
    throw new Refused('dns');
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) throw new Refused('private-address');
}

async function fetchImage(
  start: URL,
  options: Required<Pick<RemoteContentOptions, 'allowLoopbackHttp' | 'timeoutMs'>> & { cap: number; fetch: typeof fetch; lookup: (hostname: string) => Promise<readonly string[]> },
): Promise<{ mime: string; data: Buffer }> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    await checkDestination(url, options.allowLoopbackHttp, options.lookup);
    const response = await options.fetch(url, { redirect: 'manual', credentials: 'omit', headers: { accept: 'image/*' }, signal, referrerPolicy: 'no-referrer' });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      const next = allowedImageUrl(new URL(response.headers.get('location') ?? '', url).toString(), options.allowLoopbackHttp);
      if (next === null) throw new Refused('redirect-refused');
      url = next;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new Refused(`http-${response.status}`);
    }
    const mime = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!/^image\/[a-z0-9.+-]+$/.test(mime) || mime === 'image/svg+xml') {
      await response.body?.cancel().catch(() => undefined);
      throw new Refused('not-an-image');
    }
    return { mime, data: await readCapped(response, options.cap) };
  }
  throw new Refused('too-many-redirects');
}

export async function inlineRemoteImages(html: string, options: RemoteContentOptions = {}): Promise<RemoteContentResult> {
  const allowLoopbackHttp = options.allowLoopbackHttp === true;
  const maxImages = options.maxImages ?? DEFAULTS.maxImages;
  const maxImageBytes = options.maxImageBytes ?? DEFAULTS.maxImageBytes;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  let budget = options.maxTotalBytes ?? DEFAULTS.maxTotalBytes;
  const doFetch = options.fetch ?? fetch;

  const { window } = new JSDOM(`<!doctype html><html><body>${html}</body></html>`);
  const images = [...window.document.querySelectorAll('img[data-blocked-src]')];
  let fetched = 0;
  let refused = 0;
  const cache = new Map<string, string | null>();
  const codes = new Map<string, number>();
  for (const [i, img] of images.entries()) {
    const raw = img.getAttribute('data-blocked-src') ?? '';
    const url = allowedImageUrl(raw, allowLoopbackHttp);
    let dataUrl: string | null = null;
    if (cache.has(raw)) dataUrl = cache.get(raw) ?? null;
    else if (url !== null && i < maxImages && budget > 0) {
      try {
        const image = await fetchImage(url, { allowLoopbackHttp, timeoutMs, cap: Math.min(maxImageBytes, budget), fetch: doFetch, lookup: options.lookup ?? systemLookup });
        budget -= image.data.byteLength;
        dataUrl = `data:${image.mime};base64,${image.data.toString('base64')}`;
      } catch (error) {
        const code = error instanceof Refused ? error.code : error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network';
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      cache.set(raw, dataUrl);
    } else codes.set(url === null ? 'address-refused' : 'cap', (codes.get(url === null ? 'address-refused' : 'cap') ?? 0) + 1);
    if (dataUrl === null) {
      refused += 1;
      continue;
    }
    img.setAttribute('src', dataUrl);
    img.removeAttribute('data-blocked-src');
    fetched += 1;
  }
  // Never an address in the log: counts and refusal codes only.
  options.log?.info('mail.remote-content', { images: images.length, fetched, refused, ...Object.fromEntries([...codes].map(([k, v]) => [`refused.${k}`, v])) });
  // Sanitised again: what came back is inlined into HTML the reading pane trusts.
  return { html: sanitizeMailHtml(window.document.body.innerHTML).html, fetched, refused };
}
