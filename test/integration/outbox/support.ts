import type { MailAccountSettings } from '../../../electron/mail/smtp/settings.js';
import type { TestMailServer, TestMailUser } from '../../peers/mail/mailServer.js';
import { testImapClient } from '../../peers/mail/imapClient.js';

/** Test helpers for the outbox integration tests (imported by tests and the crash runner). */

export function accountFor(server: Pick<TestMailServer, 'submissionPort' | 'imapPort' | 'tls'>, user: TestMailUser, extra: Partial<MailAccountSettings> = {}): MailAccountSettings {
  const endpoint = (port: number) => ({ host: '127.0.0.1', port, caPem: server.tls.caPem, servername: 'localhost' });
  return {
    address: user.address,
    submission: endpoint(server.submissionPort),
    imap: endpoint(server.imapPort),
    auth: { type: 'password', user: user.address, password: () => Promise.resolve(user.password) },
    serverFilesSentCopy: true,
    ...extra,
  };
}

/** Message-ID → how many copies in `folder` of `user`'s mailbox. */
export async function countMessageIds(server: Pick<TestMailServer, 'imapPort' | 'tls'>, user: TestMailUser, folder = 'INBOX'): Promise<Map<string, number>> {
  const client = testImapClient(server, user);
  await client.connect();
  const counts = new Map<string, number>();
  try {
    const box = await client.mailboxOpen(folder, { readOnly: true });
    if (box.exists > 0) {
      for await (const msg of client.fetch('1:*', { envelope: true })) {
        const id = msg.envelope?.messageId ?? '';
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
  } finally {
    await client.logout();
  }
  return counts;
}

/** Polls until `folder` holds at least `expected` messages and stops changing (Postfix delivers after the 250). */
export async function waitForDelivery(server: Pick<TestMailServer, 'imapPort' | 'tls'>, user: TestMailUser, expected: number, timeoutMs = 20_000, folder = 'INBOX'): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const counts = await countMessageIds(server, user, folder);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if ((total >= expected && total === last) || Date.now() > deadline) return counts;
    last = total;
    await new Promise((r) => setTimeout(r, 300));
  }
}
