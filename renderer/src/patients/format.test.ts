import { describe, expect, it } from 'vitest';
import { FRENCH_DATE, frenchDate, groupedIns, historyValue, insKind, maskedIns } from './format.js';

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
});
