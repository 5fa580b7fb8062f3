import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailFolderView, OutboxView, PatientResult } from '../../../shared/api/index.js';
import { demoPdf } from '../../../electron/demo/demoMailbox.js';
import type { Host } from '../../../electron/host/createHost.js';
import { computeInsKey } from '../../../electron/identity/insMatricule.js';
import { INS_OID } from '../../../electron/identity/insOid.js';
import { testImapClient } from '../../peers/mail/imapClient.js';
import { startMailServer, type TestMailServer, type TestMailUser } from '../../peers/mail/mailServer.js';
import { startInsiSimulator, type InsiSimulator } from '../../peers/insi/insiSimulator.js';
import { createTestCard, type TestCard } from '../../peers/softhsm/createTestCard.js';
import { tempDir } from '../card/helpers.js';
import { findMessage, getMessage, mailHost, mailStatus, signInAs } from './mailSupport.js';
import { callHost, until } from './support.js';

/**
 * The mailbox inside the product, between two practitioners on the real test operator: A
 * sends B a PDF asking for a read receipt; B's host syncs it (list, get, attachment bytes),
 * answers the receipt, and A's host shows it on its sent message. Flags go both ways, a flag
 * changed while the operator is down is replayed once it is back. IHE_XDM archives for a
 * patient B knows (linked) and one B does not (unknown-patient).
 */
let server: TestMailServer;
let sim: InsiSimulator;
let cardA: TestCard;
let cardB: TestCard;
let hostA: Host;
let hostB: Host;
let martin: TestMailUser;
let durand: TestMailUser;
let dir: string;

const TEST_MATRICULE = '1850612345678';
const identity = { matricule: TEST_MATRICULE, key: computeInsKey(TEST_MATRICULE) ?? '', oid: INS_OID.test, birthName: 'QUALIFTEST', firstNames: 'ANNE MARIE', sex: 'F' as const, birthDate: '1985-06-12', birthPlace: '12345' };
const PDF = demoPdf(['Compte rendu de test', 'Patient fictif']);

const a = <T>(method: string, input: unknown) => callHost<T>(hostA, method, input);
const b = <T>(method: string, input: unknown) => callHost<T>(hostB, method, input);
const created = (r: unknown) => {
  const result = r as PatientResult;
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  return result.patient;
};

/** A qualified patient (INSi simulator + identity document), through the host's own methods. */
async function qualifiedPatient(host: Host): Promise<number> {
  const call = <T>(m: string, i: unknown) => callHost<T>(host, m, i);
  const p = created(await call('patients.create', { traits: { birthName: 'Qualiftest', firstNames: 'Anne', sex: 'F', birthDate: '12/06/1985' } }));
  const lookup = await call<{ ok: boolean; token: string | null }>('patients.insiLookup', { id: p.id });
  if (!lookup.ok || lookup.token === null) throw new Error('no INSi answer');
  const confirmed = created(await call('patients.insiConfirm', { id: p.id, version: p.version, token: lookup.token }));
  return created(await call('patients.recordDocumentCheck', { id: p.id, version: confirmed.version, document: 'carte-identite' })).id;
}

async function serverFlags(user: TestMailUser, subject: string): Promise<string[]> {
  const client = testImapClient(server, user);
  await client.connect();
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    for await (const m of client.fetch('1:*', { envelope: true, flags: true })) if (m.envelope?.subject === subject) return [...(m.flags ?? [])].sort();
    return [];
  } finally {
    await client.logout();
  }
}

async function storeOnServer(user: TestMailUser, subject: string, flag: string, on: boolean): Promise<void> {
  const client = testImapClient(server, user);
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    // imapflow runs one command at a time: no STORE inside the FETCH loop.
    const uids: number[] = [];
    for await (const m of client.fetch('1:*', { envelope: true, uid: true })) if (m.envelope?.subject === subject) uids.push(m.uid);
    for (const uid of uids) {
      if (on) await client.messageFlagsAdd(String(uid), [flag], { uid: true });
      else await client.messageFlagsRemove(String(uid), [flag], { uid: true });
    }
  } finally {
    await client.logout();
  }
}

