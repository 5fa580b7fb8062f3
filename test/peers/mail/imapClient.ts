import { ImapFlow } from 'imapflow';
import type { TestMailServer, TestMailUser } from './mailServer.js';

/**
 * A plain imapflow client on the test operator, as another mail program would connect
 * (STARTTLS with the test CA, TLS ≥ 1.2, no COMPRESS: it slows loopback fetches ×4). Not
 * connected yet; errors after connect are swallowed (the caller awaits its commands).
 */
export function testImapClient(server: Pick<TestMailServer, 'imapPort' | 'tls'>, user: TestMailUser): ImapFlow {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: server.imapPort,
    secure: false,
    doSTARTTLS: true,
    tls: { ca: server.tls.caPem, servername: 'localhost', minVersion: 'TLSv1.2' },
    auth: { user: user.address, pass: user.password },
    logger: false,
    disableCompression: true,
  });
  client.on('error', () => undefined);
  return client;
}
