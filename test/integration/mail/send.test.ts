import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInsiResponse } from '../../../electron/identity/insiAnswer.js';
import { ECETINSI, fixture, testRegistry } from '../../../electron/identity/testSupport.js';
import { mdnOriginalFrom, parseMdn, shouldSendMdn } from '../../../electron/mail/mdn/mdn.js';
import { createSubmissionClient } from '../../../electron/mail/smtp/submissionClient.js';
import { newMessageId } from '../../../electron/mail/smtp/outgoingMail.js';
import { buildXdm, xdmPatientFromRecord } from '../../../electron/mail/xdm/buildXdm.js';
import { testCda } from '../../../electron/mail/xdm/testCda.js';
import { createMailMdnKind, mailMdnJob, MAIL_MDN } from '../../../electron/outbox/kinds/mailMdn.js';
import { createMailSendKind, MAIL_SEND, mailSendJob, mailSendPayload, type MssSettings } from '../../../electron/outbox/kinds/mailSend.js';
import { createOutbox, type Outbox } from '../../../electron/outbox/outbox.js';
import { silentLogger } from '../../../electron/policy/logger.js';
import { openVault, type Vault } from '../../../electron/vault/client.js';
import { DEFAULT_USERS, startMailServer, type TestMailServer, type TestMailUser } from '../../peers/mail/mailServer.js';
import { accountFor, waitForDelivery } from '../outbox/support.js';
import { testImapClient } from '../../peers/mail/imapClient.js';

/**
 * Sending on the real test operator (Postfix + Dovecot): a message with an IHE_XDM.ZIP, its PDF
 * and a read receipt goes through the outbox, arrives with the MSSanté headers and intact
 * files; the recipient's MDN goes back through `mail.mdn` and is tied to the sent message.
 */

let dir: string;
let server: TestMailServer;
let vault: Vault;
const [martin, durand, secretariat] = DEFAULT_USERS;
if (martin === undefined || durand === undefined || secretariat === undefined) throw new Error('test users');
const NIL = 'CADUCEE-TEST-NIL-0001';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-send-'));
  server = await startMailServer({ dir: path.join(dir, 'mail') });
  vault = await openVault({ file: path.join(dir, 'vault.db'), key: randomBytes(32) });
});
afterAll(async () => {
  await vault?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function withOutbox(body: (outbox: Outbox) => Promise<void>, mss: MssSettings = { mode: 'normal', productReference: NIL }, v: Vault = vault): Promise<void> {
  const accounts = [accountFor(server, martin!), accountFor(server, durand!)];
  const outbox = createOutbox({
    vault: v,
    kinds: [createMailSendKind({ accounts, log: silentLogger, mss }), createMailMdnKind({ accounts, log: silentLogger })],
    log: silentLogger,
    retry: { baseMs: 100, maxMs: 5_000, maxAttempts: 3 },
  });
  await outbox.start();
  try {
    await body(outbox);
  } finally {
    await outbox.stop();
  }
}

/** Polls `user`'s INBOX for the message with that Message-ID (or the first matching `pick`), parsed. */
async function fetchParsed(user: TestMailUser, find: { messageId: string } | { pick: (m: ParsedMail) => boolean }, timeoutMs = 20_000): Promise<ParsedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = testImapClient(server, user);
    await client.connect();
    try {
      const box = await client.mailboxOpen('INBOX', { readOnly: true });
      if (box.exists > 0) {
        for await (const msg of client.fetch('1:*', { source: true })) {
          if (msg.source === undefined) continue;
          const parsed = await simpleParser(msg.source);
          if ('messageId' in find ? parsed.messageId === find.messageId : find.pick(parsed)) return parsed;
        }
      }
    } finally {
      await client.logout();
    }
    if (Date.now() > deadline) throw new Error('message not delivered');
    await new Promise((r) => setTimeout(r, 300));
  }
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3000), Buffer.from('\n%%EOF\n')]);


