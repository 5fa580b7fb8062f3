import { parentPort } from 'node:worker_threads';
import { openDatabase, mapSqliteError, type SqliteDb } from '../connection.js';
import { migrate } from '../migrations/index.js';
import { createVaultServer, type VaultServer } from '../server.js';
import type { FromWorker, ToWorker, WireError } from './protocol.js';

/**
 * The vault worker: the only thread that touches the database (one writer). Synchronous SQL
 * here never blocks the Electron main thread. Production bundles this file with esbuild as its
 * own entry; in development and tests `bootstrap.mjs` loads it through tsx.
 */
const port = parentPort;
if (port === null) throw new Error('vaultWorker must run in a worker thread');

let db: SqliteDb | null = null;
let server: VaultServer | null = null;
let slowMs = 40;

const send = (message: FromWorker) => port.postMessage(message);
const wire = (error: unknown, context: string): WireError => {
  const e = mapSqliteError(error, context);
  return { name: e.name, code: e.code, technicalCause: e.technicalCause };
};

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'open': {
      const key = Buffer.from(message.key.buffer, message.key.byteOffset, message.key.byteLength);
      try {
        db = openDatabase({ file: message.file, key, cipher: message.cipher, synchronous: message.synchronous });
        const schemaVersion = migrate(db);
        server = createVaultServer(db);
        slowMs = message.slowMs;
        send({ type: 'opened', schemaVersion, methods: Object.keys(server) });
      } catch (error) {
        db?.close();
        db = null;
        send({ type: 'error', id: null, error: wire(error, 'open') });
      } finally {
        // SQLite keeps its own (derived) key schedule; nothing in JavaScript needs the key now.
        key.fill(0);
      }
      return;
    }
    case 'call': {
      const { id, method } = message;
      const fn = server !== null && Object.hasOwn(server, method) ? (server as Record<string, (arg: unknown) => unknown>)[method] : undefined;
      if (fn === undefined) {
        send({ type: 'error', id, error: { name: 'VaultError', code: server === null ? 'locked' : 'vault-error', technicalCause: `unknown method ${method}` } });
        return;
      }
      const started = performance.now();
      let reply: FromWorker;
      try {
        reply = { type: 'result', id, value: fn(message.arg) };
      } catch (error) {
        reply = { type: 'error', id, error: wire(error, method) };
      }
      const ms = performance.now() - started;
      // The statement's name only, never its parameters; sent first so it is logged by the time
      // the caller sees the answer.
      if (ms > slowMs) send({ type: 'slow', method, ms: Math.round(ms) });
      send(reply);
      return;
    }
    case 'close': {
      try {
        db?.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // A failed checkpoint loses nothing: the WAL is replayed at the next open.
      }
      db?.close();
      db = null;
      server = null;
      send({ type: 'closed' });
      return;
    }
  }
});
