import { describe, expect, it, vi } from 'vitest';

/** The picker against a recording stand-in for Electron's dialog (no Electron binary here). */
const fake = vi.hoisted(() => ({ calls: [] as unknown[][], answer: { canceled: false, filePaths: ['/home/dr/Extraction.zip'] } as { canceled: boolean; filePaths: string[] } }));
vi.mock('electron', () => ({
  dialog: {
    showOpenDialog: async (...args: unknown[]) => {
      fake.calls.push(args);
      return fake.answer;
    },
  },
}));

const { filePicker } = await import('./filePicker.js');

describe('file picker', () => {
  it('asks for one file with the given extensions, modal to the main window', async () => {
    const window = { id: 1 };
    const pick = filePicker(() => window as never);
    expect(await pick({ title: 'Importer', extensions: ['zip', 'txt'] })).toBe('/home/dr/Extraction.zip');
    expect(fake.calls[0]?.[0]).toBe(window);
    expect(fake.calls[0]?.[1]).toMatchObject({ title: 'Importer', properties: ['openFile'], filters: [{ extensions: ['zip', 'txt'] }, { extensions: ['*'] }] });
  });

  it('resolves null when cancelled, and works without a window', async () => {
    fake.answer = { canceled: true, filePaths: [] };
    expect(await filePicker(() => undefined)({ title: 'Importer', extensions: ['zip'] })).toBeNull();
    expect(fake.calls.at(-1)).toHaveLength(1);
  });
});
