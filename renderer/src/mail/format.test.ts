import { describe, expect, it } from 'vitest';
import { addressOf, displayName, fileSize, fullDate, listDate, quotedBody, replySubject } from './format.js';

const NBSP = '\u00a0';

describe('messaging display helpers', () => {
  const now = new Date(2026, 10, 28, 15, 40).getTime();

  it('dates the list the French way: time today, day and month this year, full date before', () => {
    expect(listDate(new Date(2026, 10, 28, 9, 5).getTime(), now, 'fr')).toBe('09:05');
    expect(listDate(new Date(2026, 2, 3, 9, 5).getTime(), now, 'fr')).toBe('3 mars');
    expect(listDate(new Date(2024, 0, 31, 9, 5).getTime(), now, 'fr')).toBe('31/01/2024');
    expect(fullDate(new Date(2026, 10, 28, 15, 40).getTime(), 'fr')).toBe('samedi 28 novembre 2026 à 15:40');
  });

  it('gives sizes in octets, Ko, Mo with a decimal comma and a no-break space', () => {
    expect(fileSize(900, 'fr')).toBe(`900${NBSP}octets`);
    expect(fileSize(1536, 'fr')).toBe(`1,5${NBSP}Ko`);
    expect(fileSize(8 * 1024 * 1024, 'fr')).toBe(`8${NBSP}Mo`);
    expect(fileSize(1536, 'en')).toBe(`1.5${NBSP}KB`);
  });

  it('reads names and addresses out of mailbox strings', () => {
    expect(displayName('"Dr Anne Martin" <a.martin@medecin.test>')).toBe('Dr Anne Martin');
    expect(displayName('<a.martin@medecin.test>')).toBe('a.martin@medecin.test');
    expect(displayName('a.martin@medecin.test')).toBe('a.martin@medecin.test');
    expect(addressOf('Dr Anne Martin <A.Martin@Medecin.test>')).toBe('a.martin@medecin.test');
    expect(addressOf('a.martin@medecin.test')).toBe('a.martin@medecin.test');
    expect(addressOf('Service inconnu')).toBeNull();
  });

  it('prefixes « RE : » once and quotes the original', () => {
    expect(replySubject('Compte rendu')).toBe(`RE${NBSP}: Compte rendu`);
    expect(replySubject('Re: Compte rendu')).toBe(`RE${NBSP}: Compte rendu`);
    expect(replySubject(`RE${NBSP}: Compte rendu`)).toBe(`RE${NBSP}: Compte rendu`);
    expect(quotedBody('Le 1er, X a écrit :', 'ligne 1\nligne 2')).toBe('\n\nLe 1er, X a écrit :\n> ligne 1\n> ligne 2\n');
  });
});
