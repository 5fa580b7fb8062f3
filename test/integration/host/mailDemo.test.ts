import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailFolderView, MailMessageView, MailStatusView, MailSummaryView } from '../../../shared/api/index.js';
import { DEMO_PIN } from '../../../electron/card/virtualCard.js';
import { createHost, type Host } from '../../../electron/host/createHost.js';
import { tempDir } from '../card/helpers.js';
import { appCaller, callHost, until, waitForCardState } from './support.js';

/**
 * Demo mode (trainers): no server, a fictitious mailbox written into the demo vault at its
 * first open, read and acted on through the same methods as a real one; nothing leaves.
 */
let host: Host;
const call = <T>(method: string, input: unknown) => callHost<T>(host, method, input);

beforeAll(async () => {
  const dir = tempDir('host-mail-demo');
  host = createHost({ mode: 'demo', hostKind: 'web', dataDir: path.join(dir, 'data'), appVersion: 'test', platform: 'linux', trustedOrigins: [appCaller.origin] });
  await host.ready;
  await call('demo.setCardInserted', { inserted: true });
  await waitForCardState(host, 'present');
  expect(await call('card.signIn', { pin: DEMO_PIN })).toMatchObject({ result: 'signed-in' });
}, 60_000);

afterAll(async () => {
  await host?.close();
});

describe('demo mailbox', () => {
  it('is there at the first open, in French, with a PDF and a read receipt asked', async () => {
    const { value } = await until(() => call<{ folders: MailFolderView[] }>('mail.folders', {}), (f) => f.folders.length > 0);
    expect(value.folders.map((f) => [f.path, f.specialUse])).toEqual([
      ['INBOX', '\\Inbox'],
      ['Sent', '\\Sent'],
    ]);
    expect(value.folders[0]).toMatchObject({ total: 5, unread: 3 });
    expect(await call<MailStatusView>('mail.status', {})).toMatchObject({ configured: true, connectivity: 'online', needsPscSignIn: false });

    const { items } = await call<{ total: number; items: MailSummaryView[] }>('mail.list', { folder: 'INBOX', offset: 0, limit: 50 });
    const withPdf = items.find((m) => m.hasAttachments && /consultation/.test(m.subject));
    const asking = items.find((m) => /accusé de lecture/.test(m.subject));
    if (withPdf === undefined || asking === undefined) throw new Error('demo messages missing');
    const message = await call<MailMessageView>('mail.get', { id: withPdf.id });
    const [pdf] = message.attachments;
    const bytes = Buffer.from((await call<{ dataBase64: string }>('mail.attachment', { id: pdf?.id })).dataBase64, 'base64');
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    expect(bytes.toString('latin1')).toMatch(/%%EOF\n$/);

    expect((await call<MailMessageView>('mail.get', { id: asking.id })).readReceipt).toBe('asked');
    await call('mail.answerReadReceipt', { id: asking.id, send: true });
    expect((await call<MailMessageView>('mail.get', { id: asking.id })).readReceipt).toBe('sent');

    expect((await call<{ items: MailSummaryView[] }>('mail.search', { query: 'accusé lecture', limit: 10 })).items.map((m) => m.id)).toEqual([asking.id]);

    // An IHE_XDM archive for a fictitious patient the registry does not hold: never attached.
    const withXdm = items.find((m) => /MARTIN-DURAND/.test(m.subject));
    const xdm = await until(() => call<MailMessageView>('mail.get', { id: withXdm?.id ?? 0 }), (m) => m.xdm?.match === 'unknown-patient');
    expect(xdm.value).toMatchObject({ patientId: null, xdm: { documents: [{ title: 'Résultats biologiques (démonstration)', typeCode: '11502-2' }] } });
  });

  it('flags and sending stay on this workstation', async () => {
    const [first] = (await call<{ items: MailSummaryView[] }>('mail.list', { folder: 'INBOX', offset: 0, limit: 1 })).items;
    await call('mail.setSeen', { id: first?.id, seen: true });
    await call('mail.setFlagged', { id: first?.id, flagged: true });
    expect((await call<MailMessageView>('mail.get', { id: first?.id ?? 0 })).flagged).toBe(true);
    expect(await call('mail.send', { to: ['alice.exemple@demo.mssante.invalid'], subject: 'Essai de formation', text: 'Bonjour' })).toEqual({ jobId: null });
    const sent = await call<{ items: MailSummaryView[] }>('mail.list', { folder: 'Sent', offset: 0, limit: 10 });
    expect(sent.items.map((m) => m.subject)).toContain('Essai de formation');
  });
});
