import { MAX_COMPOSE_ATTACHMENT_BYTES, ServiceError } from '../../shared/api/index.js';
import type { CardService } from '../card/cardService.js';
import type { InsMode } from '../identity/insOid.js';
import { decodePatient } from '../identity/patientRecord.js';
import { inlineRemoteImages } from '../mail/remoteContent.js';
import { XdmError } from '../mail/xdm/xdmErrors.js';
import { MAX_INLINE_ATTACHMENT_BYTES, type DraftAttachment } from '../outbox/kinds/mailSend.js';
import type { Logger } from '../policy/logger.js';
import type { Vault } from '../vault/client.js';
import { changeFlag } from './mailFlagChange.js';
import type { MailSession } from './mailSession.js';
import { bareAddress, messageView, summaryView } from './mailViews.js';
import type { XdmSettings } from './config.js';
import { buildMessageXdm } from './mailXdmBuild.js';
import { matchPendingXdm } from './mailXdmMatch.js';
import type { OutboxSession } from './outboxSession.js';
import type { Handlers } from './router.js';
import type { VaultSession } from './vaultSession.js';

type MailHandlers = Pick<
  Handlers,
  | 'mail.status'
  | 'mail.folders'
  | 'mail.list'
  | 'mail.search'
  | 'mail.get'
  | 'mail.setSeen'
  | 'mail.setFlagged'
  | 'mail.attachment'
  | 'mail.remoteContent'
  | 'mail.answerReadReceipt'
  | 'mail.syncNow'
  | 'mail.send'
>;

const MESSAGE_ID = /^<[^<>\s]+@[^<>\s]+>$/;
const decodedLength = (b64: string) => Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);

export interface MailHandlerOptions {
  readonly mail: MailSession;
  readonly outbox: OutboxSession;
  readonly vault: VaultSession;
  readonly card: Pick<CardService, 'getState'>;
  readonly log: Logger;
  readonly mode: 'normal' | 'demo';
  readonly insMode: InsMode;
  readonly appVersion: string;
  /** The deployment's IHE_XDM metadata settings (`mail.xdm`). */
  readonly xdm?: XdmSettings | undefined;
  /** Tests only: remote images may come from http://127.0.0.1. */
  readonly remoteContentAllowLoopbackHttp?: boolean;
}

/**
 * Messagerie: reading the vault's messages, acting on them, writing (through the outbox).
 * Only with an open session: LOCKED otherwise (the messages live in the vault). Logs ids,
 * counts and codes, never an address, a subject or a body.
 */
