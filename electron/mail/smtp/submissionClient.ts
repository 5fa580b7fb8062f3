import nodemailer from 'nodemailer';
import type { Logger } from '../../policy/logger.js';
import { classifySubmissionError, MailFailure } from './errors.js';
import { composeRaw, type OutgoingMail } from './outgoingMail.js';
import type { MailAccountSettings } from './settings.js';
import { smtpAuth, tlsOptions } from '../connectionOptions.js';

const smtpAuthOption = async (settings: MailAccountSettings) => {
  const auth = await smtpAuth(settings);
  return auth === undefined ? {} : { auth };
};

export interface SubmissionResult {
  readonly messageId: string;
  /** Recipients the server refused while accepting the others (kept for the UI). */
  readonly rejected: readonly string[];
  /** The bytes sent: what `appendToSent` files when the operator does not. */
  readonly raw: Buffer;
}

export interface SubmissionClient {
  send(mail: OutgoingMail): Promise<SubmissionResult>;
  /** Connects and authenticates without sending: the outbox's offline probe. */
  verify(): Promise<void>;
  close(): void;
}

/**
 * SMTP submission over a pooled nodemailer transport: STARTTLS required (never plaintext AUTH),
 * TLS ≥ 1.2, the operator's CA. Errors come out classified (`MailFailure`). The transport is
 * built lazily, so a secret is only asked for when a message actually leaves; after an auth
 * failure it is dropped, so the next attempt asks again (new password or token).
 */
export function createSubmissionClient(settings: MailAccountSettings, log: Logger): SubmissionClient {
  let transport: ReturnType<typeof nodemailer.createTransport> | null = null;
  let building: Promise<ReturnType<typeof nodemailer.createTransport>> | null = null;

  const get = () => {
    if (transport !== null) return Promise.resolve(transport);
    building ??= (async () => {
      const s = settings.submission;
      const t = nodemailer.createTransport({
        pool: true,
        maxConnections: settings.maxConnections ?? 5,
        maxMessages: Infinity,
        host: s.host,
        port: s.port,
        secure: false,
        requireTLS: true,
        tls: await tlsOptions(settings, s),
        ...(await smtpAuthOption(settings)),
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 60_000,
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      transport = t;
      return t;
    })().finally(() => {
      building = null;
    });
    return building;
  };
  const drop = () => {
    transport?.close();
    transport = null;
  };

  return {
    async send(mail) {
      try {
        const raw = await composeRaw(mail);
        const t = await get();
        const info = await t.sendMail({ envelope: { from: mail.from, to: [...mail.to, ...(mail.cc ?? [])] }, raw });
        const rejected = (info.rejected ?? []).map((r: unknown) => (typeof r === 'string' ? r : String((r as { address?: string }).address ?? '')));
        return { messageId: mail.messageId, rejected, raw };
      } catch (error) {
        const failure = classifySubmissionError(error, settings.auth.type);
        if (failure.kind === 'needs-user' || failure.offline) drop();
        log.warn('smtp.send.failed', { kind: failure.kind, code: failure.code });
        throw failure;
      }
    },
    async verify() {
      try {
        await (await get()).verify();
      } catch (error) {
        const failure = classifySubmissionError(error, settings.auth.type);
        drop();
        throw failure instanceof MailFailure ? failure : classifySubmissionError(failure, settings.auth.type);
      }
    },
    close: drop,
  };
}
