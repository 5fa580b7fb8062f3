import { describe, expect, it } from 'vitest';
import { DIRECTORY_COLUMNS, DirectoryFormatError, headerKey, mapColumns } from './columns.js';
import { parseFields } from './importer.js';

// Today's header of the ANS extraction (../shared/fixtures/annuaire/Extraction_Correspondance_MSSante.header.txt).
const ANS_HEADER =
  "Type de BAL|Adresse BAL|Type Identifiant PP|Identifiant PP|Identification nationale PP|Type identifiant structure|Identification Structure|Service de rattachement|Civilité d'exercice|Nom d'exercice|Prénom d'exercice|Catégorie profession|Libellé de catégorie profession|Code Profession|Libellé Profession|Code savoir-faire|Libellé savoir-faire|Dématérialisation|Raison Sociale structure BAL|Enseigne commerciale structure BAL|L2COMPLEMENTLOCALISATION structure BAL|L3COMPLEMENTDISTRIBUTION structure BAL|L4NUMEROVOIE structure BAL|L4COMPLEMENTNUMEROVOIE structure BAL|NL4TYPEVOIE structure BAL|L4LIBELLEVOIE structure BAL|L5LIEUDITMENTION structure BAL|L6LIGNEACHEMINEMENT structure BAL|Code postal structure BAL|Département structure BAL|Pays structure BAL";

describe('directory columns', () => {
  it('folds header spellings of both generations to the same key', () => {
    expect(headerKey("Nom d'exercice")).toBe(headerKey('nom_exercice'));
    expect(headerKey('Type de BAL')).toBe(headerKey('type_bal'));
    expect(headerKey('L6LIGNEACHEMINEMENT structure BAL')).toBe(headerKey('ligne_acheminement_structure_bal'));
    expect(headerKey('NL4TYPEVOIE structure BAL')).toBe(headerKey('type_voie_structure_bal'));
    expect(headerKey('\uFEFFLibellé  Profession ')).toBe('libelleprofession');
  });

  it('maps every field of the ANS header', () => {
    const map = mapColumns(`\uFEFF${ANS_HEADER}|\r`);
    expect(map.width).toBe(31);
    expect(map.index.size).toBe(Object.keys(DIRECTORY_COLUMNS).length);
    expect(map.index.get('adresseBal')).toBe(1);
    expect(map.index.get('ligneAcheminement')).toBe(27);
    expect(map.ignored).not.toContain('Adresse BAL');
  });

  it('refuses a header without the required columns, naming them in French', () => {
    expect(() => mapColumns('foo|bar')).toThrow(DirectoryFormatError);
    try {
      mapColumns("Adresse BAL|Nom d'exercice|Type de BAL");
      expect.unreachable();
    } catch (error) {
      expect((error as DirectoryFormatError).missing).toEqual(["« Nom d'exercice » et « Prénom d'exercice », ou « Raison Sociale structure BAL »"]);
    }
    // A structure alone is enough (organisation mailboxes only).
    expect(mapColumns('Adresse BAL|Type de BAL|Raison Sociale structure BAL').width).toBe(3);
  });

  it('parses a line: trims, nulls empty fields, accepts a trailing pipe, splits the postal line', () => {
    const map = mapColumns('type_bal|adresse_bal|nom_exercice|prenom_exercice|ligne_acheminement_structure_bal');
    expect(parseFields(['per', ' a.b@medecin.mssante.fr ', 'DUPONT', '', '29200 BREST CEDEX', ''], map)).toMatchObject({ type: 'PER', address: 'a.b@medecin.mssante.fr', lastName: 'DUPONT', firstName: null, postalCode: '29200', city: 'BREST CEDEX', structure: null });
    expect(parseFields(['PER', 'a.b@medecin.mssante.fr', 'DUPONT', 'Jean', 'x', 'y'], map)).toBe('6 champs au lieu de 5');
    expect(parseFields(['PER', 'a.b@medecin', 'DUPONT', 'Jean', ''], map)).toBe('adresse BAL invalide « a.b@medecin »');
    expect(parseFields(['', 'a.b@medecin.mssante.fr', 'DUPONT', 'Jean', ''], map)).toBe('type de BAL vide');
  });
});
