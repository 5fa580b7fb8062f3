import { ImapFlow } from 'imapflow';
import { imapAuth, tlsOptions } from '../connectionOptions.js';
import type { Logger } from '../../policy/logger.js';
import { MailFailure } from './errors.js';
import type { MailAccountSettings } from './settings.js';

/**
 * The sender's Sent copy over IMAP: the exactly-once check (`hasMessage`) and, when the
 * operator files no copy itself, `append`. One connection, kept open (reconnecting costs
 * 40–65 ms; a SEARCH on an open mailbox a few ms).
 */
export interface SentCopyClient {
  hasMessage(messageId: string): Promise<boolean>;
  append(raw: Buffer): Promise<void>;
  close(): Promise<void>;
}

function imapFailure(error: unknown): MailFailure {
  const e = error as { code?: unknown; authenticationFailed?: unknown; message?: unknown };
  if (e.authenticationFailed === true) return new MailFailure('needs-user', 'imap:auth', 'La boîte aux lettres a refusé l’identification : reconnectez-vous.');
  const code = typeof e.code === 'string' ? e.code : 'EIMAP';
  const offline = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'NoConnection'].includes(code);
  return new MailFailure('transient', `imap:${code}`, 'Vérification dans « Envoyés » impossible pour l’instant : nouvel essai automatique.', { offline, mayHaveReached: true });
}

export function createSentCopyClient(settings: MailAccountSettings, log: Logger): SentCopyClient {
  let client: ImapFlow | null = null;
  let connecting: Promise<ImapFlow> | null = null;
  let folder: string | null = null;

  // Single flight: the checks of a whole batch of recovered jobs arrive at once and must share
  // one connection (one leaked connection per caller would also keep the process alive).
  const connect = (): Promise<ImapFlow> => {
    if (client !== null && client.usable) return Promise.resolve(client);
    connecting ??= open().finally(() => {
      connecting = null;
    });
    return connecting;
  };
  const open = async (): Promise<ImapFlow> => {
    const stale = client;
    client = null;
    stale?.close();
    const s = settings.imap;
    const c = new ImapFlow({
      host: s.host,
      port: s.port,
      secure: false,
      doSTARTTLS: true,
      tls: await tlsOptions(settings, s),
      auth: await imapAuth(settings),
      logger: false,
      // COMPRESS costs 4× on a fast link and buys nothing for a SEARCH.
      disableCompression: true,
      connectionTimeout: 15_000,
    });
    c.on('error', () => undefined); // surfaced by the pending command
    try {
      await c.connect();
    } catch (error) {
      c.close();
      throw error;
    }
    if (folder === null) {
      const list = await c.list();
      folder = settings.sentFolder ?? list.find((m) => m.specialUse === '\\Sent')?.path ?? 'Sent';
    }
    await c.mailboxOpen(folder, { readOnly: false });
    client = c;
    return c;
  };

  return {
    async hasMessage(messageId) {
      try {
        const c = await connect();
        const found = await c.search({ header: { 'message-id': messageId } }, { uid: true });
        return Array.isArray(found) && found.length > 0;
      } catch (error) {
        const failure = error instanceof MailFailure ? error : imapFailure(error);
        log.warn('imap.sent.check.failed', { code: failure.code });
        throw failure;
      }
    },
    async append(raw) {
      try {
        const c = await connect();
        await c.append(folder ?? 'Sent', raw, ['\\Seen']);
      } catch (error) {
        throw error instanceof MailFailure ? error : imapFailure(error);
      }
    },
    async close() {
      const c = client ?? (connecting === null ? null : await connecting.catch(() => null));
      client = null;
      await c?.logout().catch(() => undefined);
    },
  };
}
