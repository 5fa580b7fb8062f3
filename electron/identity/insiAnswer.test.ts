import { describe, expect, it } from 'vitest';
import { InsiAnswerError, isInsiAnswer, parseInsiResponse } from './insiAnswer.js';
import { fixture } from './testSupport.js';
import { decodeXmlText, parseXmlSafely, UnsafeXmlError } from './xmlSafe.js';

const AT = Date.parse('2026-03-01T10:00:00Z');
const parse = (name: string) => parseInsiResponse(fixture(`padoa+tlsi-ins/${name}`), 'recherche', AT);

describe('INSi answers (fixtures of padoa/tlsi-ins)', () => {
  it('reads 01 (no identity)', () => {
    const a = parse('REP_CR01.xml');
    expect([a.code, a.label, a.identity]).toEqual(['01', 'Aucune identite trouvee', null]);
    expect(isInsiAnswer(a)).toBe(true);
  });

  it('reads 00 with INSACTIF, INSHISTO (one or several) and TIQ', () => {
    const a = parse('TEST_2.04_cas2.xml');
    expect(a.code).toBe('00');
    expect(a.identity?.ins).toEqual({ matricule: '1090763220834', key: '89', oid: '1.2.250.1.213.1.4.8' });
    expect(a.identity?.history.map((h) => [h.matricule, h.from, h.to])).toEqual([
      ['2090763220834', '2019-03-01', '2019-02-28'],
      ['2090663220123', null, null],
    ]);
    expect(a.identity?.traits).toEqual({ birthName: 'ECETINSI', firstNames: ['PIERRE-ALAIN', 'MURIEL', 'FLORIANT'], sex: 'M', birthDate: '2009-07-14', birthPlace: '63220' });
  });

  it('reads the NIA OID and Corsica birthplaces', () => {
    expect(parse('TEST_2.05.xml').identity?.ins.oid).toBe('1.2.250.1.213.1.4.9');
    const corse = parse('TEST_2.08_cas1.xml').identity;
    expect([corse?.ins.matricule, corse?.traits.birthPlace, corse?.history.length]).toEqual(['180032B020401', '2B020', 1]);
  });

  it('refuses an answer whose active matricule does not check out (TEST_2.08_cas2: key flagged wrong in the fixtures)', () => {
    expect(() => parse('TEST_2.08_cas2.xml')).toThrow(InsiAnswerError);
    try {
      parse('TEST_2.08_cas2.xml');
    } catch (e) {
      expect((e as InsiAnswerError).reason).toBe('key-mismatch');
    }
  });

  it('refuses what is not a RESULTAT, and unknown codes', () => {
    expect(() => parseInsiResponse('<a/>', 'recherche', AT)).toThrow(/not-a-result/);
    const bad = fixture('padoa+tlsi-ins/REP_CR01.xml').replace('<CodeCR>01', '<CodeCR>07');
    expect(() => parseInsiResponse(bad, 'recherche', AT)).toThrow(/unknown-code/);
  });
});

describe('safe XML', () => {
  it('refuses a DOCTYPE outright (no entity expansion)', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>';
    expect(() => parseXmlSafely(bomb)).toThrow(UnsafeXmlError);
    const ext = '<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>';
    expect(() => parseXmlSafely(ext)).toThrow(/doctype/);
  });
  it('decodes only predefined entities and character references, in one pass', () => {
    expect(decodeXmlText('D&apos;AEION &amp;lt; &#233;&#x2019;&unknown;')).toBe("D'AEION &lt; é’&unknown;");
    expect(parseXmlSafely('<a><b>D&apos;AEION</b></a>')).toEqual({ a: { b: "D'AEION" } });
  });
});
