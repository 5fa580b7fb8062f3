import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../policy/logger.js';
import { openVault, type Vault } from '../vault/client.js';
import { tempDir } from '../vault/testSupport.js';
import { createOutbox, type Outbox, type OutboxOptions } from './outbox.js';
import type { JobContext, JobFailure, JobKind, JobResult } from './types.js';

const opened: { vault: Vault; outbox: Outbox }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.outbox.stop();
    await o.vault.close();
  }
});

const schema = z.object({ n: z.number() });
type Handler = (p: z.infer<typeof schema>, ctx: JobContext) => Promise<JobResult>;

function kind(run: Handler, extra: Partial<JobKind<z.infer<typeof schema>>> = {}): JobKind<z.infer<typeof schema>> {
  return { kind: 'test.job', schema, peer: 'test', ordered: false, needsCard: false, concurrency: 4, run, probe: () => Promise.resolve(), ...extra };
}
const fail = (f: JobFailure) => Promise.reject(f);

async function setup(kinds: JobKind<z.infer<typeof schema>>[], extra: Partial<OutboxOptions> = {}, file?: string, key?: Buffer) {
  const k = key ?? randomBytes(32);
  const vault = await openVault({ file: file ?? path.join(tempDir(), 'vault.db'), key: Buffer.from(k) });
  const outbox = createOutbox({ vault, kinds, log: silentLogger, retry: { baseMs: 1_000, maxMs: 60_000, maxAttempts: 3 }, ...extra });
  opened.push({ vault, outbox });
  return { vault, outbox, key: k };
}

