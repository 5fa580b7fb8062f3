/**
 * Why a mailbox sync failed, as the UI needs it: `auth` (ask the professional to sign in
 * again), `tls` (the operator's certificate or the secure channel failed; treated as offline
 * too: a captive portal looks the same), `offline` (the network or the server is unreachable:
 * the offline banner, retry later), `server` (the server refused a command), `not-found`.
 * Technical detail stays in `code`; `userMessage` is French, for the screen.
 */
import { certificateUserMessage, ClientCertificateError } from '../clientCertificate.js';
import type { MailboxAuth } from '../smtp/settings.js';

export type MailSyncErrorKind = 'auth' | 'tls' | 'offline' | 'server' | 'not-found';

export class MailSyncError extends Error {
  override readonly name = 'MailSyncError';
  constructor(
    readonly kind: MailSyncErrorKind,
    readonly code: string,
    readonly userMessage: string,
  ) {
    super(`${kind}:${code}`);
  }
  get offline(): boolean {
    return this.kind === 'offline' || this.kind === 'tls';
  }
}

const MESSAGES: Record<MailSyncErrorKind, string> = {
  auth: 'Le serveur de messagerie a refusé l’identification : reconnectez-vous (mot de passe ou Pro Santé Connect).',
  tls: 'Connexion sécurisée au serveur de messagerie impossible (certificat ou chiffrement refusé) : la messagerie est hors ligne.',
  offline: 'Serveur de messagerie injoignable : la messagerie est hors ligne, elle se mettra à jour au retour de la connexion.',
  server: 'Le serveur de messagerie a refusé l’opération : réessayez plus tard.',
  'not-found': 'Ce message ou ce dossier n’existe plus sur le serveur de messagerie.',
};

export function mailSyncError(kind: MailSyncErrorKind, code: string): MailSyncError {
  return new MailSyncError(kind, code, MESSAGES[kind]);
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EADDRNOTAVAIL',
  'NoConnection', 'EConnectionClosed', 'ClosedAfterConnectText', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'StateLogout']);

interface ErrorLike {
  code?: unknown;
  authenticationFailed?: unknown;
  serverResponseCode?: unknown;
  responseStatus?: unknown;
  message?: unknown;
}

/**
 * `authType`: how the mailbox authenticates, so that a refusal of an organisation mailbox's
 * certificate says so (without it, the generic "reconnectez-vous" sentence). A local problem
 * with that certificate (ClientCertificateError) is an `auth` error with its own sentence.
 */
export function classifyImapError(error: unknown, authType?: MailboxAuth['type']): MailSyncError {
  if (error instanceof MailSyncError) return error;
  if (error instanceof ClientCertificateError) return new MailSyncError('auth', `certificate:${error.problem}`, certificateUserMessage(error.problem));
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : 'EUNKNOWN';
  const message = typeof e.message === 'string' ? e.message : '';
  if (e.authenticationFailed === true || e.serverResponseCode === 'AUTHENTICATIONFAILED' || code === 'AuthenticationFailure') {
    return authType === 'certificate' ? new MailSyncError('auth', 'auth:certificate', certificateUserMessage('refused')) : mailSyncError('auth', 'auth');
  }
  if (code === 'ClosedAfterConnectTLS' || code === 'STARTTLS_INJECTION' || /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/.test(code) || /certificate|self.signed|ssl|tls/i.test(message) && !NETWORK.has(code)) {
    return mailSyncError('tls', `tls:${code}`);
  }
  if (NETWORK.has(code)) return mailSyncError('offline', `network:${code}`);
  if (code === 'NotFound' || e.serverResponseCode === 'NONEXISTENT') return mailSyncError('not-found', code);
  if (e.responseStatus === 'NO' || e.responseStatus === 'BAD') return mailSyncError('server', `imap:${String(e.serverResponseCode ?? e.responseStatus)}`);
  return mailSyncError('server', `other:${code}`);
}
