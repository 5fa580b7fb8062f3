import { describe, expect, it } from 'vitest';
import { MALFORMED_MARKER, mimeProblem, parseFetchedMessage } from './parseMessage.js';

const meta = (source: string) => ({ uid: 7, flags: ['\\Seen'], internalDate: 1_000, source: Buffer.from(source.replace(/\n/g, '\r\n')) });

describe('parseFetchedMessage', () => {
  it('parses text, sanitised HTML and attachments', async () => {
    const m = await parseFetchedMessage(meta(`From: Dr Durand <dr.durand@hopital.test>
To: dr.martin@medecin.test
Cc: secretariat@medecin.test
Subject: =?UTF-8?Q?R=C3=A9sultats?=
Message-ID: <r1@hopital.test>
Date: Fri, 20 Nov 2026 10:00:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: multipart/alternative; boundary="b2"

--b2
Content-Type: text/plain; charset=utf-8

Bonjour, résultats joints.
--b2
Content-Type: text/html; charset=utf-8

<p>Bonjour<img src="http://t.example/x.gif"></p>
--b2--
--b1
Content-Type: application/pdf; name="cr.pdf"
Content-Disposition: attachment; filename="cr.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--b1--
`));
    expect(m).toMatchObject({ uid: 7, messageId: '<r1@hopital.test>', from: 'dr.durand@hopital.test', to: ['dr.martin@medecin.test', 'secretariat@medecin.test'], subject: 'Résultats', mimeError: null, remoteContentBlocked: true, flags: ['\\Seen'] });
    expect(m.date).toBe(Date.parse('2026-11-20T09:00:00Z'));
    expect(m.bodyText).toContain('résultats joints');
    expect(m.bodyHtml).toContain('data-blocked-src="http://t.example/x.gif"');
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]).toMatchObject({ filename: 'cr.pdf', mime: 'application/pdf' });
    expect(Buffer.from(m.attachments[0]?.data ?? []).toString()).toBe('%PDF-1.4\n');
  });

  it('marks a multipart whose boundary is missing or never appears, keeping the raw text', async () => {
    expect(mimeProblem(Buffer.from('Content-Type: multipart/mixed\r\n\r\nx'))).toBe('multipart-without-boundary');
    const m = await parseFetchedMessage(meta(`From: a@b.test
Subject: cassé
Content-Type: multipart/mixed; boundary="jamais"

texte orphelin
`));
    expect(m.mimeError).toBe('boundary-not-found');
    expect(m.bodyText.startsWith(MALFORMED_MARKER)).toBe(true);
    expect(m.bodyText).toContain('texte orphelin');
    expect(m.bodyHtml).toBeNull();
  });

  it('never throws on garbage', async () => {
    for (const junk of ['', '\u0000\u0001\u0002', 'no headers at all', 'Content-Type: multipart/x; boundary=\r\n\r\n--\r\n--', 'Content-Transfer-Encoding: base64\r\n\r\n@@@@']) {
      await expect(parseFetchedMessage(meta(junk))).resolves.toMatchObject({ uid: 7 });
    }
  });
});
