import { describe, expect, it } from 'vitest';
import i18n from '../i18n/index.js';
import en from '../i18n/en.json';
import { mainMessage, practitionerLine, recoveryGroups } from './format.js';
import { feedbackOf, offersRecovery } from './signInFeedback.js';
import { createThrottle } from './throttle.js';

const demo = {
  idNatKind: 'RPPS',
  idNat: '899900000001',
  rpps: '99900000001',
  lastName: 'Démo',
  firstName: 'Camille',
  profession: 'Médecin',
  validUntil: '2030-01-01T00:00:00.000Z',
};

describe('lock screen helpers', () => {
  it('formats the signed-in practitioner for the status bar', async () => {
    await i18n.changeLanguage('fr');
    expect(practitionerLine(i18n.t, demo)).toBe('Dr Camille DÉMO · Médecin · RPPS 99900000001');
    expect(practitionerLine(i18n.t, { ...demo, profession: 'Chirurgien-dentiste' })).toMatch(/^Dr /);
    const { rpps: _rpps, ...noRpps } = demo;
    expect(practitionerLine(i18n.t, { ...noRpps, idNat: '012345678', profession: 'Infirmier' })).toBe('Camille DÉMO · Infirmier · N° 012345678');
  });

  it('groups the recovery code by four, whatever separators it came with', () => {
    expect(recoveryGroups('7KQM-ABCD-EFGH-JKMN-PQRS-TVW1')).toEqual(['7KQM', 'ABCD', 'EFGH', 'JKMN', 'PQRS', 'TVW1']);
    expect(recoveryGroups('7KQMABCDEF')).toEqual(['7KQM', 'ABCD', 'EF']);
  });

  it('shows main’s French message in French, translates known codes elsewhere, falls back to French marked lang=fr', async () => {
    const exists = (key: string): boolean => i18n.exists(key);
    await i18n.changeLanguage('fr');
    expect(mainMessage(i18n.t, 'fr', exists, 'refusals', 'revoked', 'Message de main.')).toEqual({ text: 'Message de main.' });
    await i18n.changeLanguage('en');
    expect(mainMessage(i18n.t, 'en', exists, 'refusals', 'revoked', 'Message de main.')).toEqual({ text: en.card.codes.refusals.revoked });
    expect(mainMessage(i18n.t, 'en', exists, 'signIn', 'unwrap-failed', 'x')).toEqual({ text: en.card.codes.signIn['unwrap-failed'] });
    expect(mainMessage(i18n.t, 'en', exists, 'refusals', 'new-code', 'Nouveau refus.')).toEqual({ text: 'Nouveau refus.', lang: 'fr' });
    await i18n.changeLanguage('fr');
  });

  it('maps every failed sign-in to what the PIN dialog says', () => {
    expect(feedbackOf({ result: 'wrong-pin', pinStatus: 'final-try', message: 'm' })).toEqual({ kind: 'wrong-pin', pinStatus: 'final-try' });
    expect(feedbackOf({ result: 'wrong-pin', pinStatus: 'locked', message: 'm' })).toEqual({ kind: 'locked' });
    expect(feedbackOf({ result: 'locked', message: 'm' })).toEqual({ kind: 'locked' });
    expect(feedbackOf({ result: 'pin-format', message: 'm' })).toEqual({ kind: 'format' });
    expect(feedbackOf({ result: 'refused', code: 'expired', message: 'm' })).toEqual({ kind: 'main', group: 'refusals', code: 'expired', message: 'm' });
    expect(feedbackOf({ result: 'removed', message: 'm' })).toEqual({ kind: 'main', group: 'signIn', code: 'card-removed', message: 'm' });
    expect(feedbackOf({ result: 'vault-error', code: 'unwrap-failed', message: 'm' })).toEqual({
      kind: 'main',
      group: 'signIn',
      code: 'unwrap-failed',
      message: 'm',
    });
  });

  it('offers the recovery code only for the vault errors it can solve', () => {
    expect(offersRecovery(feedbackOf({ result: 'vault-error', code: 'unwrap-failed', message: 'm' }))).toBe(true);
    expect(offersRecovery(feedbackOf({ result: 'vault-error', code: 'recovery-code-invalid', message: 'm' }))).toBe(true);
    expect(offersRecovery(feedbackOf({ result: 'vault-error', code: 'corrupt', message: 'm' }))).toBe(false);
    expect(offersRecovery(feedbackOf({ result: 'wrong-pin', pinStatus: 'count-low', message: 'm' }))).toBe(false);
    expect(offersRecovery(null)).toBe(false);
  });

  it('lets one activity ping through per 30 s', () => {
    let now = 1_000;
    const gate = createThrottle(30_000, () => now);
    expect(gate()).toBe(true);
    now += 29_999;
    expect(gate()).toBe(false);
    now += 1;
    expect(gate()).toBe(true);
    expect(gate()).toBe(false);
  });
});
