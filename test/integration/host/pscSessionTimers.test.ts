import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PscStatusView } from '../../../shared/api/index.js';
import type { CardServiceState } from '../../../electron/card/cardService.js';
import { createEventBus } from '../../../electron/host/eventBus.js';
import { createPscSessionHost, type OpenAuthWindow, type PscSessionHost } from '../../../electron/host/pscSession.js';
import { loginWithTestAccount, startLocalPsc, TEST_REDIRECT_URI, type LocalPsc } from '../../peers/oidc/localProvider.js';
import { captureLog } from '../card/helpers.js';
import { until } from './support.js';

/**
 * The PSC session's own clock against the local provider, with short delays: the token renewed
 * ahead of its end without anyone asking (and the new end pushed), a sign-in left waiting that
 * ends by itself, cancel closing the window, and a callback that was not the pending one. The
 * card is a stand-in here (only its state matters; the real card is in psc.test.ts).
 */

const IDNAT = '810100000017';
let provider: LocalPsc;

function signedInCard(): CardServiceState {
  return {
    state: 'signed-in',
    slotId: '1',
    profile: { idNatKind: 'RPPS', idNat: IDNAT, rpps: '10100000017', lastName: 'HÉBERT-TEST', firstName: 'Jeanne', profession: 'Médecin', validUntil: '2030-01-01T00:00:00Z', serialHex: '0a1b', issuerCn: 'TEST AC IGC-SANTE' },
    warnings: [],
    otherSlots: [],
  };
}

type CardLink = Parameters<typeof createPscSessionHost>[0]['card'];

function cardStandIn(): { link: CardLink; set(next: CardServiceState): void } {
  const emitter = new EventEmitter();
  let state: CardServiceState = signedInCard();
  const link = {
    getState: () => state,
    on: (event: string, listener: (state: CardServiceState) => void) => void emitter.on(event, listener),
    off: (event: string, listener: (state: CardServiceState) => void) => void emitter.off(event, listener),
  };
  return {
    // The card service's overloaded on/off, reduced to the 'state' event the PSC session uses.
    link: link as unknown as CardLink,
    set(next) {
      state = next;
      emitter.emit('state', next);
    },
  };
}

function sessionHost(openAuthWindow: OpenAuthWindow | undefined, timing: NonNullable<Parameters<typeof createPscSessionHost>[0]['timing']>) {
  const events = createEventBus();
  const pushed: PscStatusView[] = [];
  events.subscribe((event, payload) => {
    if (event === 'psc.changed') pushed.push(payload as PscStatusView);
  });
  const card = cardStandIn();
  const psc = createPscSessionHost({
    config: { issuer: provider.issuer, clientId: provider.clientId, redirectUri: TEST_REDIRECT_URI },
    hostKind: 'electron',
    log: captureLog(),
    events,
    card: card.link,
    ...(openAuthWindow ? { openAuthWindow } : {}),
    timing,
  });
  return { psc, pushed, card };
}

const waitFor = (psc: PscSessionHost, state: PscStatusView['state'], timeoutMs = 5_000) =>
  until(async () => psc.status(), (s) => s.state === state, timeoutMs).then((r) => r.value);

beforeAll(async () => {
  // Access tokens of 30 s: with the client's 60 s margin each renewal really goes to the provider.
  provider = await startLocalPsc({ port: 0, accounts: { jeanne: { idNat: IDNAT, givenName: 'Jeanne', familyName: 'HÉBERT-TEST' } }, accessTokenTtlSeconds: 30 });
});
afterAll(async () => {
  await provider?.close();
});

describe('PSC session timers', () => {
  it('renews the token ahead of its end by itself and pushes the new end', async () => {
    const login: OpenAuthWindow = (url) => loginWithTestAccount(url, 'jeanne');
    const { psc, pushed } = sessionHost(login, { refreshAheadMs: 29_800, minRefreshDelayMs: 100 });
    await psc.signIn();
    const first = await waitFor(psc, 'signed-in');
    const renewed = await until(
      async () => psc.status(),
      (s) => s.state === 'signed-in' && (s.expiresAt ?? 0) > (first.expiresAt ?? 0),
      5_000,
    );
    expect(renewed.value.identity?.idNat).toBe(IDNAT);
    expect(pushed.filter((s) => s.state === 'signed-in').length).toBeGreaterThanOrEqual(2);
    await psc.close();
  });

  it('ends a sign-in left waiting, and closes its window', async () => {
    let aborted = false;
    const never: OpenAuthWindow = (_url, _isRedirect, { signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        });
      });
    const { psc } = sessionHost(never, { signInTimeoutMs: 300 });
    await psc.signIn();
    expect(psc.status().state).toBe('waiting');
    const ended = await waitFor(psc, 'signed-out');
    expect(ended.message).toBe('La connexion à Pro Santé Connect n’a pas été terminée à temps. Recommencez.');
    expect(aborted).toBe(true);
    await psc.close();
  });

  it('cancel closes the window; a card locked meanwhile ends the attempt as well', async () => {
    let aborts = 0;
    const never: OpenAuthWindow = (_url, _isRedirect, { signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborts += 1;
          reject(new Error('aborted'));
        });
      });
    const { psc, card } = sessionHost(never, {});
    await psc.signIn();
    await psc.cancel();
    expect(psc.status()).toMatchObject({ state: 'signed-out', message: 'Connexion à Pro Santé Connect annulée.' });
    expect(aborts).toBe(1);

    await psc.signIn();
    expect(psc.status().state).toBe('waiting');
    card.set({ state: 'absent', readers: 1 });
    const ended = await waitFor(psc, 'signed-out');
    expect(ended.message).toMatch(/la session de la carte CPS a pris fin/);
    expect(aborts).toBe(2);
    await psc.close();
  });

  it('web host: a callback with another state leaves the sign-in waiting; the genuine one completes it', async () => {
    const { psc } = sessionHost(undefined, {});
    const { openUrl } = await psc.signIn();
    expect(openUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?/);
    const callback = new URL(await loginWithTestAccount(openUrl ?? '', 'jeanne'));
    const genuine = callback.href;
    callback.searchParams.set('state', 'forged');
    await expect(psc.completeCallback(callback.href)).rejects.toMatchObject({ code: 'state-mismatch' });
    expect(psc.status().state).toBe('waiting');
    await psc.completeCallback(genuine);
    expect(psc.status()).toMatchObject({ state: 'signed-in', identity: { idNat: IDNAT } });
    await expect(psc.completeCallback(genuine)).rejects.toMatchObject({ code: 'no-pending-sign-in' });
    expect(psc.status().state).toBe('signed-in');
    await psc.close();
    expect(psc.status().state).toBe('signed-out');
  });
});
