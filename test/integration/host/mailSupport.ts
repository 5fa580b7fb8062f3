import fs from 'node:fs';
import path from 'node:path';
import type { CardView, MailMessageView, MailStatusView, MailSummaryView } from '../../../shared/api/index.js';
import type { Host } from '../../../electron/host/createHost.js';
import type { HostConfig } from '../../../electron/host/config.js';
import type { TestMailServer, TestMailUser } from '../../peers/mail/mailServer.js';
import type { TestCard } from '../../peers/softhsm/createTestCard.js';
import { callHost, hostOnTestCard, until } from './support.js';

/**
 * Two practitioners on one machine for the messaging tests: two SoftHSM2 tokens in one token
 * directory (one PKCS#11 library per process), each host signed in with its own card. No
 * rescan: a C_Finalize by one host would end the other's session (the tokens exist before the
 * hosts start, so nothing needs rediscovering).
 */
export function mailHost(card: TestCard, dataDir: string, server: TestMailServer, user: TestMailUser, extra: Partial<HostConfig> = {}): Host {
  const caFile = path.join(dataDir, 'operator-ca.pem');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(caFile, server.tls.caPem);
  const endpoint = (port: number) => ({ host: '127.0.0.1', port, caFile, servername: 'localhost' });
  return hostOnTestCard(card, dataDir, {
    card: { modulePath: card.modulePath, anchorFolders: [card.anchorsDir], crlSources: [card.crlPath], rescan: false, pollIntervalMs: 200 },
    mail: {
      address: user.address,
      submission: endpoint(server.submissionPort),
      imap: endpoint(server.imapPort),
      auth: { type: 'password', user: user.address, password: user.password },
      serverFilesSentCopy: true,
      productReference: 'CADUCEE-TEST-NIL',
      settleMs: 2_000,
    },
    ...extra,
  });
}

/** Signs in with the card of practitioner `lastName`, whichever slot holds it. */
export async function signInAs(host: Host, lastName: string, pin: string): Promise<void> {
  const present = (await until(() => callHost<CardView>(host, 'card.getState', {}), (v) => v.state === 'present' && v.otherSlots.length >= 1, 10_000)).value;
  if (present.state !== 'present') throw new Error('no card');
  for (const slot of [present.slotId, ...present.otherSlots]) {
    await callHost(host, 'card.selectSlot', { slotId: slot });
    const view = await callHost<CardView>(host, 'card.getState', {});
    if (view.state === 'present' && view.check.kind === 'ok' && view.check.practitioner.lastName === lastName) {
      const result = await callHost<{ result: string }>(host, 'card.signIn', { pin, slotId: slot });
      if (result.result !== 'signed-in') throw new Error(`sign-in: ${result.result}`);
      return;
    }
  }
  throw new Error(`no card for ${lastName}`);
}

export const mailStatus = (host: Host) => callHost<MailStatusView>(host, 'mail.status', {});

export async function findMessage(host: Host, folder: string, subject: string, timeoutMs = 20_000): Promise<MailSummaryView> {
  const { value } = await until(
    () => callHost<{ items: MailSummaryView[] }>(host, 'mail.list', { folder, offset: 0, limit: 100 }),
    (page) => page.items.some((m) => m.subject === subject),
    timeoutMs,
  );
  const found = value.items.find((m) => m.subject === subject);
  if (found === undefined) throw new Error('not found');
  return found;
}

export const getMessage = (host: Host, id: number) => callHost<MailMessageView>(host, 'mail.get', { id });