/** An IHE_XDM.ZIP for the qualified test patient (as in xdm.test.ts). */
async function qualifiedXdm() {
  const t = testRegistry();
  const p = await t.registry.create({ traits: ECETINSI });
  const r = await t.registry.recordInsiResult(p.id, p.version, parseInsiResponse(fixture('padoa+tlsi-ins/TEST_2.04_cas2.xml'), 'recherche', Date.now()));
  const q = await t.registry.recordDocumentCheck(r.id, r.version, 'passeport');
  expect(q.status).toBe('qualifiee');
  return buildXdm({
    mode: 'production',
    patient: xdmPatientFromRecord(q),
    author: {
      idNat: '810012345678',
      family: 'MEDECIN',
      given: 'Jeanne',
      specialty: { code: 'SM26', scheme: '1.2.250.1.71.4.2.5', displayName: 'Qualifié en médecine générale' },
      institution: { name: 'Cabinet du Parc', id: '3123456789' },
    },
    documents: [
      {
        cda: testCda(),
        classCode: { code: '11', scheme: '1.2.250.1.213.1.1.4.1', displayName: 'Compte rendu' },
        healthcareFacilityType: { code: 'SA07', scheme: '1.2.250.1.71.4.2.4', displayName: 'Cabinet individuel' },
        practiceSetting: { code: 'AMBULATOIRE', scheme: '1.2.250.1.213.1.1.4.9', displayName: 'Ambulatoire' },
      },
    ],
    sourceId: '1.2.250.1.999.1',
    contentType: { code: '04', scheme: '1.2.250.1.213.2.2', displayName: 'Hospitalisation de jour' },
    vendor: { name: 'Caducée SAS', product: 'Caducée', version: '0.1.0', contact: 'support@example.invalid' },
    now: new Date('2026-11-28T10:20:00Z'),
  });
}

const ALL_STATES = ['pending', 'sending', 'retry-wait', 'needs-review', 'needs-user', 'invalid', 'done', 'cancelled'] as const;
const jobOf = async (outbox: Outbox, id: number | null | undefined) => (await outbox.list({ states: ALL_STATES })).find((j) => j.id === id);

const header = (m: ParsedMail, name: string) => m.headers.get(name);

