import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailSendKind, mailSendJob } from '../../../electron/outbox/kinds/mailSend.js';
import { createOutbox } from '../../../electron/outbox/outbox.js';
import { silentLogger } from '../../../electron/policy/logger.js';
import { openVault } from '../../../electron/vault/client.js';
import { startMailServer, type TestMailServer } from '../../peers/mail/mailServer.js';
import { accountFor, waitForDelivery } from './support.js';

const MESSAGES = 200;
const ROUNDS = 20;
const RUNNER = path.join(import.meta.dirname, 'crashRunner.ts');

let dir: string;
let server: TestMailServer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-kill9-'));
  server = await startMailServer({ dir: path.join(dir, 'mail') });
});
afterAll(async () => {
  await server?.stop();
  if (process.env.CADUCEE_KEEP_TEST_DIR === undefined) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
});

interface Round {
  readonly killedAfterMs: number | null;
  readonly exit: number | string | null;
}

function runRound(env: NodeJS.ProcessEnv, kill: { beforeStart: boolean; delayMs: number } | null): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', RUNNER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const t0 = Date.now();
    let killedAt: number | null = null;
    const killNow = () => {
      if (child.exitCode === null && killedAt === null) {
        killedAt = Date.now() - t0;
        child.kill('SIGKILL');
      }
    };
    const guard = setTimeout(killNow, 30_000);
    if (kill?.beforeStart === true) setTimeout(killNow, kill.delayMs);
    child.stdout?.on('data', (d: Buffer) => {
      if (kill !== null && !kill.beforeStart && d.toString().includes('started')) setTimeout(killNow, kill.delayMs);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(guard);
      if (kill === null && code !== 0) {
        const log = fs.existsSync(env.CRASH_LOG ?? '') ? fs.readFileSync(env.CRASH_LOG ?? '', 'utf8').slice(-3000) : '';
        reject(new Error(`runner exited ${code ?? signal}: ${stderr.slice(-2000)}\n${log}`));
      }
      resolve({ killedAfterMs: killedAt, exit: code ?? signal });
    });
  });
}

describe('outbox under kill -9 (real Dovecot + Postfix)', () => {
  it(`sends ${MESSAGES} messages across ${ROUNDS} killed runs: 0 lost, 0 duplicated`, { timeout: 240_000 }, async () => {
    const [martin, durand] = server.users;
    if (martin === undefined || durand === undefined) throw new Error('test users');
    const vaultFile = path.join(dir, 'vault.db');
    const key = randomBytes(32);
    const keyHex = key.toString('hex');
    const vault = await openVault({ file: vaultFile, key });
    const enqueuer = createOutbox({ vault, kinds: [createMailSendKind({ accounts: [accountFor(server, martin)], log: silentLogger })], log: silentLogger });
    const ids = await enqueuer.enqueue(Array.from({ length: MESSAGES }, (_, i) => mailSendJob({ account: martin.address, to: [durand.address], subject: `Crash ${i}`, text: `Message ${i}` })));
    expect(ids.filter((id) => id !== null)).toHaveLength(MESSAGES);
    const queued = (await vault.outboxList({ states: ['pending'], limit: 1000 })).length;
    expect(queued).toBe(MESSAGES);
    const messageIds = new Set((await vault.inboxPage({ folder: 'Outbox', limit: 1000 })).map((m) => m.id));
    expect(messageIds.size).toBe(MESSAGES);
    const expectedIds = new Set<string>();
    for (const id of messageIds) {
      const m = await vault.getMessage(id);
      if (m?.messageId != null) expectedIds.add(m.messageId);
    }
    await vault.close();

    const logFile = path.join(dir, 'runner.log');
    const env = {
      CRASH_VAULT_FILE: vaultFile,
      CRASH_VAULT_KEY: keyHex,
      CRASH_ACCOUNT: JSON.stringify({ submissionPort: server.submissionPort, imapPort: server.imapPort, caPem: server.tls.caPem, user: martin }),
      CRASH_LOG: logFile,
      CRASH_SETTLE_MS: '2000',
    };
    const rounds: Round[] = [];
    for (let r = 1; r <= ROUNDS; r += 1) {
      // One round in four dies during start-up (vault open, recovery); the others while
      // flushing, 0–400 ms after the queue started.
      const last = r === ROUNDS;
      const beforeStart = Math.random() < 0.25;
      const kill = last ? null : { beforeStart, delayMs: Math.floor(Math.random() * (beforeStart ? 1_200 : 400)) };
      rounds.push(await runRound(env, kill));
    }
    expect(rounds.at(-1)?.exit).toBe(0);

    const inbox = await waitForDelivery(server, durand, MESSAGES);
    const sent = await waitForDelivery(server, martin, MESSAGES, 20_000, 'Sent');
    const lost = [...expectedIds].filter((id) => !inbox.has(id));
    const duplicated = [...inbox].filter(([, n]) => n > 1).map(([id]) => id);
    const foreign = [...inbox.keys()].filter((id) => !expectedIds.has(id));
    expect({ lost, duplicated, foreign }).toEqual({ lost: [], duplicated: [], foreign: [] });
    expect([...sent.values()].every((n) => n === 1) && sent.size === MESSAGES).toBe(true);

    // The test must have exercised the crash path, not only clean runs.
    const events = fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; jobs?: number });
    const recovered = events.filter((e) => e.event === 'outbox.recovered').reduce((n, e) => n + (e.jobs ?? 0), 0);
    // Rounds after the last message left end by themselves (exit 0) before their kill time.
    expect(rounds.filter((r) => r.exit === 'SIGKILL').length).toBeGreaterThanOrEqual(3);
    expect(recovered).toBeGreaterThan(0);
    console.log(`kill -9: ${rounds.filter((r) => r.exit === 'SIGKILL').length} kills, ${recovered} jobs found in flight at restart, ${events.filter((e) => e.event === 'outbox.found-on-server').length} found on the server, ${events.filter((e) => e.event === 'outbox.resend-after-check').length} resent after check`);

    const check = await openVault({ file: vaultFile, key: Buffer.from(keyHex, 'hex') });
    expect(await check.outboxCounts()).toEqual({ done: MESSAGES });
    expect((await check.inboxPage({ folder: 'Sent', limit: 1000 })).length).toBe(MESSAGES);
    await check.close();
  });
});
