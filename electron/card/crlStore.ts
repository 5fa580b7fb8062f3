import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../policy/logger.js';
import { parseCrl, sameName, sha256Hex, verifyCrlSignature, type ParsedCertificate, type ParsedCrl } from './x509.js';

/**
 * CRLs for the validator: read from files or fetched from URLs (bounded by a timeout), and
 * the newest one per issuer kept in a cache folder so that the last valid CRL survives a
 * network outage or a restart. "Newest" = latest thisUpdate; a CRL is written to the cache
 * only if it parses, is newer than the cached one and — when `issuers` are given (the trust
 * anchors) — its signature verifies with one of them, so a forged "newer" CRL cannot evict
 * the last good one. The validator checks signatures again in any case.
 */

export interface CrlSourceOptions {
  /** File paths or http(s) URLs. */
  readonly sources: readonly string[];
  readonly cacheDir: string;
  readonly timeoutMs?: number;
  readonly log: Logger;
  readonly fetchImpl?: typeof fetch;
  /** CA certificates allowed to sign CRLs; when given, other CRLs are not cached. */
  readonly issuers?: readonly ParsedCertificate[];
}

function cacheFile(cacheDir: string, crl: ParsedCrl): string {
  return path.join(cacheDir, `${sha256Hex(crl.issuer.der).slice(0, 32)}.crl`);
}

export function readCachedCrls(cacheDir: string, log: Logger): ParsedCrl[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(cacheDir).filter((e) => e.endsWith('.crl'));
  } catch {
    return [];
  }
  const out: ParsedCrl[] = [];
  for (const entry of entries) {
    try {
      out.push(parseCrl(fs.readFileSync(path.join(cacheDir, entry))));
    } catch (error) {
      log.warn('card.crl.cache_unreadable', { file: entry, error: error instanceof Error ? error.name : 'unknown' });
    }
  }
  return out;
}

/** Keeps `crl` if it is newer than the cached one for the same issuer. Returns true if stored. */
export function storeCrl(cacheDir: string, crl: ParsedCrl): boolean {
  fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const file = cacheFile(cacheDir, crl);
  try {
    const existing = parseCrl(fs.readFileSync(file));
    if (existing.thisUpdate.getTime() >= crl.thisUpdate.getTime()) return false;
  } catch {
    // no cached CRL, or an unreadable one: replace it
  }
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, crl.der, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return true;
}

async function fetchBytes(url: string, timeoutMs: number, fetchImpl: typeof fetch): Promise<Buffer> {
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > 50 * 1024 * 1024) throw new Error('CRL too large');
  return body;
}

/**
 * Refreshes the cache from every source (failures logged, never thrown) and returns all the
 * CRLs then in the cache. A source that is a folder contributes every *.crl in it.
 */
export async function refreshCrls(options: CrlSourceOptions): Promise<ParsedCrl[]> {
  const { log } = options;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const fetchImpl = options.fetchImpl ?? fetch;
  for (const source of options.sources) {
    const isUrl = /^https?:\/\//i.test(source);
    try {
      const blobs: Buffer[] = [];
      if (isUrl) {
        blobs.push(await fetchBytes(source, timeoutMs, fetchImpl));
      } else if (fs.statSync(source).isDirectory()) {
        for (const e of fs.readdirSync(source).filter((f) => f.toLowerCase().endsWith('.crl'))) blobs.push(fs.readFileSync(path.join(source, e)));
      } else {
        blobs.push(fs.readFileSync(source));
      }
      for (const blob of blobs) {
        const crl = parseCrl(blob);
        if (options.issuers && !options.issuers.some((ca) => sameName(ca.subject, crl.issuer) && verifyCrlSignature(crl, ca))) {
          log.warn('card.crl.unverified', { kind: isUrl ? 'url' : 'file' });
          continue;
        }
        const stored = storeCrl(options.cacheDir, crl);
        log.info('card.crl.read', { kind: isUrl ? 'url' : 'file', stored });
      }
    } catch (error) {
      log.warn('card.crl.source_failed', { kind: isUrl ? 'url' : 'file', error: error instanceof Error ? error.name : 'unknown' });
    }
  }
  return readCachedCrls(options.cacheDir, log);
}
