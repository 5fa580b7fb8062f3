import { fromBase64 } from './composeDraft.js';

/** Hands bytes to the browser as a file to save (Electron shows its save dialog for downloads). */
export function saveBytes(bytes: Uint8Array, filename: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: mime || 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; give it a moment before freeing it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function saveBase64(dataBase64: string, filename: string, mime: string): void {
  saveBytes(fromBase64(dataBase64), filename, mime);
}
