import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogFields, Logger } from '../../../electron/policy/logger.js';
import { createCardService, type CardService, type CardServiceState } from '../../../electron/card/cardService.js';
import { createPkcs11Provider, type Pkcs11Module } from '../../../electron/card/pkcs11Provider.js';
import type { TestCard } from '../../peers/softhsm/createTestCard.js';

export interface CapturedLog extends Logger {
  readonly lines: { level: string; event: string; fields: LogFields | undefined }[];
}

export function captureLog(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const at = (level: string) => (event: string, fields?: LogFields) => {
    lines.push({ level, event, fields });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `caducee-${prefix}-`));
}

export interface ServiceSetup {
  readonly service: CardService;
  readonly log: CapturedLog;
}

export function serviceFor(card: TestCard, options: { module?: Pkcs11Module; rescan?: boolean; crlSources?: string[]; pollIntervalMs?: number } = {}): ServiceSetup {
  process.env['SOFTHSM2_CONF'] = card.softhsmConf;
  const log = captureLog();
  const module = options.module;
  const provider = createPkcs11Provider({ modulePath: card.modulePath, log, ...(module ? { createModule: () => module } : {}) });
  const service = createCardService({
    provider,
    log,
    anchorFolders: [card.anchorsDir],
    crlSources: options.crlSources ?? [card.crlPath],
    crlCacheDir: fs.mkdtempSync(path.join(card.dir, 'crl-cache-')),
    pollIntervalMs: options.pollIntervalMs ?? 500,
    ...(options.rescan !== undefined ? { rescan: options.rescan } : {}),
  });
  return { service, log };
}

/** Waits until the service state matches; returns the milliseconds it took. Fails after `timeoutMs`. */
export async function waitForState(service: CardService, predicate: (s: CardServiceState) => boolean, timeoutMs = 3_000): Promise<number> {
  const started = Date.now();
  while (!predicate(service.getState())) {
    if (Date.now() - started > timeoutMs) throw new Error(`state still ${service.getState().state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}

/** Every logged value, to prove no PIN / RPPS / name leaks into the logs. */
export function loggedValues(log: CapturedLog): string[] {
  return log.lines.flatMap((l) => [l.event, ...Object.values(l.fields ?? {}).map((v) => String(v))]);
}
