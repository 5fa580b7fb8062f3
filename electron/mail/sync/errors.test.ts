import { describe, expect, it } from 'vitest';
import { ClientCertificateError } from '../clientCertificate.js';
import { classifyImapError, MailSyncError } from './errors.js';
import { toSequenceSet } from './mailSync.js';

describe('classifyImapError', () => {
  it('maps imapflow and Node errors to typed French errors', () => {
    expect(classifyImapError(Object.assign(new Error('x'), { authenticationFailed: true }))).toMatchObject({ kind: 'auth', offline: false });
    expect(classifyImapError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toMatchObject({ kind: 'offline', offline: true });
    expect(classifyImapError(Object.assign(new Error('t'), { code: 'CONNECT_TIMEOUT' }))).toMatchObject({ kind: 'offline' });
    expect(classifyImapError(Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }))).toMatchObject({ kind: 'tls', offline: true });
    expect(classifyImapError(Object.assign(new Error('No'), { responseStatus: 'NO', serverResponseCode: 'NONEXISTENT' }))).toMatchObject({ kind: 'not-found' });
    expect(classifyImapError(Object.assign(new Error('No'), { responseStatus: 'NO' }))).toMatchObject({ kind: 'server', code: 'imap:NO' });
    const e = classifyImapError('weird');
    expect(e).toBeInstanceOf(MailSyncError);
    expect(e.userMessage).toMatch(/serveur de messagerie/);
  });
});

describe('classifyImapError and organisation certificates', () => {
  it('says the operator refused the certificate when the mailbox logs in with one', () => {
    const refused = Object.assign(new Error('Command failed'), { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' });
    const e = classifyImapError(refused, 'certificate');
    expect(e).toMatchObject({ kind: 'auth', code: 'auth:certificate', offline: false });
    expect(e.userMessage).toMatch(/refusé le certificat/);
    expect(classifyImapError(refused, 'xoauth2')).toMatchObject({ kind: 'auth', code: 'auth' });
  });

  it('names a local certificate problem', () => {
    const e = classifyImapError(new ClientCertificateError('mismatch'));
    expect(e).toMatchObject({ kind: 'auth', code: 'certificate:mismatch' });
    expect(e.userMessage).toMatch(/ne correspond pas/);
  });
});

describe('toSequenceSet', () => {
  it('compresses ascending UIDs into ranges', () => {
    expect(toSequenceSet([])).toBe('');
    expect(toSequenceSet([4])).toBe('4');
    expect(toSequenceSet([1, 2, 3, 5, 7, 8])).toBe('1:3,5,7:8');
  });
});
