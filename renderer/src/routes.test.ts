import { describe, expect, it } from 'vitest';
import { CRASH_TEST_ROUTE, HOME, hashOf, routeFromHash, screenIds } from './routes.js';

describe('routeFromHash', () => {
  it('reads every known screen back from its own hash', () => {
    for (const id of screenIds) expect(routeFromHash(hashOf(id))).toBe(id);
  });

  it('falls back to the home screen for empty, unknown or token fragments', () => {
    for (const hash of ['', '#', '#/', '#/nope', '#token=abc_DEF-123', '#/patients?x=1', '#main-content']) {
      expect(routeFromHash(hash)).toBe(HOME);
    }
  });

  it('recognises the crash test hook only as an exact route', () => {
    expect(routeFromHash('#/__crash')).toBe(CRASH_TEST_ROUTE);
    expect(routeFromHash('#/__crash2')).toBe(HOME);
  });
});
