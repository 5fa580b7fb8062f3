/**
 * The process the kill -9 test kills: opens the vault, flushes the outbox to the test mail
 * server, exits 0 when nothing is left to send. Test only: the vault key arrives in an
 * environment variable (hex), which the product never does.
 * Env: CRASH_VAULT_FILE, CRASH_VAULT_KEY, CRASH_ACCOUNT (JSON of accountFor's inputs),
 * CRASH_LOG (JSON lines), CRASH_SETTLE_MS.
 */
import fs from 'node:fs';
import { createMailSendKind } from '../../../electron/outbox/kinds/mailSend.js';
import { createOutbox } from '../../../electron/outbox/outbox.js';
import { createLogger } from '../../../electron/policy/logger.js';
import { openVault } from '../../../electron/vault/client.js';
import { accountFor } from './support.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} missing`);
  return value;
};
const server = JSON.parse(env('CRASH_ACCOUNT')) as { submissionPort: number; imapPort: number; caPem: string; user: { address: string; password: string } };
const logFd = fs.openSync(env('CRASH_LOG'), 'a');
// Written synchronously: the lines before a SIGKILL must be on disk for the test to read.
const log = createLogger({ write: (line) => fs.writeSync(logFd, `${line}\n`) }, 'info');
const account = accountFor({ submissionPort: server.submissionPort, imapPort: server.imapPort, tls: { caPem: server.caPem, caFile: '', certFile: '', keyFile: '' } }, server.user, { maxConnections: 1 });
const vault = await openVault({ file: env('CRASH_VAULT_FILE'), key: Buffer.from(env('CRASH_VAULT_KEY'), 'hex'), log });
const kind = createMailSendKind({ accounts: [account], log, settleMs: Number(env('CRASH_SETTLE_MS')), recheckEveryMs: 250 });
const outbox = createOutbox({ vault, kinds: [kind], log, retry: { baseMs: 200, maxMs: 2_000, maxAttempts: 50 }, probe: { baseMs: 200, maxMs: 1_000 } });
await outbox.start();
process.stdout.write('started\n');
for (;;) {
  await outbox.waitForIdle();
  // Subscribed before reading the counts, so a change in between is not missed.
  let off: () => void = () => undefined;
  const changed = new Promise<void>((resolve) => {
    off = outbox.on((e) => {
      if (e.type === 'job') resolve();
    });
  });
  const counts = await outbox.counts();
  const active = (counts.pending ?? 0) + (counts.sending ?? 0) + (counts['retry-wait'] ?? 0);
  if (active === 0) break;
  // Only rechecks in retry-wait are left: their timer wakes the queue.
  await changed;
  off();
}
await outbox.stop();
await vault.close();
process.stdout.write('finished\n');
