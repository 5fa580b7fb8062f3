import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailAccountSettings } from '../../../electron/mail/smtp/settings.js';
import { createMailSendKind, MAIL_SEND, mailSendJob } from '../../../electron/outbox/kinds/mailSend.js';
import { createOutbox, type Outbox } from '../../../electron/outbox/outbox.js';
import { createSubmissionClient } from '../../../electron/mail/smtp/submissionClient.js';
import { mailSendPayload } from '../../../electron/outbox/kinds/mailSend.js';
import { createLogger, silentLogger } from '../../../electron/policy/logger.js';
import { openVault, type Vault } from '../../../electron/vault/client.js';
import { DEFAULT_USERS, startMailServer, type TestMailServer } from '../../peers/mail/mailServer.js';
import { accountFor, countMessageIds, waitForDelivery } from './support.js';

let dir: string;
let server: TestMailServer;
let vault: Vault;
const [martin, durand, secretariat] = DEFAULT_USERS;
if (martin === undefined || durand === undefined || secretariat === undefined) throw new Error('test users');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-failures-'));
  // The secretariat's operator files no Sent copy: Caducée appends one itself.
  server = await startMailServer({ dir: path.join(dir, 'mail'), serverSentCopy: [martin.address, durand.address] });
  vault = await openVault({ file: path.join(dir, 'vault.db'), key: randomBytes(32) });
});
afterAll(async () => {
  await vault?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function withOutbox(accounts: MailAccountSettings[], body: (outbox: Outbox) => Promise<void>, settleMs = 30_000): Promise<void> {
  const log = process.env.DEBUG_OUTBOX !== undefined ? createLogger({ write: (l) => console.log(l) }, 'debug') : silentLogger;
  const outbox = createOutbox({ vault, kinds: [createMailSendKind({ accounts, log, settleMs, recheckEveryMs: 100 })], log, retry: { baseMs: 100, maxMs: 60_000, maxAttempts: 3 } });
  await outbox.start();
  try {
    await body(outbox);
  } finally {
    await outbox.stop();
  }
}

describe('outbox failures against the real server', () => {
  it('classifies 451 (retry hint honoured), 550 (à vérifier) and a refused login (paused until the user acts)', async () => {
    await withOutbox([accountFor(server, martin)], async (outbox) => {
      const [tempId, refusedId] = await outbox.enqueue([
        mailSendJob({ account: martin.address, to: [server.tempfailAddress], subject: 'Plus tard', text: 'x' }),
        mailSendJob({ account: martin.address, to: [server.refusedAddress], subject: 'Refusé', text: 'x' }),
      ]);
      const before = Date.now();
      await outbox.waitForIdle();
      const jobs = await outbox.list();
      const temp = jobs.find((j) => j.id === tempId);
      const refused = jobs.find((j) => j.id === refusedId);
      expect(temp).toMatchObject({ state: 'retry-wait', attempts: 1, lastErrorCode: 'smtp:451' });
      // "try again in 2 seconds": a floor over the 100 ms backoff.
      expect(temp?.nextAttemptAt).toBeGreaterThanOrEqual(before + 2_000);
      expect(refused).toMatchObject({ state: 'needs-review', lastErrorCode: 'smtp:550' });
      expect(refused?.lastErrorMessage).toMatch(/Destinataire refusé/);
      expect(await outbox.cancel(tempId ?? -1)).toBe(true);
    });

    const wrong = accountFor(server, martin, { auth: { type: 'password', user: martin.address, password: () => Promise.resolve('mauvais') } });
    await withOutbox([wrong], async (outbox) => {
      const [id] = await outbox.enqueue([mailSendJob({ account: martin.address, to: [durand.address], subject: 'Auth', text: 'x' })]);
      await outbox.waitForIdle();
      expect((await outbox.list()).find((j) => j.id === id)).toMatchObject({ state: 'needs-user', attempts: 0, lastErrorCode: 'auth' });
      expect(outbox.status().pausedKinds).toEqual([MAIL_SEND]);
    });
    // The user typed the right password: a new session resumes the paused kind.
    await withOutbox([accountFor(server, martin)], async (outbox) => {
      expect(outbox.status().pausedKinds).toEqual([MAIL_SEND]);
      expect(await outbox.resumeKind(MAIL_SEND)).toBe(1);
      await outbox.waitForIdle();
      expect((await outbox.list({ states: ['done'] })).map((j) => j.subject)).toContain('Auth');
    });
  });

  it('appends the Sent copy itself, with the same Message-ID, when the operator files none', async () => {
    await withOutbox([accountFor(server, secretariat, { serverFilesSentCopy: false })], async (outbox) => {
      const job = mailSendJob({ account: secretariat.address, to: [durand.address], subject: 'Copie', text: 'x' });
      await outbox.enqueue([job]);
      await outbox.waitForIdle();
      const sent = await countMessageIds(server, secretariat, 'Sent');
      expect([...sent]).toEqual([[job.key, 1]]);
      const inbox = await waitForDelivery(server, durand, 2);
      expect(inbox.get(job.key)).toBe(1);
    });
  });

  it('after a crash, does not resend what the server accepted, and resends what it never got', async () => {
    const reached = mailSendJob({ account: martin.address, to: [durand.address], subject: 'Parti avant le crash', text: 'x' });
    const lost = mailSendJob({ account: martin.address, to: [durand.address], subject: 'Jamais parti', text: 'x' });
    const ids = (await vault.outboxEnqueue([reached, lost].map((j) => ({ ...j, ordered: false, orderKey: j.orderKey ?? null, notBefore: 0 })))).filter((id): id is number => id !== null);
    // The previous session marked both `sending`; only the first got its 250 before the crash.
    expect((await vault.outboxClaim(ids)).map((j) => j.state)).toEqual(['sending', 'sending']);
    const smtp = createSubmissionClient(accountFor(server, martin), silentLogger);
    const { messageRowId: _r, account: _a, ...mail } = mailSendPayload.parse(reached.payload);
    await smtp.send(mail);
    smtp.close();

    const before = await countMessageIds(server, durand);
    await withOutbox([accountFor(server, martin)], async (outbox) => {
      const done = new Promise<void>((resolve) => {
        const left = new Set(ids);
        outbox.on((e) => {
          if (process.env.DEBUG_OUTBOX !== undefined) console.log(JSON.stringify(e));
          if (e.type === 'job' && e.state === 'done') left.delete(e.id);
          if (left.size === 0) resolve();
        });
      });
      await done;
    }, 1_500);
    const arriving = before.has(reached.key) ? 1 : 2;
    const inbox = await waitForDelivery(server, durand, [...before.values()].reduce((a, b) => a + b, 0) + arriving);
    expect(inbox.get(reached.key)).toBe(1);
    expect(inbox.get(lost.key)).toBe(1);
  });
});
