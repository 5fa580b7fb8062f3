import { describe, expect, it } from 'vitest';
import { enTranslation as en, frTranslation as fr } from './resources.js';

/** Flattens nested translations into `a.b.c → value`; anything that is not a string is kept as is to fail below. */
function flatten(tree: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (typeof tree !== 'object' || tree === null || Array.isArray(tree)) {
    out.set(prefix, tree);
    return out;
  }
  for (const [key, value] of Object.entries(tree)) {
    for (const [k, v] of flatten(value, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();

const frKeys = flatten(fr);
const enKeys = flatten(en);

describe('translations', () => {
  it('have exactly the same keys in French and English', () => {
    expect([...enKeys.keys()].sort()).toEqual([...frKeys.keys()].sort());
  });

  it('have no empty or non-text value', () => {
    for (const table of [frKeys, enKeys]) {
      for (const [key, value] of table) {
        expect(typeof value, key).toBe('string');
        expect(String(value).trim(), key).not.toBe('');
      }
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, value] of frKeys) {
      expect(placeholders(String(enKeys.get(key) ?? '')), key).toEqual(placeholders(String(value)));
    }
  });

  it('follow one French typography: typographic apostrophe, non-breaking space before : and ;', () => {
    for (const [key, value] of frKeys) {
      const text = String(value);
      expect(text, key).not.toMatch(/'/);
      expect(text, key).not.toMatch(/[^\u00a0][:;](\s|$)/);
    }
  });
});
