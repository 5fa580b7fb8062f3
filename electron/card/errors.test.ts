import pkcs11js from 'pkcs11js';
import { describe, expect, it } from 'vitest';
import {
  CKF_USER_PIN_COUNT_LOW,
  CKF_USER_PIN_FINAL_TRY,
  CKF_USER_PIN_LOCKED,
  CardError,
  CardRemovedError,
  PinLockedError,
  WrongPinError,
  mapPkcs11Error,
  pinStatusFromFlags,
  rvName,
  withTimeout,
  wrongPinMessage,
} from './errors.js';

const rv = (name: string) => new pkcs11js.Pkcs11Error(name, 0, 'C_Test');

describe('PKCS#11 error mapping', () => {
  it.each([
    'CKR_DEVICE_REMOVED',
    'CKR_TOKEN_NOT_PRESENT',
    'CKR_SESSION_HANDLE_INVALID',
    'CKR_SESSION_CLOSED',
    'CKR_DEVICE_ERROR',
    'CKR_TOKEN_NOT_RECOGNIZED',
    'CKR_USER_NOT_LOGGED_IN',
  ])('%s → CardRemovedError (state removed)', (name) => {
    const mapped = mapPkcs11Error(rv(name), 'C_Sign');
    expect(mapped).toBeInstanceOf(CardRemovedError);
    expect(mapped.code).toBe('card-removed');
    expect(mapped.technicalCause).toBe(`C_Sign: ${name}`);
    expect(mapped.userMessage).toMatch(/retirée/);
  });

  it('CKR_PIN_INCORRECT → wrong PIN with the tries hint re-read from the token', () => {
    const mapped = mapPkcs11Error(rv('CKR_PIN_INCORRECT'), 'C_Login', () => 'final-try');
    expect(mapped).toBeInstanceOf(WrongPinError);
    expect((mapped as WrongPinError).triesLeftHint).toBe('final-try');
    expect(mapped.userMessage).toBe('Code PIN incorrect. Attention : il ne vous reste qu’un essai avant le blocage de la carte.');
  });

  it('CKR_PIN_INCORRECT whose re-read flags say locked → blocked; a failing re-read → plain wrong PIN', () => {
    expect(mapPkcs11Error(rv('CKR_PIN_INCORRECT'), 'C_Login', () => 'locked')).toBeInstanceOf(PinLockedError);
    const mapped = mapPkcs11Error(rv('CKR_PIN_INCORRECT'), 'C_Login', () => {
      throw new Error('gone');
    });
    expect(mapped).toMatchObject({ code: 'wrong-pin', triesLeftHint: 'ok', userMessage: 'Code PIN incorrect.' });
  });

  it('CKR_PIN_LOCKED → blocked with the PUK explanation; CKR_PIN_LEN_RANGE → bad format', () => {
    const locked = mapPkcs11Error(rv('CKR_PIN_LOCKED'), 'C_Login');
    expect(locked.code).toBe('pin-locked');
    expect(locked.userMessage).toMatch(/^Carte bloquée\u00a0: .*code de déblocage \(PUK.*hors de Caducée/);
    expect(mapPkcs11Error(rv('CKR_PIN_LEN_RANGE'), 'C_Login').code).toBe('pin-format');
  });

  it('mechanism problems, busy, anything else, and non-PKCS#11 errors', () => {
    expect(mapPkcs11Error(rv('CKR_MECHANISM_INVALID'), 'C_SignInit').code).toBe('mechanism-unsupported');
    expect(mapPkcs11Error(rv('CKR_ARGUMENTS_BAD'), 'C_DecryptInit').code).toBe('mechanism-unsupported');
    expect(mapPkcs11Error(rv('CKR_ARGUMENTS_BAD'), 'C_Decrypt').code).toBe('card-error');
    expect(mapPkcs11Error(rv('CKR_OPERATION_ACTIVE'), 'C_Sign').code).toBe('busy');
    expect(mapPkcs11Error(rv('CKR_GENERAL_ERROR'), 'C_Sign').code).toBe('card-error');
    expect(mapPkcs11Error(new TypeError('x'), 'C_Sign')).toMatchObject({ code: 'card-error', technicalCause: 'C_Sign: TypeError' });
    const existing = new CardError('timeout', 't');
    expect(mapPkcs11Error(existing, 'x')).toBe(existing);
    expect(rvName('nope')).toBeUndefined();
  });

  it('token flags → PIN status, worst first', () => {
    expect(pinStatusFromFlags(0x40d)).toBe('ok');
    expect(pinStatusFromFlags(CKF_USER_PIN_COUNT_LOW)).toBe('count-low');
    expect(pinStatusFromFlags(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY)).toBe('final-try');
    expect(pinStatusFromFlags(CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED)).toBe('locked');
    expect(wrongPinMessage('ok')).toBe('Code PIN incorrect.');
    expect(wrongPinMessage('count-low')).toMatch(/peu d’essais/);
  });

  it('withTimeout bounds a wait that never ends', async () => {
    const started = Date.now();
    await expect(withTimeout(new Promise(() => undefined), 50, 'C_Sign')).rejects.toMatchObject({ code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(withTimeout(Promise.resolve(7), 50, 'x')).resolves.toBe(7);
  });
});
