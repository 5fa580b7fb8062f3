import type { PDFDocumentProxy } from 'pdfjs-dist';

/**
 * pdf.js, loaded only when a PDF is previewed. Its worker is bundled by Vite as a file of the
 * app (a classic `.js` worker), so the CSP's `script-src 'self'` covers it; eval is off
 * (`isEvalSupported: false`). One worker serves every preview.
 */
let worker: Worker | null = null;
async function pdfjs() {
  const [lib, workerModule] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?worker')]);
  worker ??= new workerModule.default();
  lib.GlobalWorkerOptions.workerPort = worker;
  return lib;
}

export async function openPdf(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  const lib = await pdfjs();
  return lib.getDocument({ data: bytes, isEvalSupported: false, enableXfa: false, disableFontFace: false, stopAtErrors: false }).promise;
}

/** Draws one page to the canvas at the device's pixel ratio, fitted to `cssWidth`. */
export async function renderPage(doc: PDFDocumentProxy, pageNumber: number, canvas: HTMLCanvasElement, cssWidth: number): Promise<void> {
  const page = await doc.getPage(pageNumber);
  const base = page.getViewport({ scale: 1 });
  const scale = Math.max(0.25, Math.min(3, cssWidth / base.width));
  const ratio = window.devicePixelRatio || 1;
  const viewport = page.getViewport({ scale: scale * ratio });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
  canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
  await page.render({ canvas, viewport }).promise;
}
