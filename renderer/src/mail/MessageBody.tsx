import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import bodyCssUrl from './mailBody.css?url';

/**
 * The sanitised HTML body in a sandboxed frame: no scripts, no forms, no popups, no navigation
 * out. `allow-same-origin` (never with `allow-scripts`) lets the frame take the app's stylesheet
 * and lets us size it to its content; the frame inherits the app's CSP, so remote images stay
 * blocked even if the sanitiser missed one. Plain text otherwise, as text.
 */
export function MessageBody({ html, text, title }: { readonly html: string | null; readonly text: string; readonly title: string }) {
  const { t, i18n } = useTranslation();
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState<number | null>(null);
  useEffect(() => setHeight(null), [html]);
  if (html === null) {
    return (
      <div className="mail-body-text" data-testid="mail-body-text">
        {text || <em>{t('mail.read.emptyBody')}</em>}
      </div>
    );
  }
  const css = new URL(bodyCssUrl, document.baseURI).href;
  const srcDoc = `<!doctype html><html lang="${i18n.language}"><head><meta charset="utf-8"><link rel="stylesheet" href="${css}"><title>${escapeHtml(title)}</title></head><body>${html}</body></html>`;
  const fit = () => {
    const doc = frame.current?.contentDocument;
    if (doc?.documentElement) setHeight(Math.min(Math.max(doc.documentElement.scrollHeight, 80), 20_000));
  };
  return (
    <iframe
      ref={frame}
      className="mail-body-frame"
      title={t('mail.read.bodyFrame', { subject: title })}
      sandbox="allow-same-origin"
      referrerPolicy="no-referrer"
      srcDoc={srcDoc}
      onLoad={fit}
      style={height === null ? undefined : { height: `${height}px` }}
      data-testid="mail-body-html"
    />
  );
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
