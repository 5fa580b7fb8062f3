import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiCallError, invoke } from '../api/client.js';
import { RecipientInput } from '../directory/RecipientInput.js';
import { ComposeAttachments } from './ComposeAttachments.js';
import { ComposePatient, type ChosenPatient } from './ComposePatient.js';
import { canAttachXdm, checkDraft, emptyDraft, MAX_RECIPIENTS, type ComposeDraft, type DraftProblem } from './composeDraft.js';

type Feedback = { readonly kind: 'queued' } | { readonly kind: 'error'; readonly message: string } | null;

export interface ComposeStart {
  readonly draft: ComposeDraft;
  readonly patient: ChosenPatient | null;
}

export const blankCompose: ComposeStart = { draft: emptyDraft, patient: null };

interface Props {
  readonly start: ComposeStart;
  readonly onClose: () => void;
}

/**
 * Writing a message: À, Cc, Objet, Message, pièces jointes, accusé de lecture, patient and
 * IHE_XDM. « Envoyer » queues it in the outbox (it leaves now or when the network is back); on
 * success the form empties and says so, on any failure everything typed stays. The body keeps
 * `data-testid="messagerie-draft"`: the draft that survives the lock screen (the shell is made
 * inert, never unmounted).
 */
export function Compose({ start, onClose }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [draft, setDraft] = useState<ComposeDraft>(start.draft);
  const [patient, setPatient] = useState<ChosenPatient | null>(start.patient);
  const [problems, setProblems] = useState<readonly DraftProblem[]>([]);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [sending, setSending] = useState(false);
  // Bumped after a send: the address fields start afresh (they keep what is being typed inside).
  const [fieldsKey, setFieldsKey] = useState(0);
  const toBox = useRef<HTMLDivElement>(null);
  const ccBox = useRef<HTMLDivElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const set = (change: Partial<ComposeDraft>) => {
    setDraft((d) => ({ ...d, ...change }));
    // A field being corrected no longer shows its old error; the others keep theirs until « Envoyer ».
    const touched = new Set<string>(Object.keys(change));
    setProblems((previous) => (previous.some((p) => touched.has(p.field)) ? previous.filter((p) => !touched.has(p.field)) : previous));
  };

  const problemText = (field: DraftProblem['field']): string | null => {
    const problem = problems.find((p) => p.field === field);
    if (!problem) return null;
    if (problem.kind === 'invalid') return t('mail.compose.errors.invalidAddress', { address: problem.address });
    if (problem.kind === 'too-many') return t('mail.compose.errors.tooMany', { max: MAX_RECIPIENTS });
    if (problem.kind === 'too-big') return t('mail.compose.errors.tooBig');
    return field === 'to' ? t('mail.compose.errors.noRecipient') : t('mail.compose.errors.emptyText');
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    setFeedback(null);
    const withPatient = { ...draft, patientId: patient?.id ?? null };
    // What is still typed in À / Cc (not yet an address of the list) counts too.
    const typed = (box: HTMLDivElement | null) => box?.querySelector('input')?.value ?? '';
    const checked = checkDraft(withPatient, { to: typed(toBox.current), cc: typed(ccBox.current) });
    if (!checked.ok) {
      setProblems(checked.problems);
      const first = checked.problems[0]?.field;
      if (first === 'to') toBox.current?.querySelector('input')?.focus();
      else if (first === 'cc') ccBox.current?.querySelector('input')?.focus();
      else if (first === 'text') textRef.current?.focus();
      return;
    }
    setProblems([]);
    setSending(true);
    invoke('mail.send', checked.input)
      .then(
        () => {
          setDraft(emptyDraft);
          setPatient(null);
          setFieldsKey((n) => n + 1);
          setFeedback({ kind: 'queued' });
          // After the fresh fields are in place.
          setTimeout(() => toBox.current?.querySelector('input')?.focus(), 0);
        },
        (error: unknown) => {
          const code = error instanceof ApiCallError ? error.code : 'INTERNAL';
          // Signed out: the lock screen covers this; the draft waits for the next sign-in.
          if (code === 'LOCKED') return;
          setFeedback({ kind: 'error', message: code === 'UNAVAILABLE' ? t('mail.compose.notConfigured') : t('mail.compose.failed', { reason: t(`errors.${code}`) }) });
        },
      )
      .finally(() => setSending(false));
  };

  const toError = problemText('to');
  const ccError = problemText('cc');
  const textError = problemText('text');
  const xdmPossible = canAttachXdm({ patientId: patient?.id ?? null, attachments: draft.attachments });
  return (
    <section className="mail-compose" aria-labelledby={`${id}-h`} data-testid="mail-compose">
      <div className="mail-compose-head">
        <h2 id={`${id}-h`} tabIndex={-1}>
          {draft.replyToId !== null ? t('mail.compose.replyTitle') : t('mail.compose.title')}
        </h2>
        <button type="button" className="button button-small" onClick={onClose} data-testid="compose-close">
          {t('mail.compose.close')}
        </button>
      </div>
      <form className="compose-form" noValidate onSubmit={submit} data-testid="compose-form">
        <div className="field field-wide" ref={toBox}>
          <RecipientInput
            key={`to-${fieldsKey}`}
            id={`${id}-to`}
            label={t('mail.compose.to')}
            value={draft.to}
            onChange={(to) => set({ to })}
            invalid={toError !== null}
            {...(toError ? { describedBy: `${id}-to-error` } : {})}
            testId="compose-to"
          />
          {toError && (
            <p id={`${id}-to-error`} className="field-error" data-testid="compose-to-error">
              {toError}
            </p>
          )}
        </div>
        <div className="field field-wide" ref={ccBox}>
          <RecipientInput
            key={`cc-${fieldsKey}`}
            id={`${id}-cc`}
            label={t('mail.compose.cc')}
            value={draft.cc}
            onChange={(cc) => set({ cc })}
            invalid={ccError !== null}
            {...(ccError ? { describedBy: `${id}-cc-error` } : {})}
            testId="compose-cc"
          />
          {ccError && (
            <p id={`${id}-cc-error`} className="field-error" data-testid="compose-cc-error">
              {ccError}
            </p>
          )}
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-subject`}>{t('mail.compose.subject')}</label>
          <input id={`${id}-subject`} type="text" maxLength={998} data-testid="compose-subject" value={draft.subject} onChange={(event) => set({ subject: event.target.value })} />
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-draft`}>{t('mail.compose.text')}</label>
          <textarea
            ref={textRef}
            id={`${id}-draft`}
            data-testid="messagerie-draft"
            rows={10}
            value={draft.text}
            onChange={(event) => set({ text: event.target.value })}
            aria-invalid={textError ? true : undefined}
            aria-describedby={textError ? `${id}-note ${id}-text-error` : `${id}-note`}
          />
          <p id={`${id}-note`} className="field-note">
            {t('mail.compose.note')}
          </p>
          {textError && (
            <p id={`${id}-text-error`} className="field-error" data-testid="compose-text-error">
              {textError}
            </p>
          )}
        </div>
        <ComposeAttachments id={`${id}-files`} value={draft.attachments} onChange={(attachments) => set({ attachments })} error={problemText('attachments')} />
        <ComposePatient id={`${id}-patient`} value={patient} onChange={setPatient} />
        {xdmPossible && (
          <div className="checkbox-field">
            <input id={`${id}-xdm`} type="checkbox" checked={draft.xdm} onChange={(event) => set({ xdm: event.target.checked })} data-testid="compose-xdm" />
            <label htmlFor={`${id}-xdm`}>{t('mail.compose.xdm')}</label>
          </div>
        )}
        <div className="checkbox-field">
          <input
            id={`${id}-receipt`}
            type="checkbox"
            checked={draft.readReceipt}
            onChange={(event) => set({ readReceipt: event.target.checked })}
            data-testid="compose-read-receipt"
          />
          <label htmlFor={`${id}-receipt`}>{t('mail.compose.readReceipt')}</label>
        </div>
        <div className="button-row">
          <button type="submit" className="button button-primary" data-testid="compose-send" aria-disabled={sending || undefined}>
            {t(sending ? 'mail.compose.sending' : 'mail.compose.send')}
          </button>
        </div>
      </form>
      <div role="status" className="compose-feedback">
        {feedback?.kind === 'queued' && (
          <p className="field-feedback" data-testid="compose-queued">
            {t('mail.compose.queued')}
          </p>
        )}
      </div>
      <div role="alert">
        {feedback?.kind === 'error' && (
          <p className="field-error" data-testid="compose-error">
            {feedback.message}
          </p>
        )}
      </div>
    </section>
  );
}
