import type { ParsedCompletion } from '../../vault/repo/mailParse.js';
import type { ParseItem } from './malformed.js';
import type { ParseNotes } from './parsePending.js';

/** Messages between the main thread (parseWorkerClient.ts) and the parse worker (parseWorker.ts). */
export type ToParser = { type: 'parse'; req: number; items: ParseItem[] };

export type FromParser =
  | { type: 'parsed'; req: number; results: { completion: ParsedCompletion; notes: ParseNotes }[] }
  | { type: 'failed'; req: number; error: string };
