import { useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_COMPOSE_ATTACHMENT_BYTES } from '../../../shared/api/index.js';
import { attachmentBytes, safeContentType, toBase64, type ComposeAttachment } from './composeDraft.js';
import { fileSize } from './format.js';
import { Icon } from './Icon.js';

interface Props {
  readonly id: string;
  readonly value: readonly ComposeAttachment[];
  readonly onChange: (value: ComposeAttachment[]) => void;
  readonly error: string | null;
}

/** Files chosen for the message, read in the renderer (≤ 8 Mio in all), each removable. */
export function ComposeAttachments({ id, value, onChange, error }: Props) {
  const { t, i18n } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const total = attachmentBytes(value);

  const add = async (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    if (files.length === 0) return;
    setRefusal(null);
    const size = files.reduce((sum, f) => sum + f.size, total);
    if (size > MAX_COMPOSE_ATTACHMENT_BYTES) {
      setRefusal(t('mail.compose.attachmentsTooBig', { max: fileSize(MAX_COMPOSE_ATTACHMENT_BYTES, i18n.language) }));
      return;
    }
    setReading(true);
    try {
      const read = await Promise.all(
        files.map(async (file) => ({
          filename: file.name.slice(0, 255) || 'piece-jointe',
          contentType: safeContentType(file.type, file.name),
          size: file.size,
          dataBase64: toBase64(new Uint8Array(await file.arrayBuffer())),
        })),
      );
      onChange([...value, ...read]);
    } catch {
      setRefusal(t('mail.compose.attachmentUnreadable'));
    } finally {
      setReading(false);
    }
  };

  const shown = refusal ?? error;
  return (
    <div className="field field-wide">
      <p className="field-label" id={`${id}-title`}>
        {t('mail.compose.attachments')}
      </p>
      {/* The native control is hidden (its words follow the browser's language, not the app's): the label is the button. */}
      <input
        ref={input}
        id={id}
        className="compose-file"
        type="file"
        multiple
        onChange={(event) => void add(event)}
        aria-describedby={`${id}-note${shown ? ` ${id}-error` : ''}`}
        data-testid="compose-file"
      />
      <label htmlFor={id} className="button button-small compose-file-button">
        <Icon name="attachment" /> {t('mail.compose.addFiles')}
      </label>
      <p id={`${id}-note`} className="field-note">
        {t('mail.compose.attachmentsNote', { used: fileSize(total, i18n.language), max: fileSize(MAX_COMPOSE_ATTACHMENT_BYTES, i18n.language) })}
      </p>
      {reading && <p role="status">{t('mail.compose.reading')}</p>}
      {value.length > 0 && (
        <ul className="compose-attachments" data-testid="compose-attachments">
          {value.map((attachment, index) => (
            <li key={`${index}-${attachment.filename}`}>
              <span>{attachment.filename}</span> <span className="mail-attachment-size">{fileSize(attachment.size, i18n.language)}</span>{' '}
              <button
                type="button"
                className="button button-small"
                aria-label={t('mail.compose.removeAttachment', { filename: attachment.filename })}
                onClick={() => {
                  onChange(value.filter((_, i) => i !== index));
                  input.current?.focus();
                }}
              >
                {t('mail.compose.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {shown && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {shown}
        </p>
      )}
    </div>
  );
}