describe('outbox', () => {
  it('writes a job and its message row in one transaction; a second enqueue of the same key is a no-op', async () => {
    const { vault, outbox } = await setup([kind(async () => ({ outcome: 'done', messageFolder: 'Sent' }))]);
    const message = { folder: 'Outbox', uid: null, messageId: '<a@b>', date: 1, from: 'a@b', to: ['c@d'], subject: 'Objet', bodyText: 'x' };
    expect(await outbox.enqueue([{ kind: 'test.job', key: 'k1', payload: { n: 1 }, message }])).toEqual([1]);
    expect(await outbox.enqueue([{ kind: 'test.job', key: 'k1', payload: { n: 1 }, message }])).toEqual([null]);
    expect((await vault.inboxPage({ folder: 'Outbox' })).length).toBe(1);
    await expect(outbox.enqueue([{ kind: 'test.job', key: 'bad', payload: { n: 'x' } }])).rejects.toThrow();
    await outbox.start();
    await outbox.waitForIdle();
    expect(await outbox.counts()).toEqual({ done: 1 });
    // Done moves the message row to Sent in the same commit.
    expect((await vault.inboxPage({ folder: 'Sent' })).map((m) => m.subject)).toEqual(['Objet']);
  });

  it('sets aside a job whose stored payload no longer parses, and the queue goes on', async () => {
    const seen: number[] = [];
    const { vault, outbox } = await setup([kind(async (p) => (seen.push(p.n), { outcome: 'done' }))]);
    await vault.outboxEnqueue([{ kind: 'test.job', key: 'old', payload: { legacy: true } }, { kind: 'test.job', key: 'new', payload: { n: 2 } }]);
    await outbox.start();
    await outbox.waitForIdle();
    expect(seen).toEqual([2]);
    const [invalid] = await outbox.list({ states: ['invalid'] });
    expect(invalid).toMatchObject({ state: 'invalid', lastErrorCode: 'payload-invalid', attempts: 0 });
    expect(invalid?.lastErrorMessage).toMatch(/mis de côté/);
  });

  it('retries with backoff (honouring a hint) and ends in needs-review after the last attempt', async () => {
    let t = 1_000_000;
    const { outbox } = await setup([kind(() => fail({ kind: 'transient', code: 'smtp:451', userMessage: 'plus tard', retryAfterMs: 5_000 }))], { now: () => t, random: () => 0 });
    const [id] = await outbox.enqueue([{ kind: 'test.job', key: 'k', payload: { n: 1 } }]);
    await outbox.start();
    await outbox.waitForIdle();
    // backoff(1) = 500..1000 ms with jitter; the server asked for 5 s: the hint wins.
    expect((await outbox.list())[0]).toMatchObject({ id, state: 'retry-wait', attempts: 1, nextAttemptAt: t + 5_000 });
    for (const expected of [2, 3]) {
      t += 60_000;
      expect(await outbox.retryNow(id ?? -1)).toBe(true);
      await outbox.waitForIdle();
      expect((await outbox.list())[0]?.attempts).toBe(expected);
    }
    const [job] = await outbox.list();
    expect(job).toMatchObject({ state: 'needs-review', attempts: 3 });
    expect(job?.lastErrorMessage).toMatch(/^Échecs répétés/);
  });

  it('puts a permanent failure in needs-review and pauses a kind on needs-user until resumed', async () => {
    let auth = false;
    const { outbox } = await setup([
      kind(async (p) => {
        if (p.n === 1) return fail({ kind: 'permanent', code: 'smtp:550', userMessage: 'refusé' });
        if (!auth) return fail({ kind: 'needs-user', code: 'auth', userMessage: 'reconnectez-vous' });
        return { outcome: 'done' };
      }, { concurrency: 1 }),
    ]);
    await outbox.enqueue([1, 2, 3].map((n) => ({ kind: 'test.job', key: `k${n}`, payload: { n } })));
    await outbox.start();
    await outbox.waitForIdle();
    // After the first needs-user, the third job is not even tried.
    expect(await outbox.counts()).toEqual({ 'needs-review': 1, 'needs-user': 1, pending: 1 });
    expect(outbox.status().pausedKinds).toEqual(['test.job']);
    auth = true;
    expect(await outbox.resumeKind('test.job')).toBe(1);
    await outbox.waitForIdle();
    expect(await outbox.counts()).toEqual({ 'needs-review': 1, done: 2 });
  });

  it('keeps one job in flight per order key for an ordered kind, oldest first', async () => {
    const order: string[] = [];
    let inKeyA = 0;
    const { outbox } = await setup([
      kind(async (p) => {
        const key = p.n < 10 ? 'A' : 'B';
        if (key === 'A') expect(++inKeyA).toBe(1);
        order.push(`${key}${p.n}`);
        await new Promise((r) => setTimeout(r, 5));
        if (key === 'A') inKeyA -= 1;
        return { outcome: 'done' };
      }, { ordered: true }),
    ]);
    await outbox.enqueue([1, 2, 3, 11, 12].map((n) => ({ kind: 'test.job', key: `k${n}`, orderKey: n < 10 ? 'patient-A' : 'patient-B', payload: { n } })));
    await outbox.start();
    await outbox.waitForIdle();
    expect(order.filter((o) => o.startsWith('A'))).toEqual(['A1', 'A2', 'A3']);
    expect(order.filter((o) => o.startsWith('B'))).toEqual(['B11', 'B12']);
  });

  it('goes offline on a network failure without counting the attempt, probes, and resumes by itself', async () => {
    let up = false;
    const { outbox } = await setup([kind(async () => (up ? { outcome: 'done' } : fail({ kind: 'transient', code: 'network:ECONNREFUSED', userMessage: 'injoignable', offline: true })), { probe: async () => (up ? undefined : Promise.reject(new Error('down'))) })], { probe: { baseMs: 20, maxMs: 40 } });
    await outbox.start();
    await outbox.enqueue([{ kind: 'test.job', key: 'k', payload: { n: 1 } }]);
    await outbox.waitForIdle();
    expect(outbox.status()).toMatchObject({ connectivity: 'offline', offlinePeers: ['test'] });
    expect((await outbox.list())[0]).toMatchObject({ state: 'pending', attempts: 0 });
    const done = new Promise<void>((resolve) => outbox.on((e) => e.type === 'job' && e.state === 'done' && resolve()));
    up = true;
    await done;
    expect(outbox.status().connectivity).toBe('online');
  });

  it('holds a job that needs the card while the card is out', async () => {
    const { outbox } = await setup([kind(async () => ({ outcome: 'done' }), { needsCard: true })], { isCardPresent: () => false });
    await outbox.start();
    await outbox.enqueue([{ kind: 'test.job', key: 'k', payload: { n: 1 } }]);
    await outbox.waitForIdle();
    expect(outbox.status().waitingForCard).toBe(true);
    expect(await outbox.counts()).toEqual({ pending: 1 });
    outbox.cardChanged(true);
    await outbox.waitForIdle();
    expect(await outbox.counts()).toEqual({ done: 1 });
  });

  it('refuses to cancel a job in flight, cancels a waiting one', async () => {
    let release: () => void = () => undefined;
    const { outbox } = await setup([kind((p) => (p.n === 1 ? new Promise((r) => (release = () => r({ outcome: 'done' }))) : Promise.resolve({ outcome: 'done' })), { concurrency: 1 })]);
    const [first, second] = await outbox.enqueue([1, 2].map((n) => ({ kind: 'test.job', key: `k${n}`, payload: { n } })));
    await outbox.start();
    expect(await outbox.cancel(first ?? -1)).toBe(false);
    expect(await outbox.cancel(second ?? -1)).toBe(true);
    release();
    await outbox.waitForIdle();
    expect(await outbox.counts()).toEqual({ done: 1, cancelled: 1 });
  });

  it('after a crash, hands the jobs left `sending` to their handler with checkServer', async () => {
    const file = path.join(tempDir(), 'vault.db');
    const key = randomBytes(32);
    const first = await setup([kind(() => new Promise<JobResult>(() => undefined))], {}, file, key);
    await first.outbox.enqueue([{ kind: 'test.job', key: 'k', payload: { n: 1 } }]);
    await first.outbox.start();
    // "Crash": the vault closes with the job marked sending and the handler never answering.
    opened.splice(0);
    await first.vault.close();
    const contexts: JobContext[] = [];
    const second = await setup([kind(async (_p, ctx) => (contexts.push(ctx), { outcome: 'done', alreadyOnServer: true }))], {}, file, key);
    await second.outbox.start();
    await second.outbox.waitForIdle();
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({ checkServer: true, attempts: 2 });
    expect(contexts[0]?.claimedAt).toBeTypeOf('number');
    expect(await second.outbox.counts()).toEqual({ done: 1 });
  });
});
