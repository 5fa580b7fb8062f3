/**
 * What went wrong talking to a mail server, as the outbox needs it: how to react
 * (`transient` → retry later, `permanent` → à vérifier, `needs-user` → pause until the user
 * acts), whether the network itself is down (`offline`), whether the server may already hold
 * the message (`mayHaveReached` → check the Sent copy before any resend), a server hint, and a
 * French sentence for the "Envois en attente" screen. Technical causes stay in `code`.
 */
import { certificateUserMessage, ClientCertificateError } from '../clientCertificate.js';
import type { MailboxAuth } from './settings.js';

export type FailureKind = 'transient' | 'permanent' | 'needs-user';

export class MailFailure extends Error {
  override readonly name = 'MailFailure';
  constructor(
    readonly kind: FailureKind,
    readonly code: string,
    readonly userMessage: string,
    readonly details: { readonly offline?: boolean; readonly mayHaveReached?: boolean; readonly retryAfterMs?: number } = {},
  ) {
    super(`${kind}:${code}`);
  }
  get offline(): boolean {
    return this.details.offline === true;
  }
  get mayHaveReached(): boolean {
    return this.details.mayHaveReached === true;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}

interface ErrorLike {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  authenticationFailed?: unknown;
  message?: unknown;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EADDRNOTAVAIL']);
// Failures before the message was handed over: the server cannot hold it.
const BEFORE_DATA = /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH|MAIL|RCPT)/;

/** "try again in 30 seconds" / "retry in 2 minutes" in a 4xx reply: honoured as a floor. */
export function retryHintMs(response: string): number | undefined {
  const m = /(?:try again|retry)\D{0,20}(\d{1,5})\s*(s|sec|seconds?|m|min|minutes?)\b/i.exec(response);
  if (m === null) return undefined;
  const n = Number(m[1]);
  return (m[2] ?? 's').toLowerCase().startsWith('m') ? n * 60_000 : n * 1000;
}

/**
 * `authType`: how the mailbox authenticates, so that a refusal of an organisation mailbox's
 * certificate says so (without it, the generic "reconnectez-vous" sentence).
 */
export function classifySubmissionError(error: unknown, authType?: MailboxAuth['type']): MailFailure {
  if (error instanceof MailFailure) return error;
  if (error instanceof ClientCertificateError) return new MailFailure('needs-user', `certificate:${error.problem}`, certificateUserMessage(error.problem));
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : 'EUNKNOWN';
  const system = typeof e.originalCode === 'string' ? e.originalCode : code;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : 0;
  const response = typeof e.response === 'string' ? e.response : '';
  const command = typeof e.command === 'string' ? e.command : '';
  const reached = command === '' ? true : !BEFORE_DATA.test(command);

  // 530 5.7.0 / 5.7.8: authentication required or refused — for a certificate-only submission
  // (no AUTH command), the operator's only way to refuse the certificate.
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'EOAUTH2' || e.authenticationFailed === true || responseCode === 535 || responseCode === 534 || responseCode === 530 || /^5\d\d[ -]5\.7\.8\b/.test(response)) {
    if (authType === 'certificate') return new MailFailure('needs-user', 'auth:certificate', certificateUserMessage('refused'));
    return new MailFailure('needs-user', 'auth', 'Le serveur de messagerie a refusé l’identification : reconnectez-vous (mot de passe ou Pro Santé Connect).');
  }
  if (code === 'ETLS' || code === 'EREQUIRETLS' || /certificate|self.signed|SSL|TLS/i.test(String(e.message ?? '')) && responseCode === 0 && code !== 'ETIMEDOUT') {
    // A handshake that fails is indistinguishable from a captive portal or a broken link.
    return new MailFailure('transient', `tls:${system}`, 'Connexion sécurisée au serveur de messagerie impossible : le message partira dès qu’elle sera rétablie.', { offline: true });
  }
  if (code === 'EDNS' || NETWORK_CODES.has(system) || code === 'ECONNECTION' || code === 'ESOCKET' || code === 'ETIMEDOUT') {
    const offline = command === 'CONN' || system === 'ECONNREFUSED' || system === 'ENOTFOUND' || system === 'EAI_AGAIN' || code === 'EDNS';
    return new MailFailure('transient', `network:${system}`, 'Serveur de messagerie injoignable : le message partira dès que la connexion sera rétablie.', { offline, mayHaveReached: reached && !offline });
  }
  if (code === 'EENVELOPE' && responseCode >= 500) {
    return new MailFailure('permanent', `smtp:${responseCode}`, 'Destinataire refusé par le serveur : vérifiez l’adresse MSSanté.');
  }
  if (responseCode >= 400 && responseCode < 500) {
    const hint = retryHintMs(response);
    return new MailFailure('transient', `smtp:${responseCode}`, 'Le serveur de messagerie a demandé de réessayer plus tard.', { mayHaveReached: reached, ...(hint === undefined ? {} : { retryAfterMs: hint }) });
  }
  if (responseCode >= 500) {
    return new MailFailure('permanent', `smtp:${responseCode}`, 'Le serveur de messagerie a refusé ce message.');
  }
  return new MailFailure('transient', `other:${code}`, 'Envoi interrompu : nouvel essai automatique.', { mayHaveReached: reached });
}