beforeAll(async () => {
  dir = tempDir('host-mail');
  server = await startMailServer({ dir: path.join(dir, 'mail') });
  [martin, durand] = server.users as [TestMailUser, TestMailUser];
  sim = await startInsiSimulator({ idam: 'TESTIDAM0001', identities: [identity] });
  cardA = await createTestCard(path.join(dir, 'cards'), 'valid', { tokenLabel: 'CPS MARTIN' });
  cardB = await createTestCard(path.join(dir, 'cards'), 'valid', { tokenLabel: 'CPS DURAND', freshKeys: true, practitioner: { rpps: '10100000025', lastName: 'DURAND-TEST' } });
  const insi = { identityMode: 'qualification' as const, insi: { endpoint: sim.url, idam: 'TESTIDAM0001', instance: 'caducee-test-1', timeoutMs: 5_000 } };
  hostA = mailHost(cardA, path.join(dir, 'a'), server, martin, insi);
  hostB = mailHost(cardB, path.join(dir, 'b'), server, durand, { ...insi, mailRemoteContentAllowLoopbackHttp: true });
  await Promise.all([hostA.ready, hostB.ready]);
  await signInAs(hostA, 'HÉBERT-TEST', cardA.pin);
  await signInAs(hostB, 'DURAND-TEST', cardB.pin);
  for (const host of [hostA, hostB]) await until(() => mailStatus(host), (s) => s.connectivity === 'online' && s.lastSyncAt !== null, 30_000);
}, 120_000);

afterAll(async () => {
  await hostA?.close();
  await hostB?.close();
  await server?.stop();
  await sim?.close();
});

