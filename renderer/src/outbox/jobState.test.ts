import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import fr from '../i18n/fr.json';
import { parseAddresses } from './addresses.js';
import { canCancel, canRetry, clockTime, stateLabel } from './jobState.js';

describe('parseAddresses', () => {
  it('splits on commas and semicolons, trims, lower-cases and removes duplicates', () => {
    expect(parseAddresses(' Dr.Durand@hopital.test, secretariat@medecin.test;dr.durand@hopital.test ,')).toEqual({
      ok: true,
      addresses: ['dr.durand@hopital.test', 'secretariat@medecin.test'],
    });
  });

  it('refuses an empty field, a malformed address (named) and too many recipients', () => {
    expect(parseAddresses(' , ')).toEqual({ ok: false, error: 'empty' });
    expect(parseAddresses('dr.durand@hopital.test, durand hopital.test')).toEqual({ ok: false, error: 'invalid', address: 'durand hopital.test' });
    expect(parseAddresses('a@b')).toEqual({ ok: false, error: 'invalid', address: 'a@b' });
    expect(parseAddresses(Array.from({ length: 51 }, (_, i) => `p${i}@medecin.test`).join(','))).toEqual({ ok: false, error: 'too-many' });
  });
});

describe('job states', () => {
  const t = i18next.createInstance();
  beforeAll(async () => {
    await t.init({ lng: 'fr', resources: { fr: { translation: fr } }, interpolation: { escapeValue: false } });
  });

  it('names each state in French, with the time of the next try', () => {
    const at = new Date(2025, 0, 15, 14, 5).getTime();
    expect(stateLabel(t.t, { state: 'retry-wait', nextAttemptAt: at }, 'fr')).toBe('nouvel essai prévu à 14:05');
    expect(stateLabel(t.t, { state: 'pending', nextAttemptAt: at }, 'fr')).toBe('à envoyer');
    expect(stateLabel(t.t, { state: 'sending', nextAttemptAt: at }, 'fr')).toBe('en cours d’envoi');
    expect(stateLabel(t.t, { state: 'needs-review', nextAttemptAt: at }, 'fr')).toBe('à vérifier');
    expect(stateLabel(t.t, { state: 'done', nextAttemptAt: at }, 'fr')).toBe('envoyé');
    expect(clockTime(new Date(2025, 0, 15, 9, 7).getTime(), 'fr')).toBe('09:07');
  });

  it('offers retry and cancel only where the queue accepts them', () => {
    expect(canRetry('sending')).toBe(false);
    expect(canCancel('sending')).toBe(false);
    expect(canRetry('invalid')).toBe(false);
    expect(canCancel('invalid')).toBe(true);
    expect(canRetry('retry-wait') && canCancel('retry-wait')).toBe(true);
    expect(canCancel('done') || canCancel('cancelled')).toBe(false);
  });
});
