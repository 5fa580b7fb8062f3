import { describe, expect, it } from 'vitest';
import { canonicalName, looseNameKey, searchWords, splitFirstNames } from './nameNormalisation.js';
import { checkTraits, sameStrictTraits } from './strictTraits.js';

const TODAY = new Date('2026-06-01T00:00:00Z');

describe('name normalisation', () => {
  it.each([
    ['Léa-Marie', 'LEA-MARIE'],
    ['  d’Aëion ', "D'AEION"],
    ['Cœur', 'COEUR'],
    ['Jean - Pierre', 'JEAN-PIERRE'],
    ['Jean–Pierre', 'JEAN-PIERRE'],
    ['DE   VINCI', 'DE VINCI'],
    ['Hélène Çağla', 'HELENE CAGLA'],
    ['St. Ange', 'ST ANGE'],
  ])('canonicalName(%j) = %j', (input, expected) => expect(canonicalName(input)).toBe(expected));

  it('keeps separators for exact equality, drops them for the loose key only', () => {
    expect(canonicalName('JEAN PIERRE')).not.toBe(canonicalName('JEAN-PIERRE'));
    expect(looseNameKey('JEAN PIERRE')).toBe(looseNameKey('jean-pierre'));
    expect(looseNameKey("D'AEION")).toBe(looseNameKey('Daeion'));
  });

  it('splits INSi ListePrenom on spaces, keeping composed first names whole', () => {
    expect(splitFirstNames('PIERRE-ALAIN MURIEL FLORIANT')).toEqual(['PIERRE-ALAIN', 'MURIEL', 'FLORIANT']);
    expect(splitFirstNames(['Marie', 'Jeanne Michelle'])).toEqual(['MARIE', 'JEANNE', 'MICHELLE']);
    expect(searchWords("Pat-Trois d'Arc")).toEqual(['PAT', 'TROIS', 'D', 'ARC']);
  });
});

describe('checkTraits', () => {
  const base = { birthName: 'Ecetinsi', firstNames: 'Pierre-Alain Muriel Floriant', sex: 'm', birthDate: '2009-07-14', birthPlace: '63220' };

  it('canonicalises valid traits', () => {
    const check = checkTraits(base, TODAY);
    expect(check).toEqual({ ok: true, traits: { birthName: 'ECETINSI', firstNames: ['PIERRE-ALAIN', 'MURIEL', 'FLORIANT'], sex: 'M', birthDate: '2009-07-14', birthPlace: '63220', usedName: null, usedFirstName: null } });
  });

  it.each([
    [{ birthPlace: '2A020' }, null],
    [{ birthPlace: '2b020' }, null],
    [{ birthPlace: '99134' }, null],
    [{ birthPlace: '' }, null],
    [{ birthPlace: '2C020' }, 'birthPlace'],
    [{ birthPlace: '99100' }, 'birthPlace'],
    [{ birthPlace: '6322' }, 'birthPlace'],
    [{ birthDate: '2009-02-30' }, 'birthDate'],
    [{ birthDate: '14/07/2009' }, 'birthDate'],
    [{ birthDate: '2009-00-14' }, 'birthDate'],
    [{ birthDate: '2030-01-01' }, 'birthDate'],
    [{ sex: 'I' }, 'sex'],
    [{ birthName: '' }, 'birthName'],
    [{ birthName: '123' }, 'birthName'],
    [{ firstNames: [] }, 'firstNames'],
  ] as const)('%j → problem on %s', (patch, field) => {
    const check = checkTraits({ ...base, ...patch }, TODAY);
    if (field === null) expect(check.ok).toBe(true);
    else {
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.problems.map((p) => p.field)).toEqual([field]);
    }
  });

  it('compares strict traits canonically, used names aside', () => {
    const a = checkTraits({ ...base, usedName: 'Martin' }, TODAY);
    const b = checkTraits({ ...base, birthName: 'écétinsi' }, TODAY);
    const c = checkTraits({ ...base, birthPlace: null }, TODAY);
    if (!a.ok || !b.ok || !c.ok) throw new Error('fixture');
    expect(sameStrictTraits(a.traits, b.traits)).toBe(true);
    expect(sameStrictTraits(a.traits, c.traits)).toBe(false);
  });
});