describe('messaging between two practitioners (real operator)', () => {
  let sentSubject = '';
  let receivedId = 0;

  it('A sends B a PDF with a read receipt; B lists it, reads it and gets the same bytes', async () => {
    sentSubject = `Compte rendu ${Date.now()}`;
    const { jobId } = await a<{ jobId: number }>('mail.send', {
      to: [durand.address],
      subject: sentSubject,
      text: 'Bonjour, voici le compte rendu.',
      attachments: [{ filename: 'compte-rendu.pdf', contentType: 'application/pdf', dataBase64: PDF.toString('base64') }],
      readReceipt: true,
    });
    await until(() => a<OutboxView>('outbox.list', {}), (v) => v.jobs.some((j) => j.id === jobId && j.state === 'done'), 30_000);

    const summary = await findMessage(hostB, 'INBOX', sentSubject, 30_000);
    expect(summary).toMatchObject({ seen: false, hasAttachments: true, from: expect.stringContaining(martin.address) });
    const message = await until(() => getMessage(hostB, summary.id), (m) => m.readReceipt === 'asked', 20_000);
    expect(message.value).toMatchObject({ bodyText: expect.stringContaining('voici le compte rendu'), receipts: [], xdm: null });
    const [attachment] = message.value.attachments;
    expect(attachment).toMatchObject({ filename: 'compte-rendu.pdf', mime: 'application/pdf', size: PDF.length });
    const bytes = await b<{ dataBase64: string; filename: string }>('mail.attachment', { id: attachment?.id });
    expect(Buffer.from(bytes.dataBase64, 'base64').equals(PDF)).toBe(true);
    const folders = await b<{ folders: MailFolderView[] }>('mail.folders', {});
    expect(folders.folders[0]).toMatchObject({ path: 'INBOX', specialUse: '\\Inbox' });
    expect(folders.folders[0]?.unread).toBeGreaterThanOrEqual(1);
    receivedId = summary.id;
  });

  it('B answers the read receipt once; A sees it on the sent message', async () => {
    await b('mail.answerReadReceipt', { id: receivedId, send: true });
    await b('mail.answerReadReceipt', { id: receivedId, send: true });
    expect((await getMessage(hostB, receivedId)).readReceipt).toBe('sent');
    await until(() => b<OutboxView>('outbox.list', {}), (v) => v.jobs.some((j) => j.kind === 'mail.mdn' && j.state === 'done') && v.jobs.filter((j) => j.kind === 'mail.mdn').length === 1, 30_000);

    const sent = await findMessage(hostA, 'Sent', sentSubject, 30_000);
    // Without any explicit resync, the Sent copy arrives soon after the send and carries the PDF.
    // (The local row may merge away between the list and the read: read again then.)
    const sentWithPdf = await until(
      async () => getMessage(hostA, (await findMessage(hostA, 'Sent', sentSubject)).id).catch(() => null),
      (m) => m?.attachments.some((x) => x.filename === 'compte-rendu.pdf') === true,
      15_000,
    );
    expect(sentWithPdf.value?.attachments.map((x) => x.filename)).toEqual(['compte-rendu.pdf']);
    const withReceipt = await until(
      async () => {
        await a('mail.syncNow', {});
        return getMessage(hostA, (await findMessage(hostA, 'Sent', sentSubject)).id);
      },
      (m) => m.receipts.length > 0,
      30_000,
    );
    expect(withReceipt.value.receipts).toEqual([{ recipient: durand.address, disposition: 'processed', at: expect.any(Number) }]);
    // One row for the sent message: the local copy merged into the server's.
    const rows = (await a<{ items: { subject: string }[] }>('mail.list', { folder: 'Sent', offset: 0, limit: 100 })).items.filter((m) => m.subject === sentSubject);
    expect(rows.length).toBe(1);
    expect(sent.subject).toBe(sentSubject);
  });

  it('flags go both ways', async () => {
    await b('mail.setSeen', { id: receivedId, seen: true });
    await b('mail.setFlagged', { id: receivedId, flagged: true });
    expect(await serverFlags(durand, sentSubject)).toEqual(expect.arrayContaining(['\\Seen', '\\Flagged']));

    await storeOnServer(durand, sentSubject, '\\Seen', false);
    const { value } = await until(() => findMessage(hostB, 'INBOX', sentSubject), (m) => !m.seen, 20_000);
    expect(value).toMatchObject({ seen: false, flagged: true });
  });

  it('a flag changed while the operator is down is kept, then replayed on the server', async () => {
    await server.stop();
    await until(() => mailStatus(hostB), (s) => s.connectivity === 'offline', 20_000);
    await b('mail.setFlagged', { id: receivedId, flagged: false });
    expect((await findMessage(hostB, 'INBOX', sentSubject)).flagged).toBe(false);
    // Not on « Envois en attente »: bookkeeping, not a message.
    expect((await b<OutboxView>('outbox.list', {})).jobs.some((j) => j.kind === 'mail.flags')).toBe(false);

    await server.start();
    await until(() => serverFlags(durand, sentSubject), (flags) => !flags.includes('\\Flagged'), 60_000);
    await until(() => mailStatus(hostB), (s) => s.connectivity === 'online', 30_000);
    expect((await findMessage(hostB, 'INBOX', sentSubject)).flagged).toBe(false);
  });

  it('B replies: In-Reply-To set, and the answered message flagged \\Answered', async () => {
    const { jobId } = await b<{ jobId: number }>('mail.send', { to: [martin.address], subject: `RE: ${sentSubject}`, text: 'Merci.', replyToId: receivedId });
    await until(() => b<OutboxView>('outbox.list', {}), (v) => v.jobs.some((j) => j.id === jobId && j.state === 'done'), 30_000);
    await until(() => findMessage(hostB, 'INBOX', sentSubject), (m) => m.answered, 20_000);
    expect(await serverFlags(durand, sentSubject)).toContain('\\Answered');
    const reply = await findMessage(hostA, 'INBOX', `RE: ${sentSubject}`, 30_000);
    const original = (await getMessage(hostB, receivedId)).messageId;
    const client = testImapClient(server, martin);
    await client.connect();
    try {
      await client.mailboxOpen('INBOX', { readOnly: true });
      const found: string[] = [];
      for await (const m of client.fetch('1:*', { envelope: true })) if (m.envelope?.subject === `RE: ${sentSubject}`) found.push(m.envelope.inReplyTo ?? '');
      expect(found).toEqual([original]);
    } finally {
      await client.logout();
    }
    expect(reply.subject).toBe(`RE: ${sentSubject}`);
  });

  it('shows remote images only when asked: fetched by main, inlined, sanitised again', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
    let hits = 0;
    const images = http.createServer((_req, res) => {
      hits += 1;
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(png);
    });
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(images.address() as AddressInfo).port}/logo.png`;
      const subject = `Lettre avec logo ${Date.now()}`;
      const raw = [`From: ${martin.address}`, `To: ${durand.address}`, `Subject: ${subject}`, `Message-ID: <logo-${Date.now()}@medecin.test>`, 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', `<p>Bonjour</p><img src="${url}" alt="logo"><script>alert(1)</script>`, ''].join('\r\n');
      const client = testImapClient(server, durand);
      await client.connect();
      await client.append('INBOX', raw);
      await client.logout();

      const summary = await findMessage(hostB, 'INBOX', subject, 30_000);
      const { value: blocked } = await until(() => getMessage(hostB, summary.id), (m) => m.bodyHtml !== null, 20_000);
      expect(blocked).toMatchObject({ remoteContentBlocked: true, bodyHtml: expect.stringContaining('data-blocked-src') });
      expect(hits).toBe(0);
      const shown = await b<{ bodyHtml: string }>('mail.remoteContent', { id: summary.id });
      expect(shown.bodyHtml).toContain(`src="data:image/png;base64,${png.toString('base64')}"`);
      expect(shown.bodyHtml).not.toMatch(/<script|data-blocked-src/);
      expect(hits).toBe(1);
    } finally {
      images.closeAllConnections();
      await new Promise((resolve) => images.close(resolve));
    }
  });

  it('an IHE_XDM for a patient B has is linked; one for a patient B does not have is not', async () => {
    const onA = await qualifiedPatient(hostA);
    const onB = await qualifiedPatient(hostB);
    const stranger = created(await a('patients.create', { traits: { birthName: 'Inconnutest', firstNames: 'Paul', sex: 'M', birthDate: '03/04/1970' } }));
    const pdf = { filename: 'cr.pdf', contentType: 'application/pdf', dataBase64: PDF.toString('base64') };
    const known = `XDM connu ${Date.now()}`;
    const unknown = `XDM inconnu ${Date.now()}`;
    await a('mail.send', { to: [durand.address], subject: known, text: 'CR', attachments: [pdf], patientId: onA, xdm: true });
    await a('mail.send', { to: [durand.address], subject: unknown, text: 'CR', attachments: [pdf], patientId: stranger.id, xdm: true });

    const linked = await until(async () => getMessage(hostB, (await findMessage(hostB, 'INBOX', known, 30_000)).id), (m) => m.xdm !== null && m.xdm.match !== 'to-review', 30_000);
    expect(linked.value).toMatchObject({ patientId: onB, xdm: { match: 'linked', documents: [{ title: 'cr', typeCode: '11488-4' }] } });
    expect(linked.value.attachments.map((x) => x.filename).sort()).toEqual(['IHE_XDM.ZIP', 'cr.pdf']);
    const other = await until(async () => getMessage(hostB, (await findMessage(hostB, 'INBOX', unknown, 30_000)).id), (m) => m.xdm !== null && m.xdm.match !== 'to-review', 30_000);
    expect(other.value).toMatchObject({ patientId: null, xdm: { match: 'unknown-patient', message: expect.stringMatching(/inconnu/) } });
    // MSSanté headers of the archive, as the operator delivered them.
    const client = testImapClient(server, durand);
    await client.connect();
    try {
      await client.mailboxOpen('INBOX', { readOnly: true });
      const headers: Record<string, string> = {};
      for await (const m of client.fetch('1:*', { envelope: true, headers: ['x-mss-codecda', 'x-mss-ins'] })) {
        if (m.envelope?.subject === known || m.envelope?.subject === unknown) headers[m.envelope.subject] = String(m.headers).replace(/\s+/g, ' ').trim();
      }
      expect(headers[known]).toMatch(/X-MSS-CODECDA: 11488-4 X-MSS-INS: O/i);
      expect(headers[unknown]).toMatch(/X-MSS-INS: N/i);
    } finally {
      await client.logout();
    }
    // The patient link of the sent message, on A's side.
    expect((await findMessage(hostA, 'Sent', known, 30_000)).patientId).toBe(onA);
  });

  it('writes no address, subject, name or body into either log', () => {
    const logs = ['a', 'b'].flatMap((h) => {
      const folder = path.join(dir, h, 'logs');
      return fs.readdirSync(folder).map((f) => fs.readFileSync(path.join(folder, f), 'utf8'));
    });
    expect(logs.join('').length).toBeGreaterThan(0);
    for (const secret of [martin.address, durand.address, sentSubject, 'Compte rendu', 'QUALIFTEST', 'Qualiftest', 'voici le compte rendu', PDF.toString('base64').slice(0, 40)]) {
      expect(logs.some((l) => l.includes(secret)), secret).toBe(false);
    }
  });
});
