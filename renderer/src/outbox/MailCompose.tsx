import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiCallError, invoke } from '../api/client.js';
import { MAX_RECIPIENTS, parseAddresses } from './addresses.js';

type Feedback = { readonly kind: 'queued' } | { readonly kind: 'error'; readonly message: string } | null;

/**
 * A minimal compose (À, Objet, Message, Envoyer): `mail.send` queues the message in the outbox,
 * so it works offline too. On success the form is emptied; on any failure the text stays. The
 * body keeps `data-testid="messagerie-draft"`: it is the draft that survives the lock screen.
 */
export function MailCompose() {
  const { t } = useTranslation();
  const id = useId();
  const [to, setTo] = useState('');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [toError, setToError] = useState<string | null>(null);
  const [textError, setTextError] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [sending, setSending] = useState(false);
  const toRef = useRef<HTMLInputElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (sending) return;
    setFeedback(null);
    const parsed = parseAddresses(to);
    const nextToError = parsed.ok
      ? null
      : parsed.error === 'invalid'
        ? t('compose.errors.invalidAddress', { address: parsed.address })
        : parsed.error === 'too-many'
          ? t('compose.errors.tooMany', { max: MAX_RECIPIENTS })
          : t('compose.errors.noRecipient');
    const nextTextError = text.trim() === '' ? t('compose.errors.emptyText') : null;
    setToError(nextToError);
    setTextError(nextTextError);
    if (!parsed.ok || nextTextError) {
      (parsed.ok ? textRef : toRef).current?.focus();
      return;
    }
    setSending(true);
    invoke('mail.send', { to: [...parsed.addresses], subject: subject.trim(), text })
      .then(
        () => {
          setTo('');
          setSubject('');
          setText('');
          setFeedback({ kind: 'queued' });
          toRef.current?.focus();
        },
        (error: unknown) => {
          const code = error instanceof ApiCallError ? error.code : 'INTERNAL';
          // Signed out: the lock screen covers this; the text waits for the next sign-in.
          if (code === 'LOCKED') return;
          setFeedback({ kind: 'error', message: code === 'UNAVAILABLE' ? t('compose.notConfigured') : t(`errors.${code}`) });
        },
      )
      .finally(() => setSending(false));
  };

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('compose.title')}</h2>
      <form className="compose-form" noValidate onSubmit={submit} data-testid="compose-form">
        <div className="field field-wide">
          <label htmlFor={`${id}-to`}>{t('compose.to')}</label>
          <input
            ref={toRef}
            id={`${id}-to`}
            type="text"
            inputMode="email"
            autoComplete="off"
            spellCheck={false}
            data-testid="compose-to"
            value={to}
            onChange={(event) => setTo(event.target.value)}
            aria-invalid={toError ? true : undefined}
            aria-describedby={toError ? `${id}-to-note ${id}-to-error` : `${id}-to-note`}
          />
          <p id={`${id}-to-note`} className="field-note">
            {t('compose.toNote')}
          </p>
          {toError && (
            <p id={`${id}-to-error`} className="field-error" data-testid="compose-to-error">
              {toError}
            </p>
          )}
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-subject`}>{t('compose.subject')}</label>
          <input id={`${id}-subject`} type="text" data-testid="compose-subject" value={subject} onChange={(event) => setSubject(event.target.value)} />
        </div>
        <div className="field field-wide">
          <label htmlFor={`${id}-draft`}>{t('compose.text')}</label>
          <textarea
            ref={textRef}
            id={`${id}-draft`}
            data-testid="messagerie-draft"
            rows={8}
            value={text}
            onChange={(event) => setText(event.target.value)}
            aria-invalid={textError ? true : undefined}
            aria-describedby={textError ? `${id}-note ${id}-text-error` : `${id}-note`}
          />
          <p id={`${id}-note`} className="field-note">
            {t('compose.note')}
          </p>
          {textError && (
            <p id={`${id}-text-error`} className="field-error" data-testid="compose-text-error">
              {textError}
            </p>
          )}
        </div>
        <div className="button-row">
          <button type="submit" className="button button-primary" data-testid="compose-send" aria-disabled={sending || undefined}>
            {t(sending ? 'compose.sending' : 'compose.send')}
          </button>
        </div>
      </form>
      <div role="status" className="compose-feedback">
        {feedback?.kind === 'queued' && (
          <p className="field-feedback" data-testid="compose-queued">
            {t('compose.queued')}
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
