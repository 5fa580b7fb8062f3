import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailSync, type MailSync } from '../../../electron/mail/sync/index.js';
import { silentLogger } from '../../../electron/policy/logger.js';
import { openVault, type Vault } from '../../../electron/vault/client.js';
import { startMailServer, type TestMailServer } from '../../peers/mail/mailServer.js';
import { accountFor } from '../outbox/support.js';
import { fillMaildir } from './maildirFill.js';

/**
 * A 10,000-message folder synced from the real test operator without freezing the main thread:
 * the event loop's longest delay is measured (perf_hooks) while the folder is fetched and listed,
 * then while the worker parses in the background. The delay bound is generous: these machines
 * are shared (load averages of 8 on 2 cores were seen), and a starved thread shows delays it did
 * not cause. What parsing on this thread would break is the second measure: while the worker
 * parses, the main thread must stay mostly idle (event-loop utilisation, which counts only
 * time spent running, not time waiting for a core).
 */
const COUNT = 10_000;
const MAX_DELAY_MS = 1_000;
const MAX_PARSE_UTILISATION = 0.5;
let server: TestMailServer;
let vault: Vault;
let sync: MailSync;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-sync10k-'));
  const mailDir = path.join(dir, 'mail');
  server = await startMailServer({ dir: mailDir });
  const user = server.users[1] ?? server.users[0];
  if (user === undefined) throw new Error('test users');
  // Before this user's first login: Dovecot indexes the Maildir on the first SELECT.
  fillMaildir(path.join(mailDir, 'mail'), user, COUNT);
  vault = await openVault({ file: path.join(dir, 'vault.db'), key: randomBytes(32), synchronous: 'NORMAL' });
  sync = createMailSync({ account: accountFor(server, user), vault, log: silentLogger });
}, 120_000);

afterAll(async () => {
  await sync?.close();
  await vault?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a 10,000-message folder', () => {
  it('is listed without blocking the event loop, and parsed in the background without blocking it either', async () => {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    const result = await sync.syncFolder('INBOX');
    const listedMs = performance.now() - started;
    loop.disable();
    const syncMax = loop.max / 1e6;
    expect(result).toMatchObject({ full: true, added: COUNT });
    expect((await vault.inboxPage({ folder: 'INBOX', limit: 1 }))[0]?.subject).toBe(`Compte rendu n°${COUNT - 1}`);

    // Background parsing, watched for a while (all 10,000 take longer than a test should); the
    // worker is started first (parseNow of the newest message) so the window sees it working.
    const [newest] = await vault.inboxPage({ folder: 'INBOX', limit: 1 });
    expect(await sync.parseNow(newest?.id ?? 0)).toBe(true);
    const parsedBefore = await vault.countPendingParses();
    const parseLoop = monitorEventLoopDelay({ resolution: 10 });
    parseLoop.enable();
    const elu = performance.eventLoopUtilization();
    await new Promise((r) => setTimeout(r, 5_000));
    const utilisation = performance.eventLoopUtilization(elu).utilization;
    parseLoop.disable();
    const parseMax = parseLoop.max / 1e6;
    const parsedDuring = parsedBefore - (await vault.countPendingParses());
    console.info(
      `[mail sync 10k] listed in ${Math.round(listedMs)} ms, event-loop max ${syncMax.toFixed(1)} ms (p99 ${(loop.percentile(99) / 1e6).toFixed(1)}); ` +
        `background parse: ${parsedDuring} messages in 5 s, event-loop max ${parseMax.toFixed(1)} ms, main thread busy ${(utilisation * 100).toFixed(0)} %`,
    );
    expect(parsedDuring).toBeGreaterThan(50);
    expect(syncMax).toBeLessThan(MAX_DELAY_MS);
    expect(parseMax).toBeLessThan(MAX_DELAY_MS);
    expect(utilisation).toBeLessThan(MAX_PARSE_UTILISATION);
  }, 180_000);
});
