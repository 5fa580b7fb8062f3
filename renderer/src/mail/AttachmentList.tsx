import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailAttachmentView } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import { fromBase64, isPdf } from './composeDraft.js';
import { saveBytes } from './download.js';
import { fileSize } from './format.js';
import { Icon } from './Icon.js';
import { PdfPreview } from './PdfPreview.js';

interface Loaded {
  readonly bytes: Uint8Array;
  readonly mime: string;
  readonly filename: string;
}

/** The attachments: name, size; PDFs can be previewed; each can be saved. */
export function AttachmentList({ attachments }: { readonly attachments: readonly MailAttachmentView[] }) {
  const { t, i18n } = useTranslation();
  const loaded = useRef(new Map<number, Loaded>());
  const [preview, setPreview] = useState<{ readonly id: number; readonly data: Loaded } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const previewButtons = useRef(new Map<number, HTMLButtonElement>());

  const load = async (attachment: MailAttachmentView): Promise<Loaded | null> => {
    const cached = loaded.current.get(attachment.id);
    if (cached) return cached;
    setBusy(attachment.id);
    setError(null);
    try {
      const answer = await invoke('mail.attachment', { id: attachment.id });
      const data = { bytes: fromBase64(answer.dataBase64), mime: answer.mime, filename: answer.filename };
      loaded.current.set(attachment.id, data);
      return data;
    } catch (caught) {
      const code = caught instanceof ApiCallError ? caught.code : 'INTERNAL';
      setError(t('mail.attachments.failed', { reason: t(`errors.${code}`) }));
      return null;
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="mail-attachments" aria-label={t('mail.attachments.label')}>
      <h3 className="mail-section-title">{t('mail.attachments.title', { count: attachments.length })}</h3>
      <ul data-testid="mail-attachments">
        {attachments.map((attachment) => (
          <li key={attachment.id} className="mail-attachment" data-testid="mail-attachment">
            <Icon name="attachment" />
            <span className="mail-attachment-name">{attachment.filename}</span>
            <span className="mail-attachment-size">{fileSize(attachment.size, i18n.language)}</span>
            {isPdf({ contentType: attachment.mime, filename: attachment.filename }) && (
              <button
                type="button"
                className="button button-small"
                ref={(el) => {
                  if (el) previewButtons.current.set(attachment.id, el);
                }}
                aria-disabled={busy === attachment.id || undefined}
                aria-label={t('mail.attachments.previewLabel', { filename: attachment.filename })}
                data-testid="mail-attachment-preview"
                onClick={() => {
                  if (busy !== null) return;
                  void load(attachment).then((data) => data && setPreview({ id: attachment.id, data }));
                }}
              >
                {t('mail.attachments.preview')}
              </button>
            )}
            <button
              type="button"
              className="button button-small"
              aria-disabled={busy === attachment.id || undefined}
              aria-label={t('mail.attachments.saveLabel', { filename: attachment.filename })}
              data-testid="mail-attachment-save"
              onClick={() => {
                if (busy !== null) return;
                void load(attachment).then((data) => data && saveBytes(data.bytes, data.filename, data.mime));
              }}
            >
              <Icon name="download" /> {t('mail.attachments.save')}
            </button>
          </li>
        ))}
      </ul>
      <div role="alert">{error && <p className="field-error">{error}</p>}</div>
      {preview && (
        <PdfPreview
          bytes={preview.data.bytes}
          filename={preview.data.filename}
          onClose={() => {
            const back = previewButtons.current.get(preview.id);
            setPreview(null);
            back?.focus();
          }}
        />
      )}
    </section>
  );
}
