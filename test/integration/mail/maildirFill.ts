import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestMailUser } from '../../peers/mail/mailServer.js';

/**
 * Fills a test user's Maildir directly (~5,000 msg/s; IMAP APPEND ~170 msg/s), before Dovecot's
 * first login for that user: French HTML mails of ~3 KB, one in 7 with a small PDF. Files are
 * owned by `mail`, dated by their mtime (Maildir INTERNALDATE).
 */
export function fillMaildir(mailRoot: string, user: TestMailUser, count: number): { bytes: number } {
  const home = path.join(mailRoot, user.address);
  const maildir = path.join(home, 'Maildir');
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(maildir, sub), { recursive: true });
  const uid = Number(execFileSync('id', ['-u', 'mail']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'mail']).toString().trim());
  const paragraph = '<p style="font-family:Arial">L’examen clinique retrouve un abdomen souple, dépressible et indolore ; le bilan biologique est normal.</p>\r\n';
  const pdf = Buffer.from(`%PDF-1.4\n${'0123456789'.repeat(300)}\n%%EOF\n`).toString('base64').replace(/.{76}/g, '$&\r\n');
  let bytes = 0;
  for (let i = 0; i < count; i += 1) {
    const date = new Date(Date.UTC(2026, 0, 1) + i * 60_000);
    const html = paragraph.repeat(12);
    const head = [`From: Dr Durand <dr.durand@hopital.test>`, `To: ${user.address}`, `Subject: Compte rendu n°${i}`, `Date: ${date.toUTCString().replace('GMT', '+0000')}`, `Message-ID: <gros-${i}@hopital.test>`, 'MIME-Version: 1.0'];
    const body =
      i % 7 === 0
        ? ['Content-Type: multipart/mixed; boundary="m"', '', '--m', 'Content-Type: text/html; charset=utf-8', '', html, '--m', 'Content-Type: application/pdf; name="cr.pdf"', 'Content-Disposition: attachment; filename="cr.pdf"', 'Content-Transfer-Encoding: base64', '', pdf, '--m--', '']
        : ['Content-Type: text/html; charset=utf-8', '', html];
    const raw = Buffer.from([...head, ...body].join('\r\n'), 'utf8');
    const file = path.join(maildir, 'cur', `${Math.floor(date.getTime() / 1000)}.M${i}P${process.pid}.test,S=${raw.length},W=${raw.length}:2,${i % 3 === 0 ? 'S' : ''}`);
    fs.writeFileSync(file, raw);
    fs.utimesSync(file, date, date);
    fs.chownSync(file, uid, gid);
    bytes += raw.length;
  }
  for (const d of [home, maildir, ...['cur', 'new', 'tmp'].map((s) => path.join(maildir, s))]) fs.chownSync(d, uid, gid);
  return { bytes };
}
