import { describe, expect, it } from 'vitest';
import type { TraitsView } from '../../../shared/api/index.js';
import { canonicalName, changedTraits, FRENCH_DATE, frenchDate, groupedIns, historyValue, insKind, isoDate, maskedIns, typedTraits } from './format.js';

describe('patient display helpers', () => {
  it('writes dates the French way and accepts only JJ/MM/AAAA in the form', () => {
    expect(frenchDate('1985-03-14')).toBe('14/03/1985');
    expect(frenchDate('n/a')).toBe('n/a');
    expect(FRENCH_DATE.test('14/03/1985')).toBe(true);
    expect(FRENCH_DATE.test('1985-03-14')).toBe(false);
  });

  it('groups an INS, masks all but its first and last characters, and tells the kind by the OID', () => {
    const ins = { matricule: '216072A004018', key: '42' };
    expect(groupedIns(ins)).toBe('2 16 07 2A 004 018 42');
    expect(maskedIns(ins)).toBe('2 •• •• •• ••• 018 42');
    expect(insKind('1.2.250.1.213.1.4.11')).toBe('demo');
    expect(insKind('1.2.250.1.213.1.4.8')).toBe('nir');
    expect(insKind('1.2.3')).toBe('unknown');
  });

  it('masks INS values in the history unless shown', () => {
    expect(historyValue('ins', '285037505612306^1.2.250.1.213.1.4.11', false)).toBe('2 •• •• •• ••• 123 06');
    expect(historyValue('ins', '285037505612306^1.2.250.1.213.1.4.11', true)).toBe('2 85 03 75 056 123 06');
    expect(historyValue('birthName', 'DUPONT', false)).toBe('DUPONT');
    expect(historyValue('ins', null, false)).toBe('');
  });

  it('prefills the edit form and keeps only what the user changed, compared as the identity service would', () => {
    const traits: TraitsView = { birthName: 'MARTIN-DURAND', firstNames: ['ELISE', 'MARIE'], sex: 'F', birthDate: '1985-03-14', birthPlace: null, usedName: null, usedFirstName: null };
    const typed = typedTraits(traits);
    expect(typed).toEqual({ birthName: 'MARTIN-DURAND', firstNames: 'ELISE MARIE', sex: 'F', birthDate: '14/03/1985', birthPlace: '', usedName: '', usedFirstName: '' });
    expect(changedTraits(traits, typed)).toEqual({});
    // Case, accents and spacing are not changes; an emptied optional field stays empty.
    expect(changedTraits(traits, { ...typed, birthName: 'Martin - Durand', firstNames: ' Élise  Marie ', birthDate: ' 14/03/1985 ' })).toEqual({});
    expect(changedTraits(traits, { ...typed, usedName: 'Dupont', birthPlace: '75056' })).toEqual({ birthPlace: '75056', usedName: 'Dupont' });
    expect(changedTraits({ ...traits, usedName: 'DUPONT' }, { usedName: '' })).toEqual({ usedName: '' });
    expect(changedTraits(traits, { birthDate: '1985-03-15' })).toEqual({ birthDate: '1985-03-15' });
    expect(isoDate('14/03/1985')).toBe('1985-03-14');
    expect(canonicalName('  d’Aéïon  œuvre ')).toBe("D'AEION OEUVRE");
  });
});
