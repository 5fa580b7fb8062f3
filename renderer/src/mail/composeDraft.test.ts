import { describe, expect, it } from 'vitest';
import { MAX_COMPOSE_ATTACHMENT_BYTES, mailSendInputSchema, type MailMessageView } from '../../../shared/api/index.js';
import { canAttachXdm, checkDraft, emptyDraft, fromBase64, toBase64, type ComposeAttachment } from './composeDraft.js';
import { replyDraft } from './replyDraft.js';

const pdf: ComposeAttachment = { filename: 'cr.pdf', contentType: 'application/pdf', size: 4, dataBase64: toBase64(new TextEncoder().encode('%PDF')) };
const draft = { ...emptyDraft, to: ['Dr.Durand@hopital.test'], subject: '  Compte rendu ', text: 'Bonjour' };

describe('compose draft', () => {
  it('builds a send input the contract accepts, with a read receipt asked by default', () => {
    const checked = checkDraft(draft);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.input).toEqual({ to: ['dr.durand@hopital.test'], subject: 'Compte rendu', text: 'Bonjour', readReceipt: true });
    expect(mailSendInputSchema.safeParse(checked.input).success).toBe(true);
  });

  it('names each problem: no recipient, a bad address in To or Cc, an empty message, attachments too big', () => {
    const bad = checkDraft({ ...emptyDraft, cc: ['pas une adresse'], attachments: [{ ...pdf, size: MAX_COMPOSE_ATTACHMENT_BYTES + 1 }] });
    expect(bad).toEqual({
      ok: false,
      problems: [
        { field: 'to', kind: 'empty' },
        { field: 'cc', kind: 'invalid', address: 'pas une adresse' },
        { field: 'attachments', kind: 'too-big' },
      ],
    });
    expect(checkDraft({ ...draft, to: ['durand hopital.test'] })).toEqual({ ok: false, problems: [{ field: 'to', kind: 'invalid', address: 'durand hopital.test' }] });
    expect(checkDraft({ ...draft, text: '  ' })).toEqual({ ok: false, problems: [{ field: 'text', kind: 'empty' }] });
  });

  it('sends XDM only with a patient and a PDF; drops Cc already in To', () => {
    const withPatient = { ...draft, cc: ['dr.durand@hopital.test', 'sec@hopital.test'], attachments: [pdf], patientId: 7, xdm: true };
    expect(canAttachXdm(withPatient)).toBe(true);
    const checked = checkDraft(withPatient);
    expect(checked.ok && checked.input).toMatchObject({ cc: ['sec@hopital.test'], patientId: 7, xdm: true, attachments: [{ filename: 'cr.pdf', contentType: 'application/pdf' }] });
    const noPdf = checkDraft({ ...withPatient, attachments: [{ ...pdf, filename: 'note.txt', contentType: 'text/plain' }] });
    expect(noPdf.ok && noPdf.input.xdm).toBeUndefined();
    if (checked.ok) expect(mailSendInputSchema.safeParse(checked.input).success).toBe(true);
  });

  it('round-trips bytes through base64 in chunks (large files too)', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(toBase64(new TextEncoder().encode('%PDF'))).toBe('JVBERg==');
  });

  it('prefills a reply: the sender, « RE : », the quote, the patient and the parent id', () => {
    const message = {
      id: 12,
      from: 'Dr Anne Martin <a.martin@medecin.test>',
      to: ['moi@hopital.test'],
      subject: 'Bilan',
      bodyText: 'Voici le bilan.',
      patientId: 3,
    } as MailMessageView;
    const reply = replyDraft(message, 'Le 1er, Dr Martin a écrit :', false);
    expect(reply).toMatchObject({ to: ['a.martin@medecin.test'], subject: 'RE\u00a0: Bilan', patientId: 3, replyToId: 12, readReceipt: true });
    expect(reply.text).toContain('> Voici le bilan.');
    expect(replyDraft(message, 'x', true).to).toEqual(['moi@hopital.test']);
  });
});
