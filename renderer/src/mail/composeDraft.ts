import { MAX_COMPOSE_ATTACHMENT_BYTES, type MailSendInput } from '../../../shared/api/index.js';
import { MAX_RECIPIENTS, parseAddresses } from '../outbox/addresses.js';

/** What the compose form holds (pure data: checked and turned into `mail.send` input here). */
export interface ComposeAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly dataBase64: string;
}

export interface ComposeDraft {
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly attachments: readonly ComposeAttachment[];
  readonly readReceipt: boolean;
  readonly patientId: number | null;
  readonly xdm: boolean;
  readonly replyToId: number | null;
}

export const emptyDraft: ComposeDraft = {
  to: [],
  cc: [],
  subject: '',
  text: '',
  attachments: [],
  // Asked by default: in a care pathway the sender wants to know the letter was read.
  readReceipt: true,
  patientId: null,
  xdm: false,
  replyToId: null,
};

export type DraftProblem =
  | { readonly field: 'to'; readonly kind: 'empty' | 'too-many' }
  | { readonly field: 'to' | 'cc'; readonly kind: 'invalid'; readonly address: string }
  | { readonly field: 'cc'; readonly kind: 'too-many' }
  | { readonly field: 'text'; readonly kind: 'empty' }
  | { readonly field: 'attachments'; readonly kind: 'too-big' };

export const isPdf = (a: Pick<ComposeAttachment, 'contentType' | 'filename'>): boolean =>
  a.contentType === 'application/pdf' || /\.pdf$/i.test(a.filename);

export const attachmentBytes = (attachments: readonly Pick<ComposeAttachment, 'size'>[]): number =>
  attachments.reduce((sum, a) => sum + a.size, 0);

/** The XDM choice only makes sense with a patient and at least one PDF. */
export const canAttachXdm = (draft: Pick<ComposeDraft, 'patientId' | 'attachments'>): boolean =>
  draft.patientId !== null && draft.attachments.some(isPdf);

/**
 * Checks the draft the way main will (zod there has the last word) and builds the send input.
 * `pendingTo`/`pendingCc` are what is still typed in the address fields, not yet a chip.
 */
export function checkDraft(
  draft: ComposeDraft,
  pending: { readonly to?: string; readonly cc?: string } = {},
): { readonly ok: true; readonly input: MailSendInput } | { readonly ok: false; readonly problems: readonly DraftProblem[] } {
  const problems: DraftProblem[] = [];
  const to = parseAddresses([...draft.to, pending.to ?? ''].join(','));
  if (!to.ok) {
    if (to.error === 'invalid') problems.push({ field: 'to', kind: 'invalid', address: to.address });
    else problems.push({ field: 'to', kind: to.error });
  }
  const ccText = [...draft.cc, pending.cc ?? ''].join(',');
  const cc = parseAddresses(ccText);
  if (!cc.ok && cc.error === 'invalid') problems.push({ field: 'cc', kind: 'invalid', address: cc.address });
  if (!cc.ok && cc.error === 'too-many') problems.push({ field: 'cc', kind: 'too-many' });
  if (draft.text.trim() === '' && draft.attachments.length === 0) problems.push({ field: 'text', kind: 'empty' });
  if (attachmentBytes(draft.attachments) > MAX_COMPOSE_ATTACHMENT_BYTES) problems.push({ field: 'attachments', kind: 'too-big' });
  if (problems.length > 0 || !to.ok) return { ok: false, problems };
  const ccList = cc.ok ? cc.addresses.filter((a) => !to.addresses.includes(a)) : [];
  const xdm = draft.xdm && canAttachXdm(draft);
  const input: MailSendInput = {
    to: [...to.addresses],
    subject: draft.subject.trim(),
    text: draft.text,
    readReceipt: draft.readReceipt,
    ...(ccList.length > 0 ? { cc: ccList } : {}),
    ...(draft.attachments.length > 0
      ? { attachments: draft.attachments.map(({ filename, contentType, dataBase64 }) => ({ filename, contentType, dataBase64 })) }
      : {}),
    ...(draft.patientId !== null ? { patientId: draft.patientId } : {}),
    ...(xdm ? { xdm: true } : {}),
    ...(draft.replyToId !== null ? { replyToId: draft.replyToId } : {}),
  };
  return { ok: true, input };
}

export { MAX_RECIPIENTS };

/** Bytes → base64 without building one huge string of char codes (8 MiB files stay smooth). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

export function fromBase64(data: string): Uint8Array {
  const binary = atob(data);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

/** A content type the contract accepts (`type/subtype`), whatever the browser guessed. */
export function safeContentType(type: string, filename: string): string {
  if (/^[\w.+-]+\/[\w.+-]+$/.test(type)) return type;
  return /\.pdf$/i.test(filename) ? 'application/pdf' : 'application/octet-stream';
}
