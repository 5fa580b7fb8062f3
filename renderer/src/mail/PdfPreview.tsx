import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { openPdf, renderPage } from './pdfRender.js';

type State = { readonly kind: 'loading' } | { readonly kind: 'failed' } | { readonly kind: 'ready'; readonly doc: PDFDocumentProxy; readonly pages: number };

/** A PDF attachment drawn page by page in a canvas (pdf.js, no script of the document runs). */
export function PdfPreview({ bytes, filename, onClose }: { readonly bytes: Uint8Array; readonly filename: string; readonly onClose: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const canvas = useRef<HTMLCanvasElement>(null);
  const region = useRef<HTMLElement>(null);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [page, setPage] = useState(1);
  const [drawn, setDrawn] = useState(0);

  useEffect(() => {
    let live = true;
    let opened: PDFDocumentProxy | null = null;
    // pdf.js takes the buffer over: give it a copy, the caller keeps its bytes for « Enregistrer ».
    openPdf(bytes.slice()).then(
      (doc) => {
        opened = doc;
        if (live) setState({ kind: 'ready', doc, pages: doc.numPages });
        else void doc.destroy();
      },
      () => live && setState({ kind: 'failed' }),
    );
    region.current?.focus();
    return () => {
      live = false;
      void opened?.destroy();
    };
  }, [bytes]);

  useEffect(() => {
    if (state.kind !== 'ready' || !canvas.current) return;
    const width = Math.min(canvas.current.parentElement?.clientWidth ?? 600, 900);
    let live = true;
    renderPage(state.doc, page, canvas.current, width).then(
      () => live && setDrawn(page),
      () => live && setState({ kind: 'failed' }),
    );
    return () => {
      live = false;
    };
  }, [state, page]);

  const pages = state.kind === 'ready' ? state.pages : 0;
  return (
    <section ref={region} className="mail-pdf" aria-labelledby={`${id}-h`} tabIndex={-1} data-testid="mail-pdf-preview">
      <div className="mail-pdf-bar">
        <h3 id={`${id}-h`}>{t('mail.pdf.title', { filename })}</h3>
        {pages > 1 && (
          <div className="mail-pdf-pages">
            <button type="button" className="button button-small" onClick={() => setPage((p) => Math.max(1, p - 1))} disabled={page <= 1}>
              {t('mail.pdf.previous')}
            </button>
            <button type="button" className="button button-small" onClick={() => setPage((p) => Math.min(pages, p + 1))} disabled={page >= pages}>
              {t('mail.pdf.next')}
            </button>
          </div>
        )}
        <button type="button" className="button button-small" onClick={onClose} data-testid="mail-pdf-close">
          {t('mail.pdf.close')}
        </button>
      </div>
      {state.kind === 'loading' && <p role="status">{t('mail.pdf.loading')}</p>}
      {state.kind === 'failed' && (
        <p role="alert" className="field-error" data-testid="mail-pdf-error">
          {t('mail.pdf.failed')}
        </p>
      )}
      <p className="field-note" aria-live="polite" data-testid="mail-pdf-page">
        {state.kind === 'ready' && drawn > 0 ? t('mail.pdf.page', { page: drawn, pages }) : ''}
      </p>
      <div className="mail-pdf-canvas">
        <canvas
          ref={canvas}
          role="img"
          aria-label={t('mail.pdf.canvasLabel', { page, pages: Math.max(pages, 1), filename })}
          hidden={state.kind !== 'ready'}
          data-testid="mail-pdf-canvas"
          data-rendered-page={drawn}
        />
      </div>
    </section>
  );
}
