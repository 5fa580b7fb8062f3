import fs from 'node:fs';
import path from 'node:path';
import type { LogFields, Logger } from '../policy/logger.js';
import { createVaultServer } from '../vault/server.js';
import { openTestDb } from '../vault/testSupport.js';
import type { InsMode } from './insOid.js';
import { createMergeService } from './patientMerge.js';
import { createPatientRegistry } from './patientRegistry.js';
import { asyncPatientStore } from './patientStore.js';

/** Test helpers (imported by *.test.ts and test/integration only). */

export const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/ins');
export const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const emit = (level: string) => (event: string, fields?: LogFields) => lines.push(JSON.stringify({ level, event, ...fields }));
  return { lines, debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A registry over a real (in-process) encrypted vault. */
export function testRegistry(options: { mode?: InsMode; now?: () => number } = {}) {
  const { db } = openTestDb();
  const store = asyncPatientStore(createVaultServer(db));
  const log = recordingLogger();
  const actor = '810012345678';
  const registry = createPatientRegistry({ store, actor, mode: options.mode ?? 'production', log, ...(options.now === undefined ? {} : { now: options.now }) });
  const merges = createMergeService({ store, actor, log, ...(options.now === undefined ? {} : { now: options.now }) });
  return { db, store, registry, merges, log, actor };
}

export const ECETINSI = { birthName: 'Écétinsi', firstNames: 'Pierre-Alain Muriel Floriant', sex: 'M', birthDate: '2009-07-14', birthPlace: '63220' } as const;
