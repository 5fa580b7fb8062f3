import type { MailMessageView, MailSummaryView } from '../../shared/api/index.js';
import type { MailboxMessage, MailboxSummary } from '../vault/repo/mailbox.js';

/** Vault rows → the contract's views, cut to the contract's bounds (a hostile mail cannot break a page). */
const cut = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

export function summaryView(m: MailboxSummary): MailSummaryView {
  return {
    id: m.id,
    folder: m.folder,
    date: m.date,
    from: cut(m.from, 1000),
    to: m.to.slice(0, 500).map((a) => cut(String(a), 1000)),
    subject: cut(m.subject, 2000),
    snippet: cut(m.snippet, 400),
    seen: m.flags.includes('\\Seen'),
    flagged: m.flags.includes('\\Flagged'),
    answered: m.flags.includes('\\Answered'),
    hasAttachments: m.hasAttachments,
    patientId: m.patientId,
    receipt: m.receiptsBack ? 'read' : m.readReceipt === 'asked' ? 'asked' : 'none',
  };
}

const XDM_PENDING = 'Rapprochement avec le dossier patient en cours : rien n’est rattaché pour l’instant.';

function xdmView(x: MailboxMessage['xdm']): MailMessageView['xdm'] {
  if (x === null) return null;
  const docs = Array.isArray(x.documents) ? (x.documents as unknown[]) : [];
  const documents = docs.slice(0, 50).map((d) => {
    const o = (typeof d === 'object' && d !== null ? d : {}) as { title?: unknown; path?: unknown; typeCode?: unknown };
    const title = typeof o.title === 'string' && o.title !== '' ? o.title : typeof o.path === 'string' ? o.path : 'Document';
    const code = typeof o.typeCode === 'string' ? o.typeCode : typeof o.typeCode === 'object' && o.typeCode !== null && typeof (o.typeCode as { code?: unknown }).code === 'string' ? (o.typeCode as { code: string }).code : null;
    return { title: cut(title, 500), typeCode: code === null ? null : cut(code, 64) };
  });
  // `pending` is not a verdict: never shown as linked, never as unknown.
  if (x.match === 'pending') return { documents, match: 'to-review', message: XDM_PENDING };
  return { documents, match: x.match, message: x.message === null ? null : cut(x.message, 500) };
}

export function messageView(m: MailboxMessage): MailMessageView {
  return {
    ...summaryView(m),
    cc: m.cc.slice(0, 500).map((a) => cut(String(a), 1000)),
    messageId: m.messageId === null ? null : cut(m.messageId, 1000),
    bodyText: cut(m.bodyText, 5_000_000),
    bodyHtml: m.bodyHtml === null ? null : cut(m.bodyHtml, 10_000_000),
    remoteContentBlocked: m.remoteContentBlocked,
    mimeError: m.mimeError === null ? null : cut(m.mimeError, 500),
    attachments: m.attachments.slice(0, 200).map((a) => ({ id: a.id, filename: cut(a.filename, 300), mime: cut(a.mime, 200), size: a.size })),
    readReceipt: m.readReceipt,
    receipts: m.receipts.slice(0, 500).map((r) => ({ recipient: cut(r.recipient, 320), disposition: cut(r.disposition, 60), at: r.at })),
    xdm: xdmView(m.xdm),
  };
}

/** The address inside `Name <address>`, or the text itself. */
export function bareAddress(value: string): string {
  return (/<([^<>\s]+@[^<>\s]+)>/.exec(value)?.[1] ?? value).trim();
}
