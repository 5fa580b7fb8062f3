/**
 * Benchmark (not a test): 1,000 queued messages flushed through the outbox (vault job rows,
 * `sending` committed before each send, group-committed results, pooled SMTP with STARTTLS)
 * against the same 1,000 through a bare nodemailer pooled transport, in the same run, on the
 * local test mail operator (Dovecot + Postfix). Target: outbox/bare throughput ≥ 0.7.
 * Prints both and writes bench/results/outbox.json.
 * Run: npx tsx bench/outbox.ts [--messages 1000]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { createMailSendKind, mailSendJob } from '../electron/outbox/kinds/mailSend.js';
import { createOutbox } from '../electron/outbox/outbox.js';
import { silentLogger } from '../electron/policy/logger.js';
import { openVault } from '../electron/vault/client.js';
import { startMailServer } from '../test/peers/mail/mailServer.js';
import { accountFor, waitForDelivery } from '../test/integration/outbox/support.js';

const argIndex = process.argv.indexOf('--messages');
const N = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 1_000;
const CONNECTIONS = 5;
const RUNS = 3;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-bench-outbox-'));
const server = await startMailServer({ dir: path.join(dir, 'mail') });
const [martin, durand] = server.users;
if (martin === undefined || durand === undefined) throw new Error('users');
const body = 'Bonjour, ci-joint le compte rendu de consultation de votre patiente. Bien confraternellement.\n'.repeat(20);

const vaultFile = path.join(dir, 'vault.db');
const vaultKey = randomBytes(32);

async function viaOutbox(run: number): Promise<number> {
  const vault = await openVault({ file: vaultFile, key: Buffer.from(vaultKey) });
  const kind = createMailSendKind({ accounts: [accountFor(server, martin!, { maxConnections: CONNECTIONS })], log: silentLogger });
  const outbox = createOutbox({ vault, kinds: [kind], log: silentLogger });
  // Queued first (as if written offline), then timed from start() to idle.
  await outbox.enqueue(Array.from({ length: N }, (_, i) => mailSendJob({ account: martin!.address, to: [durand!.address], subject: `Outbox ${run}.${i}`, text: body })));
  const t0 = performance.now();
  await outbox.start();
  await outbox.waitForIdle();
  const ms = performance.now() - t0;
  const counts = await outbox.counts();
  if (counts.done !== N * run) throw new Error(`outbox: ${JSON.stringify(counts)}`);
  await outbox.stop();
  await vault.close();
  return ms;
}

async function bare(n = N): Promise<number> {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: CONNECTIONS,
    maxMessages: Infinity,
    host: '127.0.0.1',
    port: server.submissionPort,
    secure: false,
    requireTLS: true,
    tls: { ca: server.tls.caPem, servername: 'localhost', minVersion: 'TLSv1.2' },
    auth: { user: martin!.address, pass: martin!.password },
  });
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => transport.sendMail({ from: martin!.address, to: durand!.address, subject: `Bare ${i}`, text: body })));
  const ms = performance.now() - t0;
  transport.close();
  return ms;
}

let delivered = 0;
const drain = async (sent: number) => {
  // Each run starts on an idle server: Postfix delivers (INBOX + Sent copy) after the 250.
  delivered += sent;
  const counts = await waitForDelivery(server, durand, delivered, 60_000);
  return [...counts.values()].reduce((a, b) => a + b, 0);
};

try {
  // Warm-up (Dovecot auth/LMTP and Postfix smtpd processes spawn on first use), then
  // alternating runs, each on a drained server; the best of each is compared.
  await bare(N);
  await drain(N);
  const bareRuns: number[] = [];
  const outboxRuns: number[] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    bareRuns.push(await bare());
    await drain(N);
    outboxRuns.push(await viaOutbox(run));
    await drain(N);
  }
  const bareMs = Math.min(...bareRuns);
  const outboxMs = Math.min(...outboxRuns);
  const inInbox = await drain(0);
  const rows = [
    { name: 'bare nodemailer pool', messages: N, ms: Math.round(bareMs), perSecond: Math.round((N * 1000) / bareMs) },
    { name: 'outbox (vault + pool)', messages: N, ms: Math.round(outboxMs), perSecond: Math.round((N * 1000) / outboxMs) },
  ];
  const ratio = bareMs / outboxMs;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const ratioMedian = median(bareRuns) / median(outboxRuns);
  console.table(rows);
  console.log(`ratio outbox/bare throughput: ${ratio.toFixed(2)} best/best, ${ratioMedian.toFixed(2)} median/median (target ≥ 0.7); delivered to INBOX: ${inInbox} of ${delivered}`);
  fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(import.meta.dirname, 'results', 'outbox.json'),
    JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, messages: N, connections: CONNECTIONS, rows, bareRunsMs: bareRuns.map(Math.round), outboxRunsMs: outboxRuns.map(Math.round), ratio, ratioMedian }, null, 2) + '\n',
  );
} finally {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
