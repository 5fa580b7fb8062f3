import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { MailFailure } from './errors.js';
import { composeRaw, mssNil, type OutgoingMail } from './outgoingMail.js';

const mail: OutgoingMail = { messageId: '<m-1@medecin.test>', date: Date.UTC(2026, 10, 28), from: 'dr.martin@medecin.test', to: ['dr.durand@hopital.test'], subject: 'Réponse', text: 'x' };

describe('outgoing message', () => {
  it('writes X-MSS-NIL, the reply headers, the read receipt and the XDM headers with the archive', async () => {
    const raw = await composeRaw({
      ...mail,
      mssNil: 'NIL-1',
      inReplyTo: '<parent@hopital.test>',
      references: ['<root@hopital.test>', '<parent@hopital.test>'],
      dispositionNotificationTo: mail.from,
      xdmHeaders: { 'X-MSS-CODECDA': '11502-2,34133-9', 'X-MSS-INS': 'N' },
      files: [{ filename: 'IHE_XDM.ZIP', contentType: 'application/zip', content: Buffer.from('PK') }],
    });
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<m-1@medecin.test>');
    expect(parsed.inReplyTo).toBe('<parent@hopital.test>');
    expect(parsed.references).toEqual(['<root@hopital.test>', '<parent@hopital.test>']);
    expect(parsed.headers.get('x-mss-nil')).toBe('NIL-1');
    expect(parsed.headers.get('x-mss-codecda')).toBe('11502-2,34133-9');
    expect(parsed.headers.get('x-mss-ins')).toBe('N');
    expect(parsed.headers.get('disposition-notification-to')).toMatchObject({ text: mail.from });
  });

  it('refuses XDM headers without the archive, and a header-injecting NIL', async () => {
    await expect(composeRaw({ ...mail, xdmHeaders: { 'X-MSS-CODECDA': '11502-2', 'X-MSS-INS': 'O' } })).rejects.toMatchObject({ code: 'mss-xdm-missing' });
    await expect(composeRaw({ ...mail, mssNil: 'A\r\nBcc: x@y' })).rejects.toBeInstanceOf(MailFailure);
  });

  it('X-MSS-NIL is required in normal mode, a placeholder in demo', () => {
    expect(() => mssNil({ mode: 'normal' })).toThrow(MailFailure);
    expect(() => mssNil({ mode: 'normal', productReference: '  ' })).toThrow(/mss-nil-missing/);
    expect(mssNil({ mode: 'normal', productReference: ' NIL-42 ' })).toBe('NIL-42');
    expect(mssNil({ mode: 'demo' })).toBe('CADUCEE-DEMO');
  });
});
