// @vitest-environment jsdom
import { act, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult, DirectoryEntryView } from '../../../shared/api/index.js';

/**
 * The recipient field in a DOM (jsdom), driven by the keyboard as a user would, over a stand-in
 * bridge that answers `directory.search` from a fixed list (the search itself is tested against
 * the real vault in test/integration/host/directory.test.ts).
 */
const HELENE: DirectoryEntryView = { address: 'helene.zzyzx@medecin.mssante.fr', displayName: 'Hélène ZZYZX-MÉNARD', type: 'PER', rpps: '10999999991', profession: 'Médecin', specialty: 'Cardiologie', organisation: 'Clinique Sainte-Cécile', city: '69003 LYON' };
const HENRI: DirectoryEntryView = { ...HELENE, address: 'henri.zzyzx@infirmier.mssante.fr', displayName: 'Henri ZZYZX', profession: 'Infirmier', specialty: null };
const queries: string[] = [];

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  Object.defineProperty(window, 'caducee', {
    value: {
      invoke: async (method: string, input: { query: string }): Promise<CallResult> => {
        if (method !== 'directory.search') return { ok: false, error: { code: 'UNKNOWN_METHOD' } };
        queries.push(input.query);
        const q = input.query.toLowerCase();
        return { ok: true, value: { entries: [HELENE, HENRI].filter((e) => e.displayName.toLowerCase().includes(q.split(' ')[0] ?? '')) } };
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
  queries.length = 0;
});

async function mount(initial: string[] = []): Promise<{ input: HTMLInputElement; value: () => string[] }> {
  await import('../i18n/index.js');
  const { RecipientInput } = await import('./RecipientInput.js');
  let current = initial;
  function Host() {
    const [value, setValue] = useState<string[]>(initial);
    current = value;
    return <RecipientInput id="to" label="À" value={value} onChange={setValue} testId="to" />;
  }
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() => root?.render(<Host />));
  const input = container.querySelector<HTMLInputElement>('#to');
  if (!input) throw new Error('no input');
  act(() => input.focus());
  return { input, value: () => current };
}

function type(input: HTMLInputElement, text: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  act(() => {
    setter?.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

function press(target: HTMLElement, key: string): void {
  act(() => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  });
}

/** Lets the debounce run out and the answer come back. */
async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 260));
  });
}

describe('RecipientInput', () => {
  it('is an ARIA combobox whose suggestions come from the directory after a pause', async () => {
    const { input } = await mount();
    expect(input.getAttribute('role')).toBe('combobox');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    const list = document.getElementById(input.getAttribute('aria-controls') ?? '');
    expect(list?.getAttribute('role')).toBe('listbox');
    expect(container.querySelector('label[for="to"]')?.textContent).toBe('À');

    type(input, 'z');
    type(input, 'zz');
    type(input, 'zzyzx');
    await settle();
    expect(queries).toEqual(['zzyzx']); // debounced: one query for the word
    expect(input.getAttribute('aria-expanded')).toBe('true');
    const options = [...(list?.querySelectorAll('[role="option"]') ?? [])];
    expect(options.map((o) => o.textContent)).toEqual([
      'Hélène ZZYZX-MÉNARDMédecin · Cardiologie · Clinique Sainte-Cécile · 69003 LYONhelene.zzyzx@medecin.mssante.fr',
      'Henri ZZYZXInfirmier · Clinique Sainte-Cécile · 69003 LYONhenri.zzyzx@infirmier.mssante.fr',
    ]);
  });

  it('picks with ↓ ↑ and Enter, closes with Esc, and adds the address as a chip', async () => {
    const { input, value } = await mount();
    type(input, 'zzyzx');
    await settle();
    press(input, 'ArrowDown');
    press(input, 'ArrowDown');
    const second = document.getElementById(input.getAttribute('aria-activedescendant') ?? '');
    expect(second?.textContent).toContain('Henri');
    expect(second?.getAttribute('aria-selected')).toBe('true');
    press(input, 'ArrowUp');
    expect(document.getElementById(input.getAttribute('aria-activedescendant') ?? '')?.textContent).toContain('Hélène');
    press(input, 'Enter');
    expect(value()).toEqual(['helene.zzyzx@medecin.mssante.fr']);
    expect(input.value).toBe('');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(container.querySelector('.recipient-chips')?.getAttribute('aria-label')).toBe('À choisis');

    type(input, 'zzyzx');
    await settle();
    expect(input.getAttribute('aria-expanded')).toBe('true');
    press(input, 'Escape');
    expect(input.getAttribute('aria-expanded')).toBe('false');
    expect(input.value).toBe('zzyzx');
  });

  it('accepts a typed address outside the directory, refuses what is not one, in French', async () => {
    const { input, value } = await mount(['a@b.fr']);
    type(input, 'Dr.Durand@Hopital.test,');
    expect(value()).toEqual(['a@b.fr', 'dr.durand@hopital.test']);
    type(input, 'jean dupont');
    press(input, 'Enter');
    expect(value()).toEqual(['a@b.fr', 'dr.durand@hopital.test']);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const alert = container.querySelector('[role="alert"]');
    expect(alert?.textContent).toBe('«\u00a0jean dupont\u00a0» n’est pas une adresse de messagerie valide.');
    expect(input.getAttribute('aria-describedby')).toContain(alert?.id ?? 'missing');
    type(input, 'secretariat@ch-test.fr');
    press(input, 'Enter');
    expect(value()).toEqual(['a@b.fr', 'dr.durand@hopital.test', 'secretariat@ch-test.fr']);
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });

  it('removes a chip by its button and gives the focus back to the field; Backspace takes the last one back to edit', async () => {
    const { input, value } = await mount(['a@b.fr', 'c@d.fr', 'e@f.fr']);
    const remove = container.querySelector<HTMLButtonElement>('button[aria-label="Retirer c@d.fr"]');
    expect(remove).not.toBeNull();
    act(() => remove?.click());
    expect(value()).toEqual(['a@b.fr', 'e@f.fr']);
    expect(document.activeElement).toBe(input);
    press(input, 'Backspace');
    expect(value()).toEqual(['a@b.fr']);
    expect(input.value).toBe('e@f.fr');
  });
});
