import { describe, expect, it } from 'vitest';
import { MALFORMED_MARKER } from './malformed.js';
import { parsePending } from './parsePending.js';
import { askingReceipt, mdnFromPetit, withXdm, XDM_PATIENT_ID } from './testMails.js';

const item = (raw: Buffer, id = 7) => ({ id, date: 1_000, raw });

describe('parsePending', () => {
  it('extracts cc, threading headers, the header block and a read-receipt request', async () => {
    const { completion: c, notes } = await parsePending(item(await askingReceipt()));
    expect(c).toMatchObject({
      id: 7,
      mimeError: null,
      cc: ['secretariat@medecin.test', 'dr.petit@clinique.test'],
      inReplyTo: '<question@medecin.test>',
      referencesIds: ['<fil-1@medecin.test>', '<question@medecin.test>'],
      dispositionNotificationTo: 'dr.durand@hopital.test',
      returnPath: 'dr.durand@hopital.test',
      readReceiptAsked: true,
      hasAttachments: false,
      receipt: null,
      xdm: null,
    });
    expect(c.bodyText).toContain('confirmer la lecture');
    expect(c.bodyHtml).toContain('<b>lecture</b>');
    expect(c.headerBlock).toMatch(/^Disposition-Notification-To: dr\.durand@hopital\.test$/m);
    expect(c.headerBlock).toMatch(/^Message-ID: <accuse@hopital\.test>$/m);
    expect(c.headerBlock).not.toContain('confirmer');
    expect(notes.xdmRefused).toBeNull();
  });

  it('cuts a hostile header block at 32 KiB on a line boundary', async () => {
    const junk = Array.from({ length: 2_000 }, (_, i) => `X-Bourrage-${i}: ${'x'.repeat(40)}`).join('\r\n');
    const raw = Buffer.from(`From: a@b.test\r\nTo: c@d.test\r\nSubject: gros\r\n${junk}\r\n\r\ncorps\r\n`);
    const { completion } = await parsePending(item(raw));
    expect(completion.headerBlock?.length).toBeLessThanOrEqual(32 * 1024);
    expect(completion.headerBlock?.endsWith('x')).toBe(true);
    expect(completion.bodyText.trim()).toBe('corps');
  });

  it('reads a received MDN into a receipt, and never asks a receipt for it', async () => {
    const { completion: c } = await parsePending(item(mdnFromPetit()));
    expect(c.receipt).toEqual({ originalMessageId: '<envoi-42@medecin.test>', recipient: 'dr.petit@clinique.test', disposition: 'processed', at: Date.UTC(2026, 10, 28, 9, 30) });
    expect(c.readReceiptAsked).toBe(false);
  });

  it('reads an attached IHE_XDM.ZIP: documents and patient ids, pending for the matcher', async () => {
    const { completion: c, notes } = await parsePending(item(await withXdm()));
    expect(c.hasAttachments).toBe(true);
    expect(c.attachments.map((a) => a.filename)).toEqual(['IHE_XDM.ZIP', 'resultats.pdf']);
    expect(c.xdm).toMatchObject({ match: 'pending', message: null, patientIds: [XDM_PATIENT_ID] });
    expect(c.xdm?.documents).toEqual([expect.objectContaining({ title: expect.stringContaining('examens biologiques'), typeCode: '11502-2', mimeType: 'text/xml', patientId: XDM_PATIENT_ID })]);
    expect(notes.xdmRefused).toBeNull();
  });

  it('keeps a refused archive as `invalid` with a French reason', async () => {
    const { completion: c, notes } = await parsePending(item(await withXdm(Buffer.from('ceci n’est pas une archive'))));
    expect(c.xdm).toMatchObject({ match: 'invalid', documents: [], patientIds: [] });
    expect(c.xdm?.message).toMatch(/n’est pas une archive ZIP/);
    expect(notes.xdmRefused).toBe('not-a-zip');
    expect(c.attachments).toHaveLength(2);
  });

  it('keeps a malformed message with the marker and its headers', async () => {
    const raw = Buffer.from('From: labo@biologie.test\r\nSubject: cassé\r\nMessage-ID: <b@x.test>\r\nDisposition-Notification-To: labo@biologie.test\r\nContent-Type: multipart/mixed; boundary="absente"\r\n\r\nKaliémie 4,1 mmol/L\r\n');
    const { completion: c } = await parsePending(item(raw));
    expect(c.mimeError).toBe('boundary-not-found');
    expect(c.bodyText.startsWith(MALFORMED_MARKER)).toBe(true);
    expect(c.bodyText).toContain('Kaliémie');
    expect(c.dispositionNotificationTo).toBe('labo@biologie.test');
    expect(c.readReceiptAsked).toBe(false);
    expect(c.attachments).toEqual([]);
  });
});
