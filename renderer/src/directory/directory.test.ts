import { describe, expect, it } from 'vitest';
import { announcedStep, formatBytes, formatCount, percentOf } from './format.js';
import { addTyped, isAddress, MAX_RECIPIENTS, removeAt } from './recipients.js';

describe('recipient list', () => {
  it('adds typed addresses lower-cased, once, split on commas and semicolons', () => {
    expect(addTyped([], ' Dr.Durand@Hopital.test ')).toEqual({ ok: true, value: ['dr.durand@hopital.test'] });
    expect(addTyped(['a@b.fr'], 'A@B.fr; c@d.fr,  ,e@f.fr')).toEqual({ ok: true, value: ['a@b.fr', 'c@d.fr', 'e@f.fr'] });
  });

  it('stops at an invalid address, keeping the valid ones before it', () => {
    expect(addTyped([], 'c@d.fr, jean dupont, e@f.fr')).toEqual({ ok: false, error: 'invalid', address: 'jean dupont', value: ['c@d.fr'] });
    for (const bad of ['sans-arobase.fr', 'a@b', 'a@b.c', 'a b@c.fr', '<a@b.fr>', `${'x'.repeat(320)}@b.fr`]) expect(isAddress(bad), bad).toBe(false);
  });

  it('refuses more than the maximum', () => {
    const full = Array.from({ length: MAX_RECIPIENTS }, (_, i) => `p${i}@b.fr`);
    expect(addTyped(full, 'encore@b.fr')).toMatchObject({ ok: false, error: 'too-many' });
    expect(addTyped(full, 'p1@b.fr')).toEqual({ ok: true, value: full });
  });

  it('removes one chip by position', () => {
    expect(removeAt(['a@b.fr', 'c@d.fr', 'e@f.fr'], 1)).toEqual(['a@b.fr', 'e@f.fr']);
  });
});

describe('directory formats', () => {
  it('shows sizes in the user’s units', () => {
    // ICU picks the no-break space (narrow or not) by version: what matters is that one is there.
    const spaced = (text: string) => text.replace(/[\u00a0\u202f]/g, '~');
    expect(spaced(formatBytes(93_456_789, 'fr'))).toBe('89,1~Mo');
    expect(formatBytes(93_456_789, 'en')).toBe('89.1 MB');
    expect(spaced(formatBytes(512, 'fr'))).toBe('512~o');
    expect(spaced(formatCount(467_123, 'fr'))).toBe('467~123');
  });

  it('never shows 100 % before the end, nor a percentage without a total', () => {
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(1000, 1000)).toBe(100);
    expect(percentOf(10, null)).toBeNull();
    expect([0, 24, 25, 74, 99, 100].map((p) => announcedStep(p))).toEqual([0, 0, 1, 2, 3, 4]);
  });
});
