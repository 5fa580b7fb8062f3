import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMdn, dispositionField, parseMdn, shouldSendMdn } from './mdn.js';

const original = {
  messageId: '<orig-1@medecin.test>',
  from: 'dr.martin@medecin.test',
  returnPath: 'dr.martin@medecin.test',
  to: ['dr.durand@hopital.test'],
  subject: 'XDM/1.0/DDM+Compte rendu ECETINSI Pierre-Alain 14/07/2009',
  dispositionNotificationTo: 'dr.martin@medecin.test',
};
const base = { original, reportingUa: 'caducee.test; Caducée 0.1.0', finalRecipient: 'dr.durand@hopital.test', messageId: '<mdn-1@hopital.test>', date: Date.UTC(2026, 10, 28, 10, 0) };

describe('MDN (RFC 8098)', () => {
  it('builds the three-part multipart/report, deterministic, and reads back a success', async () => {
    const built = buildMdn({ ...base, disposition: 'processed' });
    expect(buildMdn({ ...base, disposition: 'processed' }).raw.equals(built.raw)).toBe(true);
    const raw = built.raw.toString('utf8');
    expect(raw).toMatch(/Content-Type: multipart\/report; report-type=disposition-notification;/);
    expect(raw).toContain('Disposition: automatic-action/MDN-sent-automatically; processed\r\n');
    expect(raw).toContain('Original-Message-ID: <orig-1@medecin.test>');
    expect(raw).toContain('Final-Recipient: rfc822;dr.durand@hopital.test');
    expect(raw).toContain('Content-Type: text/rfc822-headers');
    const parsed = await simpleParser(built.raw);
    expect(parsed.subject).toBe(original.subject);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : null).toBe('dr.martin@medecin.test');
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['message/disposition-notification', 'text/rfc822-headers']);
    expect(parseMdn(parsed)).toEqual({
      originalMessageId: '<orig-1@medecin.test>',
      disposition: 'processed',
      actionMode: 'automatic-action',
      sendingMode: 'MDN-sent-automatically',
      finalRecipient: 'dr.durand@hopital.test',
      originalRecipient: 'dr.durand@hopital.test',
      reportingUa: 'caducee.test; Caducée 0.1.0',
    });
    expect(shouldSendMdn(parsed)).toMatchObject({ send: false });
  });

  it('an error disposition carries code^label; the subject is prefixed as the ANS volet asks', async () => {
    expect(dispositionField({ error: '902', label: 'Identifiant de patient inconnu' })).toBe('automatic-action/MDN-sent-automatically; processed/Error: 902^Identifiant de patient inconnu');
    const built = buildMdn({ ...base, disposition: { error: '902', label: 'Identifiant de patient inconnu\r\nBcc: x@y' } });
    const parsed = await simpleParser(built.raw);
    expect(parsed.subject).toBe(`[KO Intégration système !][902] ${original.subject}`);
    expect(parsed.headers.get('bcc')).toBeUndefined();
    expect(parseMdn(parsed)).toMatchObject({ originalMessageId: '<orig-1@medecin.test>', disposition: 'processed', error: { code: '902', label: 'Identifiant de patient inconnu Bcc: x@y' } });
  });

  it('decides: asked and equal to Return-Path → send; differing → ask the user; absent → no', () => {
    const headers = (h: Record<string, unknown>) => ({ headers: new Map(Object.entries(h)) });
    const addr = (a: string) => ({ value: [{ address: a, name: '' }], text: a });
    expect(shouldSendMdn(headers({ 'disposition-notification-to': addr('a@x.test'), 'return-path': addr('A@x.test') }))).toEqual({ send: true, to: 'a@x.test' });
    expect(shouldSendMdn(headers({ 'disposition-notification-to': addr('b@x.test'), 'return-path': addr('a@x.test') }))).toEqual({ send: false, reason: 'return-path-differs', to: 'b@x.test' });
    expect(shouldSendMdn(headers({ 'disposition-notification-to': addr('b@x.test') }))).toMatchObject({ send: false, reason: 'return-path-differs' });
    expect(shouldSendMdn(headers({ 'return-path': addr('a@x.test') }))).toEqual({ send: false, reason: 'not-requested' });
    expect(shouldSendMdn(headers({ 'disposition-notification-to': addr('a@x.test'), 'return-path': addr('a@x.test'), 'auto-submitted': 'auto-replied' }))).toMatchObject({ send: false, reason: 'is-report' });
  });

  it('refuses to build without a usable original Message-ID or addresses', () => {
    expect(() => buildMdn({ ...base, original: { ...original, messageId: 'none' }, disposition: 'processed' })).toThrow(/Message-ID/);
    expect(() => buildMdn({ ...base, finalRecipient: 'x\r\nBcc: y@z', disposition: 'processed' })).toThrow(/address/);
  });
});
