import { useCallback, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntryView } from '../../../shared/api/index.js';
import { addTyped, isAddress, MAX_RECIPIENTS, removeAt, type AddOutcome } from './recipients.js';
import { SuggestionList } from './SuggestionList.js';
import { useDirectoryCombobox } from './useDirectoryCombobox.js';
import './directory.css';

interface Props {
  readonly id: string;
  readonly label: string;
  readonly value: readonly string[];
  readonly onChange: (value: string[]) => void;
  /** Ids of text describing the field (e.g. the compose's error for this field). */
  readonly describedBy?: string;
  readonly invalid?: boolean;
  /** On the text field, as on the compose's plain address field. */
  readonly testId?: string;
}

type FieldError = { kind: 'invalid'; address: string } | { kind: 'too-many' } | null;

/**
 * The compose window's To / Cc: the chosen addresses as removable chips, and a field that
 * suggests mailboxes from the Annuaire Santé (offline, in the vault) as one types. An address
 * that is not in the directory is accepted when it is one (Enter, comma, semicolon, or leaving
 * the field). Keyboard: ↓/↑ and Enter pick a suggestion, Esc closes them, each chip has its own
 * « Retirer » button; focus comes back to the field after a removal.
 */
export function RecipientInput({ id, label, value, onChange, describedBy, invalid, testId }: Props) {
  const { t } = useTranslation();
  const base = useId();
  const listId = `${base}-list`;
  const hintId = `${base}-hint`;
  const errorId = `${base}-error`;
  const [text, setText] = useState('');
  const [error, setError] = useState<FieldError>(null);
  const [announce, setAnnounce] = useState('');
  const input = useRef<HTMLInputElement>(null);

  const apply = useCallback(
    (outcome: AddOutcome, added: string) => {
      if (outcome.value.length !== value.length) onChange(outcome.value);
      if (outcome.ok) {
        setError(null);
        setText('');
        setAnnounce(t('directory.recipients.added', { address: added }));
        return;
      }
      if (outcome.error === 'invalid') {
        setError({ kind: 'invalid', address: outcome.address });
        setText(outcome.address);
      } else {
        setError({ kind: 'too-many' });
        setText('');
      }
    },
    [onChange, t, value.length],
  );

  const commitText = (typed: string): boolean => {
    if (typed.trim() === '') return false;
    apply(addTyped(value, typed), typed.trim().toLowerCase());
    return true;
  };

  const onPick = useCallback((entry: DirectoryEntryView) => apply(addTyped(value, entry.address), entry.address), [apply, value]);
  const combobox = useDirectoryCombobox({ listId, text, onPick, onEnter: () => commitText(text) });

  const remove = (index: number): void => {
    const address = value[index];
    onChange(removeAt(value, index));
    setError(null);
    if (address !== undefined) setAnnounce(t('directory.recipients.removed', { address }));
    input.current?.focus();
  };

  const suggestionsNote = text.trim().length >= 2 && combobox.searched ? (combobox.entries.length > 0 ? t('directory.recipients.count', { count: combobox.entries.length }) : t('directory.recipients.noSuggestion')) : '';
  const describedByAll = [describedBy, hintId, error ? errorId : undefined].filter((x) => x !== undefined).join(' ');

  return (
    <div className="recipient-input">
      <label htmlFor={id}>{label}</label>
      <div className="recipient-box">
        {value.length > 0 && (
          <ul className="recipient-chips" aria-label={t('directory.recipients.chosen', { label })}>
            {value.map((address, i) => (
              <li key={address} className="recipient-chip">
                <span>{address}</span>
                <button type="button" className="recipient-remove" aria-label={t('directory.recipients.remove', { address })} onClick={() => remove(i)}>
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="recipient-entry">
          <input
            ref={input}
            id={id}
            type="text"
            role="combobox"
            inputMode="email"
            autoComplete="off"
            spellCheck={false}
            aria-autocomplete="list"
            aria-expanded={combobox.open}
            aria-controls={listId}
            aria-activedescendant={combobox.open && combobox.active >= 0 ? combobox.optionId(combobox.active) : undefined}
            aria-invalid={invalid === true || error !== null || undefined}
            aria-describedby={describedByAll}
            data-testid={testId}
            value={text}
            onChange={(event) => {
              const next = event.target.value;
              setError(null);
              // A separator typed at the end closes the address before it.
              if (/[,;]\s*$/.test(next) && next.replace(/[,;\s]/g, '') !== '') commitText(next);
              else setText(next);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Backspace' && text === '' && value.length > 0) {
                // Backspace in an empty field takes the last chip back into the field, to edit it.
                event.preventDefault();
                const last = value[value.length - 1] ?? '';
                onChange(value.slice(0, -1));
                setText(last);
                return;
              }
              combobox.onKeyDown(event);
            }}
            onBlur={() => {
              combobox.close();
              if (isAddress(text.trim().toLowerCase())) commitText(text);
            }}
          />
          <SuggestionList id={listId} label={t('directory.recipients.suggestions')} combobox={combobox} />
        </div>
      </div>
      <p id={hintId} className="field-note">
        {t('directory.recipients.hint')}
      </p>
      {error && (
        <p id={errorId} role="alert" className="field-error">
          {error.kind === 'invalid' ? t('directory.recipients.invalid', { address: error.address }) : t('directory.recipients.tooMany', { max: MAX_RECIPIENTS })}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite">
        {suggestionsNote || announce}
      </p>
    </div>
  );
}