describe('sending MSSanté mail through the outbox', () => {
  it('XDM + PDF + read receipt arrive with the MSSanté headers and intact files; the MDN comes back through mail.mdn, tied to the message', async () => {
    const xdm = await qualifiedXdm();
    expect(xdm.headers).toEqual({ 'X-MSS-CODECDA': '11502-2', 'X-MSS-INS': 'O' });
    const job = mailSendJob({
      account: martin.address,
      to: [durand.address],
      subject: 'XDM/1.0/DDM+Compte rendu ECETINSI Pierre-Alain 14/07/2009',
      text: 'Bonjour,\nci-joint le compte rendu.\n',
      html: '<p>Bonjour,<br>ci-joint le compte rendu.</p>',
      xdm: { zip: xdm.zip, headers: xdm.headers, pdf: { filename: 'CR_ECETINSI.pdf', content: PDF } },
      readReceipt: true,
    });
    const messageId = job.key;
    // The payload holds the files inline, bounded; the whole of it survives the JSON round trip.
    expect(mailSendPayload.parse(JSON.parse(JSON.stringify(job.payload)))).toMatchObject({ readReceipt: true, xdmHeaders: xdm.headers });

    await withOutbox(async (outbox) => {
      const [id] = await outbox.enqueue([job]);
      await outbox.waitForIdle();
      expect(await jobOf(outbox, id)).toMatchObject({ state: 'done' });
    });

    const received = await fetchParsed(durand, { messageId });
    expect(header(received, 'x-mss-nil')).toBe(NIL);
    expect(header(received, 'x-mss-codecda')).toBe('11502-2');
    expect(header(received, 'x-mss-ins')).toBe('O');
    expect((header(received, 'disposition-notification-to') as { value: { address: string }[] }).value[0]?.address).toBe(martin.address);
    expect(received.text).toContain('ci-joint le compte rendu.');
    expect(received.html).toContain('<p>Bonjour,');
    const files = received.attachments.map((a) => ({ name: a.filename, type: a.contentType, bytes: a.content }));
    expect(files.map((f) => [f.name, f.type])).toEqual([
      ['IHE_XDM.ZIP', 'application/zip'],
      ['CR_ECETINSI.pdf', 'application/pdf'],
    ]);
    expect(files[0]?.bytes.equals(xdm.zip)).toBe(true);
    expect(files[1]?.bytes.equals(PDF)).toBe(true);

    // B's side: the receipt is due (Disposition-Notification-To is the Return-Path).
    expect(shouldSendMdn(received)).toEqual({ send: true, to: martin.address });
    const original = mdnOriginalFrom(received);
    const mdn = mailMdnJob({ account: durand.address, original, disposition: 'processed', reportingUa: 'caducee.test; Caducée 0.1.0' });
    await withOutbox(async (outbox) => {
      const [id] = await outbox.enqueue([mdn]);
      // Same original, same mailbox: never a second MDN, even from a new job.
      const [again] = await outbox.enqueue([mailMdnJob({ account: durand.address, original, disposition: 'processed', reportingUa: 'x' })]);
      expect(again ?? null).toBeNull();
      await outbox.waitForIdle();
      expect(await jobOf(outbox, id)).toMatchObject({ state: 'done', kind: MAIL_MDN });
    });

    // A's side: the report is read and tied to the sent message.
    const report = await fetchParsed(martin, { pick: (m) => parseMdn(m)?.originalMessageId === messageId });
    expect(parseMdn(report)).toMatchObject({ originalMessageId: messageId, disposition: 'processed', actionMode: 'automatic-action', finalRecipient: durand.address });
    expect(parseMdn(report)?.error).toBeUndefined();
    expect((report.headers.get('content-type') as { value: string; params: Record<string, string> }).params['report-type']).toBe('disposition-notification');
    // A report never asks for, nor triggers, another one.
    expect(shouldSendMdn(report)).toMatchObject({ send: false });
    const counts = await waitForDelivery(server, martin, 1);
    expect([...counts.keys()].filter((k) => k === mdn.payload['messageId'])).toHaveLength(1);
  });

  it('no automatic MDN when Disposition-Notification-To differs from the Return-Path, nor when none is asked', async () => {
    const smtp = createSubmissionClient(accountFor(server, martin), silentLogger);
    const other = newMessageId(martin.address, `dnt-${Date.now()}`);
    const plain = newMessageId(martin.address, `plain-${Date.now()}`);
    try {
      await smtp.send({ messageId: other, date: Date.now(), from: martin.address, to: [durand.address], subject: 'Accusé vers un tiers', text: 'x', mssNil: NIL, dispositionNotificationTo: secretariat.address });
      await smtp.send({ messageId: plain, date: Date.now(), from: martin.address, to: [durand.address], subject: 'Sans accusé', text: 'x', mssNil: NIL });
    } finally {
      smtp.close();
    }
    const received = await fetchParsed(durand, { messageId: other });
    expect((header(received, 'return-path') as { value: { address: string }[] }).value[0]?.address).toBe(martin.address);
    expect(shouldSendMdn(received)).toEqual({ send: false, reason: 'return-path-differs', to: secretariat.address });
    // The user's setting allows it: then it goes to the address asked.
    expect(shouldSendMdn(received, { allowOtherThanReturnPath: true })).toEqual({ send: true, to: secretariat.address });
    expect(shouldSendMdn(await fetchParsed(durand, { messageId: plain }))).toEqual({ send: false, reason: 'not-requested' });
  });

  it('a payload queued before these fields existed still parses and is sent (with X-MSS-NIL)', async () => {
    const messageId = newMessageId(martin.address, `old-${Date.now()}`);
    const old = { account: martin.address, messageId, date: Date.now(), from: martin.address, to: [durand.address], subject: 'Ancien format', text: 'x', messageRowId: 1 };
    expect(mailSendPayload.safeParse(old).success).toBe(true);
    await withOutbox(async (outbox) => {
      const [id] = await outbox.enqueue([{ kind: MAIL_SEND, key: messageId, orderKey: martin.address, payload: old }]);
      await outbox.waitForIdle();
      expect(await jobOf(outbox, id)).toMatchObject({ state: 'done' });
    });
    const received = await fetchParsed(durand, { messageId });
    expect(header(received, 'x-mss-nil')).toBe(NIL);
    expect(header(received, 'x-mss-codecda')).toBeUndefined();
    expect(header(received, 'disposition-notification-to')).toBeUndefined();
  });

  it('normal mode without a product reference: nothing leaves, the user is asked to fill the setting', async () => {
    const other = await openVault({ file: path.join(dir, 'vault-nonil.db'), key: randomBytes(32) });
    try {
      await withOutbox(
        async (outbox) => {
          const [id] = await outbox.enqueue([mailSendJob({ account: martin.address, to: [durand.address], subject: 'Sans NIL', text: 'x' })]);
          await outbox.waitForIdle();
          const job = await jobOf(outbox, id);
          expect(job).toMatchObject({ state: 'needs-user', lastErrorCode: 'mss-nil-missing' });
          expect(job?.lastErrorMessage).toMatch(/X-MSS-NIL/);
        },
        { mode: 'normal' },
        other,
      );
    } finally {
      await other.close();
    }
  });
});
