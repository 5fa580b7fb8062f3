import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailMessageView, MailSummaryView } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import { AttachmentList } from './AttachmentList.js';
import { fullDate } from './format.js';
import { Icon } from './Icon.js';
import { MessageBody } from './MessageBody.js';
import { PatientLink } from './PatientLink.js';
import { ReadReceiptPrompt } from './ReadReceiptPrompt.js';
import { ReceiptList } from './ReceiptList.js';
import { XdmState } from './XdmState.js';

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'ready'; readonly message: MailMessageView };

interface Props {
  readonly id: number;
  /** Bumped when the folder changed: the message is read again (receipts, flags). */
  readonly generation: number;
  readonly onSummaryChange: (id: number, change: Partial<Pick<MailSummaryView, 'seen' | 'flagged'>>) => void;
  readonly onReply: (message: MailMessageView) => void;
}

/** One message in full: headers, patient and XDM, receipts, the body, the attachments. */
export function ReadingPane({ id, generation, onSummaryChange, onReply }: Props) {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [actionError, setActionError] = useState<string | null>(null);
  const [remote, setRemote] = useState<{ readonly html: string } | null>(null);
  const [remoteBusy, setRemoteBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const markedSeen = useRef<number | null>(null);

  useEffect(() => {
    let live = true;
    invoke('mail.get', { id }).then(
      (message) => {
        if (!live) return;
        setState({ kind: 'ready', message });
        // Opened means read: said to the server once, after the message is on screen.
        if (!message.seen && markedSeen.current !== id) {
          markedSeen.current = id;
          invoke('mail.setSeen', { id, seen: true }).then(
            () => onSummaryChange(id, { seen: true }),
            () => undefined,
          );
        }
      },
      (caught: unknown) => {
        const code = caught instanceof ApiCallError ? caught.code : 'INTERNAL';
        if (live && code !== 'LOCKED') setState((previous) => (previous.kind === 'ready' && previous.message.id === id ? previous : { kind: 'failed', message: t(`errors.${code}`) }));
      },
    );
    return () => {
      live = false;
    };
    // onSummaryChange and t are stable enough; re-reading is driven by the id and the generation.
  }, [id, generation]);

  useEffect(() => {
    setRemote(null);
    setActionError(null);
    setState({ kind: 'loading' });
  }, [id]);

  if (state.kind === 'loading') {
    return (
      <p role="status" className="mail-pane-note">
        {t('mail.read.loading')}
      </p>
    );
  }
  if (state.kind === 'failed') {
    return (
      <p role="alert" className="field-error" data-testid="mail-read-error">
        {t('mail.read.failed', { reason: state.message })}
      </p>
    );
  }
  const message = state.message;
  const update = (change: Partial<MailMessageView>) => setState({ kind: 'ready', message: { ...message, ...change } });
  const toggleFlag = () => {
    const flagged = !message.flagged;
    setActionError(null);
    invoke('mail.setFlagged', { id: message.id, flagged }).then(
      () => {
        update({ flagged });
        onSummaryChange(message.id, { flagged });
      },
      (caught: unknown) => setActionError(t(`errors.${caught instanceof ApiCallError ? caught.code : 'INTERNAL'}`)),
    );
  };
  const showRemote = () => {
    if (remoteBusy) return;
    setRemoteBusy(true);
    setActionError(null);
    invoke('mail.remoteContent', { id: message.id })
      .then(
        ({ bodyHtml }) => setRemote({ html: bodyHtml }),
        (caught: unknown) => setActionError(t('mail.remote.failed', { reason: t(`errors.${caught instanceof ApiCallError ? caught.code : 'INTERNAL'}`) })),
      )
      .finally(() => setRemoteBusy(false));
  };

  return (
    <article className="mail-message" aria-labelledby="mail-message-subject" data-testid="mail-message">
      <div className="mail-message-actions">
        <button type="button" className="button button-small" onClick={() => onReply(message)} data-testid="mail-reply">
          <Icon name="answered" /> {t('mail.read.reply')}
        </button>
        <button type="button" className="button button-small" aria-pressed={message.flagged} onClick={toggleFlag} data-testid="mail-flag">
          <Icon name="flag" /> {t('mail.read.flag')}
        </button>
      </div>
      <h2 id="mail-message-subject" ref={heading} tabIndex={-1} className="mail-message-subject" data-testid="mail-message-subject">
        {message.subject || t('mail.list.noSubject')}
      </h2>
      <dl className="mail-headers">
        <dt>{t('mail.read.from')}</dt>
        <dd data-testid="mail-message-from">{message.from}</dd>
        <dt>{t('mail.read.to')}</dt>
        <dd data-testid="mail-message-to">{message.to.join(', ')}</dd>
        {message.cc.length > 0 && (
          <>
            <dt>{t('mail.read.cc')}</dt>
            <dd>{message.cc.join(', ')}</dd>
          </>
        )}
        <dt>{t('mail.read.date')}</dt>
        <dd data-testid="mail-message-date">{fullDate(message.date, i18n.language)}</dd>
        {message.patientId !== null && (
          <>
            <dt>{t('mail.read.patient')}</dt>
            <dd>
              <PatientLink id={message.patientId} />
            </dd>
          </>
        )}
      </dl>
      <div role="alert">{actionError && <p className="field-error">{actionError}</p>}</div>
      {message.mimeError && (
        <p className="mail-notice mail-notice-warning" data-testid="mail-mime-error">
          {message.mimeError}
        </p>
      )}
      {message.xdm && <XdmState xdm={message.xdm} />}
      <ReceiptList receipts={message.receipts} />
      <ReadReceiptPrompt id={message.id} state={message.readReceipt} onAnswered={(readReceipt) => update({ readReceipt })} />
      {message.remoteContentBlocked && remote === null && (
        <div className="mail-notice" data-testid="mail-remote-blocked">
          <p>{t('mail.remote.blocked')}</p>
          <button type="button" className="button button-small" onClick={showRemote} aria-disabled={remoteBusy || undefined} data-testid="mail-remote-show">
            {t('mail.remote.show')}
          </button>
        </div>
      )}
      {message.attachments.length > 0 && <AttachmentList key={message.id} attachments={message.attachments} />}
      <MessageBody html={remote?.html ?? message.bodyHtml} text={message.bodyText} title={message.subject} />
    </article>
  );
}
