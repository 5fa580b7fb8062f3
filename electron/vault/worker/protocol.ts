import type { CipherProfile } from '../connection.js';

/** Messages between the main thread (client.ts) and the vault worker (vaultWorker.ts). */
export type ToWorker =
  | { type: 'open'; file: string; cipher: CipherProfile; synchronous: 'FULL' | 'NORMAL'; key: Uint8Array; slowMs: number }
  | { type: 'call'; id: number; method: string; arg: unknown }
  | { type: 'close' };

export interface WireError {
  name: string;
  code: string;
  technicalCause: string;
}

export type FromWorker =
  | { type: 'opened'; schemaVersion: number; methods: string[] }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number | null; error: WireError }
  | { type: 'slow'; method: string; ms: number }
  | { type: 'closed' };
