// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MailStatusView } from '../../../shared/api/index.js';

/** The banners above the panes, from `mail.status` (rendered in jsdom). */
const base: MailStatusView = { configured: true, auth: 'password', connectivity: 'online', needsPscSignIn: false, syncing: null, lastSyncAt: 1, message: null };

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

let root: Root | undefined;
let container: HTMLElement;
afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
});

async function render(status: MailStatusView): Promise<HTMLElement> {
  await import('../i18n/index.js');
  const { MailBanners } = await import('./MailBanners.js');
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root?.render(<MailBanners status={status} folderName={(path) => (path === 'INBOX' ? 'Boîte de réception' : path)} />));
  return container;
}

describe('MailBanners', () => {
  it('says nothing when all is well', async () => {
    const c = await render(base);
    expect(c.textContent).toBe('');
  });

  it('says offline in French, in a live region', async () => {
    const c = await render({ ...base, connectivity: 'offline' });
    const banner = c.querySelector('[data-testid="mail-offline"]');
    expect(banner?.textContent).toBe('Hors ligne\u00a0: la messagerie affiche les messages enregistrés\u00a0; les envois partiront au retour du réseau.');
    expect(banner?.closest('[role="status"]')).not.toBeNull();
  });

  it('shows the sync as a progress bar with the folder in French and n of N', async () => {
    const c = await render({ ...base, syncing: { folder: 'INBOX', done: 300, total: 1200 } });
    const bar = c.querySelector('progress');
    expect(bar?.max).toBe(1200);
    expect(bar?.value).toBe(300);
    const label = c.querySelector(`#${bar?.getAttribute('aria-labelledby') ?? 'none'}`);
    expect(label?.textContent).toBe('Synchronisation de «\u00a0Boîte de réception\u00a0»\u00a0: 300 sur 1200');
    // A finished pass is not shown.
    act(() => root?.unmount());
    const done = await render({ ...base, syncing: { folder: 'INBOX', done: 1200, total: 1200 } });
    expect(done.querySelector('progress')).toBeNull();
  });

  it('asks for the Pro Santé Connect sign-in with its button', async () => {
    const c = await render({ ...base, auth: 'psc', needsPscSignIn: true, connectivity: 'offline' });
    expect(c.querySelector('[data-testid="mail-psc"]')?.textContent).toMatch(/Pro Santé Connect/);
    expect(c.querySelector('[data-testid="psc-sign-in-button"]')).not.toBeNull();
  });

  it('says when no mailbox is configured', async () => {
    const c = await render({ ...base, configured: false, auth: null, connectivity: 'unknown' });
    expect(c.querySelector('[data-testid="mail-not-configured"]')?.textContent).toMatch(/Aucune messagerie MSSanté n’est configurée/);
  });
});
