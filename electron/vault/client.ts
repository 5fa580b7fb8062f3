import { Worker } from 'node:worker_threads';
import type { Logger } from '../policy/logger.js';
import { silentLogger } from '../policy/logger.js';
import { DEFAULT_CIPHER, type CipherProfile } from './connection.js';
import { reviveVaultError, VaultError } from './errors.js';
import type { VaultApi } from './server.js';
import type { FromWorker, ToWorker } from './worker/protocol.js';

export interface OpenVaultOptions {
  readonly file: string;
  /** The 32-byte data key. It is moved to the worker and THIS buffer is zeroed. */
  readonly key: Buffer;
  readonly cipher?: CipherProfile;
  readonly synchronous?: 'FULL' | 'NORMAL';
  readonly log?: Logger;
  /** Statements slower than this are logged by name (default 40 ms). */
  readonly slowMs?: number;
  /**
   * The worker script. Default: `worker/bootstrap.mjs` beside this file (runs the TypeScript
   * worker through tsx: development, vitest, tsx). A packaged build passes its bundled
   * `vaultWorker.cjs` here.
   */
  readonly workerFile?: string | URL;
}

export type Vault = VaultApi & {
  readonly schemaVersion: number;
  /** Lock: closes the database, ends the worker. Idempotent. Calls after it reject with `locked`. */
  close(): Promise<void>;
};

function defaultWorkerFile(): URL {
  return new URL('./worker/bootstrap.mjs', import.meta.url);
}

/** Opens a vault in its own worker thread; resolves once the key is proven and migrations ran. */
export async function openVault(options: OpenVaultOptions): Promise<Vault> {
  const log = options.log ?? silentLogger;
  if (options.key.length !== 32) throw new VaultError('vault-error', `key length ${options.key.length}`);
  // A fresh ArrayBuffer (never Node's shared pool) that is transferred, not copied: after
  // postMessage this thread holds no copy of the key.
  const transferable = new Uint8Array(new ArrayBuffer(32));
  transferable.set(options.key);
  options.key.fill(0);

  const worker = new Worker(options.workerFile ?? defaultWorkerFile());
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let closed = false;
  let onOpened: ((m: FromWorker) => void) | null = null;
  let onClosed: (() => void) | null = null;

  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (m: FromWorker) => {
    switch (m.type) {
      case 'opened':
        onOpened?.(m);
        return;
      case 'result':
        pending.get(m.id)?.resolve(m.value);
        pending.delete(m.id);
        return;
      case 'error': {
        const error = reviveVaultError(m.error);
        if (m.id === null) {
          onOpened?.(m);
          return;
        }
        log.warn('vault.error', { code: error.code, cause: error.technicalCause });
        pending.get(m.id)?.reject(error);
        pending.delete(m.id);
        return;
      }
      case 'slow':
        log.warn('vault.slow', { method: m.method, ms: m.ms });
        return;
      case 'closed':
        onClosed?.();
        return;
    }
  });
  worker.on('error', (error) => {
    log.error('vault.worker.crashed', { name: error.name });
    failAll(new VaultError('vault-error', `worker: ${error.name}`));
  });
  worker.on('exit', () => {
    closed = true;
    onClosed?.();
    failAll(new VaultError('locked', 'worker exited'));
  });

  const opened = await new Promise<FromWorker>((resolve) => {
    onOpened = resolve;
    worker.once('error', (error) => resolve({ type: 'error', id: null, error: { name: 'VaultError', code: 'vault-error', technicalCause: `worker start: ${error.message}` } }));
    const open: ToWorker = { type: 'open', file: options.file, cipher: options.cipher ?? DEFAULT_CIPHER, synchronous: options.synchronous ?? 'FULL', key: transferable, slowMs: options.slowMs ?? 40 };
    worker.postMessage(open, [transferable.buffer]);
  });
  if (opened.type !== 'opened') {
    await worker.terminate();
    const error = opened.type === 'error' ? reviveVaultError(opened.error) : new VaultError('vault-error', 'open');
    log.warn('vault.open.failed', { code: error.code, cause: error.technicalCause });
    throw error;
  }

  const call = (method: string, arg: unknown): Promise<unknown> => {
    if (closed) return Promise.reject(new VaultError('locked', method));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      const message: ToWorker = { type: 'call', id, method, arg };
      worker.postMessage(message);
    });
  };

  const vault: Record<string, unknown> = {};
  for (const method of opened.methods) vault[method] = (arg?: unknown) => call(method, arg);
  Object.assign(vault, {
    schemaVersion: opened.schemaVersion,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        onClosed = resolve;
        worker.postMessage({ type: 'close' } satisfies ToWorker);
      });
      await worker.terminate();
      log.info('vault.locked');
    },
  });
  log.info('vault.opened', { schemaVersion: opened.schemaVersion });
  return vault as Vault;
}
