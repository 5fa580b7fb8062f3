// @vitest-environment jsdom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from '../../../shared/api/index.js';

/**
 * The compose in a DOM (jsdom) over a stand-in bridge that records `mail.send` and answers as
 * told: queued (the form empties and says so), LOCKED (nothing said, everything kept — the lock
 * screen covers it), UNAVAILABLE (a French sentence, everything kept). Sending itself is tested
 * end to end in test/e2e/mail.test.ts.
 */
const sent: unknown[] = [];
let answer: CallResult = { ok: true, value: { jobId: 1 } };

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  Object.defineProperty(window, 'caducee', {
    value: {
      invoke: async (method: string, input: unknown): Promise<CallResult> => {
        if (method === 'directory.search') return { ok: true, value: { entries: [] } };
        if (method !== 'mail.send') return { ok: false, error: { code: 'UNKNOWN_METHOD' } };
        sent.push(input);
        return answer;
      },
      on: () => () => undefined,
    },
  });
});

let root: Root | undefined;
let container: HTMLElement;
afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
  sent.length = 0;
});

async function mount(): Promise<(id: string) => HTMLElement> {
  await import('../i18n/index.js');
  const { Compose, blankCompose } = await import('./Compose.js');
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root?.render(<Compose start={blankCompose} onClose={() => undefined} />));
  return (id) => {
    const el = container.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    if (!el) throw new Error(`no ${id}`);
    return el;
  };
}

function type(el: HTMLElement, text: string): void {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  act(() => {
    Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, text);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function send(get: (id: string) => HTMLElement): Promise<void> {
  await act(async () => {
    get('compose-send').click();
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
}

describe('Compose', () => {
  it('sends what is typed (addresses still in the field too), read receipt asked, then empties and says it is queued', async () => {
    answer = { ok: true, value: { jobId: 7 } };
    const get = await mount();
    type(get('compose-to'), 'Dr.Durand@hopital.test');
    type(get('compose-subject'), ' Compte rendu ');
    type(get('messagerie-draft'), 'Bonjour');
    await send(get);
    expect(sent).toEqual([{ to: ['dr.durand@hopital.test'], subject: 'Compte rendu', text: 'Bonjour', readReceipt: true }]);
    expect(get('compose-queued').textContent).toMatch(/Message placé dans les envois en attente\u00a0: il part dès que possible/);
    expect((get('messagerie-draft') as HTMLTextAreaElement).value).toBe('');
    expect((get('compose-to') as HTMLInputElement).value).toBe('');
  });

  it('refuses in French without sending and keeps the text: no recipient, then a bad address', async () => {
    const get = await mount();
    type(get('messagerie-draft'), 'Texte à garder');
    await send(get);
    expect(sent).toEqual([]);
    expect(get('compose-to-error').textContent).toBe('Indiquez au moins un destinataire.');
    expect(get('compose-to').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(get('compose-to'));
    type(get('compose-to'), 'durand hopital.test');
    await send(get);
    expect(get('compose-to-error').textContent).toBe('L’adresse «\u00a0durand hopital.test\u00a0» n’est pas valide\u00a0: vérifiez-la.');
    expect((get('messagerie-draft') as HTMLTextAreaElement).value).toBe('Texte à garder');
    expect(sent).toEqual([]);
  });

  it('takes a field’s error away as soon as it is corrected', async () => {
    const get = await mount();
    type(get('compose-to'), 'dr.durand@hopital.test');
    await send(get);
    expect(get('compose-text-error').textContent).toBe('Écrivez le message avant de l’envoyer.');
    type(get('messagerie-draft'), 'Bonjour');
    expect(container.querySelector('[data-testid="compose-text-error"]')).toBeNull();
    expect(sent).toEqual([]);
  });

  it('keeps everything when main refuses: silent under the lock, a French sentence when no mailbox is configured', async () => {
    const get = await mount();
    type(get('compose-to'), 'dr.durand@hopital.test');
    type(get('messagerie-draft'), 'Texte à garder');
    answer = { ok: false, error: { code: 'LOCKED' } };
    await send(get);
    expect(container.querySelector('[data-testid="compose-error"]')).toBeNull();
    expect((get('messagerie-draft') as HTMLTextAreaElement).value).toBe('Texte à garder');
    answer = { ok: false, error: { code: 'UNAVAILABLE' } };
    await send(get);
    expect(get('compose-error').textContent).toMatch(/Aucune messagerie MSSanté n’est configurée sur ce poste/);
    expect((get('messagerie-draft') as HTMLTextAreaElement).value).toBe('Texte à garder');
    expect(sent).toHaveLength(2);
  });
});