export function createMailHandlers(options: MailHandlerOptions): MailHandlers {
  const { outbox, mail, log } = options;

  const open = (): Vault => {
    const v = options.vault.current();
    if (!v) throw new ServiceError('LOCKED', 'mailbox while locked');
    return v;
  };
  const actor = (): string => {
    const state = options.card.getState();
    return state.state === 'signed-in' ? state.profile.idNat : 'inconnu';
  };
  const audit = (v: Vault, action: 'message.read' | 'message.sent', subject: 'message' | 'attachment' | 'read-receipt' | 'outbox-job', id: number | null) =>
    v.appendAudit({ actor: actor(), action, subjectType: subject === 'message' ? 'message' : 'document', subjectId: `${subject === 'message' ? '' : `${subject}:`}${id === null ? 'aucun' : id}` }).catch((error: unknown) => {
      log.warn('mail.audit.failed', { action, error: error instanceof Error ? error.name : 'unknown' });
    });
  const message = async (v: Vault, id: number) => {
    const m = await v.mailboxMessage(id);
    if (m === null) throw new ServiceError('UNAVAILABLE', 'message not found');
    return m;
  };
  const flag = async (id: number, name: '\\Seen' | '\\Flagged', on: boolean) => {
    const v = open();
    const folder = await changeFlag({ vault: v, mail, outbox }, id, name, on);
    if (folder !== null) mail.changed([folder]);
    return {};
  };

  /** Demo: nothing leaves; the message is filed in « Envoyés » so the trainer sees it there. */
  const demoSend = async (v: Vault, draft: { to: string[]; cc?: string[] | undefined; subject: string; text: string }) => {
    const [id] = await v.insertMessages([{ folder: 'Sent', uid: null, messageId: null, date: Date.now(), from: 'dr.demo@demo.mssante.invalid', to: [...draft.to, ...(draft.cc ?? [])], subject: draft.subject, bodyText: draft.text, flags: ['\\Seen'] }]);
    mail.changed(['Sent']);
    await audit(v, 'message.sent', 'message', id ?? null);
    return { jobId: null };
  };

  return {
    'mail.status': async () => mail.status(),
    'mail.folders': async () => ({ folders: (await open().mailboxFolders()).slice(0, 1000) }),
    'mail.list': async ({ folder, offset, limit }) => {
      const page = await open().mailboxWindow({ folder, offset, limit });
      return { total: page.total, items: page.items.map(summaryView) };
    },
    'mail.search': async ({ query, limit }) => ({ items: (await open().mailboxSearch({ query, limit })).map(summaryView) }),
    'mail.get': async ({ id }) => {
      const v = open();
      let m = await message(v, id);
      if (m.parseState === 'pending') {
        // Opened before the background parser reached it: parse this one now.
        await mail.parseNow(id).catch((error: unknown) => log.warn('mail.parse-now.failed', { id, error: error instanceof Error ? error.name : 'unknown' }));
        m = await message(v, id);
      }
      if (m.xdm?.match === 'pending') {
        const folders = await matchPendingXdm({ vault: v, mode: options.insMode, log, maxBatches: 1 });
        mail.changed(folders);
        m = await message(v, id);
      }
      if (!m.flags.includes('\\Seen')) await audit(v, 'message.read', 'message', id);
      return messageView(m);
    },
    'mail.setSeen': ({ id, seen }) => flag(id, '\\Seen', seen),
    'mail.setFlagged': ({ id, flagged }) => flag(id, '\\Flagged', flagged),
    'mail.attachment': async ({ id }) => {
      const v = open();
      const a = await v.mailboxAttachment(id);
      if (a === null) throw new ServiceError('UNAVAILABLE', 'attachment not found');
      await audit(v, 'message.read', 'attachment', a.id);
      return { filename: a.filename.slice(0, 300), mime: a.mime.slice(0, 200), dataBase64: Buffer.from(a.data).toString('base64') };
    },
    'mail.remoteContent': async ({ id }) => {
      const m = await message(open(), id);
      if (m.bodyHtml === null) return { bodyHtml: '' };
      const result = await inlineRemoteImages(m.bodyHtml, { allowLoopbackHttp: options.remoteContentAllowLoopbackHttp === true, log });
      return { bodyHtml: result.html };
    },
    'mail.answerReadReceipt': async ({ id, send }) => {
      const v = open();
      const m = await message(v, id);
      // Answered once: whatever comes after (double click, second window) changes nothing.
      if (m.readReceipt !== 'asked') return {};
      if (send) {
        if (options.mode === 'demo') {
          await v.mailboxAnswerReadReceipt({ id, state: 'sent' });
        } else {
          if (!outbox.current()) throw new ServiceError('LOCKED', 'outbox while locked');
          if (m.messageId === null || !MESSAGE_ID.test(m.messageId)) throw new ServiceError('UNAVAILABLE', 'original has no Message-ID');
          const from = bareAddress(m.from);
          const to = m.dispositionNotificationTo ?? m.returnPath ?? from;
          try {
            const jobId = await outbox.sendMdn({
              original: {
                messageId: m.messageId,
                from,
                to: m.to.map(bareAddress),
                ...(m.returnPath === null ? {} : { returnPath: bareAddress(m.returnPath) }),
                subject: m.subject,
                dispositionNotificationTo: bareAddress(to),
                ...(m.headerBlock === null ? {} : { headers: m.headerBlock }),
              },
              disposition: 'processed',
              reportingUa: `Caducée; ${options.appVersion}`,
            });
            if (jobId === null && !(await outbox.view()).configured) throw new ServiceError('UNAVAILABLE', 'no MSSanté mailbox configured');
          } catch (error) {
            if (error instanceof ServiceError) throw error;
            log.warn('mail.mdn.refused', { id, error: error instanceof Error ? error.name : 'unknown' });
            throw new ServiceError('UNAVAILABLE', 'mdn cannot be built');
          }
          await v.mailboxAnswerReadReceipt({ id, state: 'sent' });
        }
      } else await v.mailboxAnswerReadReceipt({ id, state: 'declined' });
      if (send) await audit(v, 'message.sent', 'read-receipt', id);
      mail.changed([m.folder]);
      return {};
    },
    'mail.syncNow': async () => {
      open();
      await mail.syncNow();
      return {};
    },
    'mail.send': async (draft) => {
      const v = open();
      if (options.mode === 'demo') return demoSend(v, draft);
      if (!outbox.current()) throw new ServiceError('LOCKED', 'outbox while locked');
      const view = await outbox.view();
      // Nothing can leave without a mailbox: say so, and let the screen keep the draft.
      if (!view.configured) throw new ServiceError('UNAVAILABLE', 'no MSSanté mailbox configured');

      const files = (draft.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.dataBase64, 'base64') }));
      const inline = (draft.attachments ?? []).reduce((n, a) => n + decodedLength(a.dataBase64), 0);
      if (inline > MAX_COMPOSE_ATTACHMENT_BYTES) throw new ServiceError('INVALID_INPUT', 'attachments too large');

      let replyTo: { messageId: string; references: string[]; rowId: number } | undefined;
      if (draft.replyToId !== undefined) {
        const parent = await message(v, draft.replyToId);
        if (parent.messageId !== null && MESSAGE_ID.test(parent.messageId)) {
          replyTo = { messageId: parent.messageId, references: parent.references.filter((r) => MESSAGE_ID.test(r)), rowId: parent.id };
        }
      }

      let patientId: number | undefined;
      let xdm: { zip: Buffer; headers: { 'X-MSS-CODECDA': string; 'X-MSS-INS': 'O' | 'N' } } | undefined;
      if (draft.patientId !== undefined) {
        const row = await v.patientById(draft.patientId);
        const patient = row === null ? null : decodePatient(row);
        if (patient === null) throw new ServiceError('INVALID_INPUT', 'patient not found');
        patientId = patient.id;
        if (draft.xdm === true) {
          const pdfs = files.filter((f) => f.contentType === 'application/pdf' || /\.pdf$/i.test(f.filename));
          if (pdfs.length === 0) throw new ServiceError('INVALID_INPUT', 'xdm without a PDF attachment');
          const state = options.card.getState();
          if (state.state !== 'signed-in') throw new ServiceError('LOCKED', 'xdm author needs the card');
          try {
            const built = await buildMessageXdm({ mode: options.insMode, patient, author: state.profile, pdfs, appVersion: options.appVersion, ...(options.xdm ? { settings: options.xdm } : {}) });
            xdm = { zip: built.zip, headers: { ...built.headers } };
          } catch (error) {
            if (!(error instanceof XdmError)) throw error;
            log.warn('mail.xdm.build-refused', { code: error.code });
            throw new ServiceError('INVALID_INPUT', `xdm: ${error.code}`);
          }
        }
      }
      // The PDF copies travel beside the archive: attachments plus the zip must fit one payload.
      if (inline + (xdm?.zip.length ?? 0) > MAX_INLINE_ATTACHMENT_BYTES) throw new ServiceError('INVALID_INPUT', 'attachments too large');

      const attachments: DraftAttachment[] = files;
      const jobId = await outbox.send({
        to: draft.to,
        ...(draft.cc === undefined ? {} : { cc: draft.cc }),
        subject: draft.subject,
        text: draft.text,
        attachments,
        ...(draft.readReceipt === true ? { readReceipt: true } : {}),
        ...(replyTo === undefined ? {} : { replyTo }),
        ...(patientId === undefined ? {} : { patientId }),
        ...(xdm === undefined ? {} : { xdm }),
      });
      await audit(v, 'message.sent', 'outbox-job', jobId);
      mail.changed(['Outbox']);
      return { jobId };
    },
  };
}
