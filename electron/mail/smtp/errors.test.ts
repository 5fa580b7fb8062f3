import { describe, expect, it } from 'vitest';
import { ClientCertificateError } from '../clientCertificate.js';
import { classifySubmissionError, retryHintMs } from './errors.js';

// Shapes of nodemailer 10's errors (smtp-connection `_formatError`): `code` is nodemailer's
// type, `originalCode` the system error, `responseCode`/`command` from the SMTP exchange.
const err = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);

describe('classifySubmissionError', () => {
  it('treats a refused connection, DNS and timeouts before the data as offline, not sent', () => {
    for (const e of [err({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }), err({ code: 'EDNS', originalCode: 'ENOTFOUND', command: 'CONN' }), err({ code: 'ETIMEDOUT', command: 'CONN' })]) {
      const f = classifySubmissionError(e);
      expect(f).toMatchObject({ kind: 'transient', offline: true, mayHaveReached: false });
      expect(f.userMessage).toMatch(/injoignable/);
    }
  });

  it('treats a TLS handshake failure as transient and offline', () => {
    expect(classifySubmissionError(err({ code: 'ETLS', command: 'CONN' }))).toMatchObject({ kind: 'transient', offline: true });
  });

  it('suspects the server may hold the message when the link breaks after DATA', () => {
    const f = classifySubmissionError(err({ code: 'ECONNECTION', originalCode: 'ECONNRESET', command: 'DATA' }));
    expect(f).toMatchObject({ kind: 'transient', mayHaveReached: true });
  });

  it('maps 4xx to transient with the server hint, 5xx and refused recipients to permanent', () => {
    expect(classifySubmissionError(err({ code: 'EENVELOPE', responseCode: 451, response: '451 4.3.0 try again in 2 seconds', command: 'RCPT TO' }))).toMatchObject({ kind: 'transient', code: 'smtp:451', retryAfterMs: 2_000, mayHaveReached: false });
    expect(classifySubmissionError(err({ code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 inconnu', command: 'RCPT TO' }))).toMatchObject({ kind: 'permanent', code: 'smtp:550' });
    expect(classifySubmissionError(err({ code: 'EMESSAGE', responseCode: 552, command: 'DATA' }))).toMatchObject({ kind: 'permanent', code: 'smtp:552' });
  });

  it('asks the user to sign in again on an authentication failure', () => {
    const f = classifySubmissionError(err({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }));
    expect(f).toMatchObject({ kind: 'needs-user', code: 'auth' });
    expect(f.userMessage).toMatch(/reconnectez-vous/);
  });

  it('reads retry hints in seconds and minutes, and nothing else', () => {
    expect(retryHintMs('421 4.7.0 retry in 5 minutes')).toBe(300_000);
    expect(retryHintMs('451 4.3.0 try again later')).toBeUndefined();
  });

  it('asks the user to act when the operator refuses the organisation certificate', () => {
    // Postfix refusing a submission with neither login nor valid certificate (test operator).
    const refused = err({ code: 'EENVELOPE', responseCode: 530, response: '530 5.7.0 <localhost[127.0.0.1]>: Client host rejected: Authentication required', command: 'RCPT TO' });
    expect(classifySubmissionError(refused, 'certificate')).toMatchObject({ kind: 'needs-user', code: 'auth:certificate' });
    expect(classifySubmissionError(refused, 'certificate').userMessage).toMatch(/certificat de la boîte organisationnelle/);
    expect(classifySubmissionError(refused)).toMatchObject({ kind: 'needs-user', code: 'auth' });
    expect(classifySubmissionError(err({ code: 'EENVELOPE', responseCode: 554, response: '554 5.7.8 Authentication credentials invalid', command: 'MAIL FROM' }))).toMatchObject({ kind: 'needs-user', code: 'auth' });
    expect(classifySubmissionError(err({ code: 'EAUTH', responseCode: 535, command: 'AUTH XOAUTH2' }), 'xoauth2')).toMatchObject({ kind: 'needs-user', code: 'auth' });
  });

  it('asks the user to act on a local certificate problem, with its own sentence', () => {
    const f = classifySubmissionError(new ClientCertificateError('expired'), 'certificate');
    expect(f).toMatchObject({ kind: 'needs-user', code: 'certificate:expired', offline: false });
    expect(f.userMessage).toMatch(/a expiré/);
  });
});
