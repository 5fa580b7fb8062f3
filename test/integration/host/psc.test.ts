import fs from 'node:fs';
import path from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PscStatusView } from '../../../shared/api/index.js';
import { createHost, type Host } from '../../../electron/host/createHost.js';
import type { OpenAuthWindow } from '../../../electron/host/pscSession.js';
import { startWebHost, type WebHost } from '../../../electron/host/webHost.js';
import { PscError } from '../../../electron/psc/index.js';
import { loginWithTestAccount, startLocalPsc, TEST_REDIRECT_URI, type LocalPsc } from '../../peers/oidc/localProvider.js';
import { createTestCard, type TestCard } from '../../peers/softhsm/createTestCard.js';
import { tempDir } from '../card/helpers.js';
import { appCaller, callHost, until, waitForCardState } from './support.js';

/**
 * Pro Santé Connect in the product: the host on the SoftHSM2 test card and the local OpenID
 * provider. The Electron window is replaced by a function that plays the browser through the
 * provider's login (loginWithTestAccount); the web host's `/psc/callback` route is exercised
 * over real HTTP. Checks: sign-in only with a card session, the card's idNat, acr, refresh,
 * `expired` when the refresh token is refused, and the end with the card session.
 */

// The test card's professional (createTestCard: RPPS 10100000017) and another one.
const accounts = {
  jeanne: { idNat: '810100000017', givenName: 'Jeanne', familyName: 'HÉBERT-TEST' },
  paul: { idNat: '810100000025', givenName: 'Paul', familyName: 'AUTRE-TEST' },
};

let card: TestCard;
let provider: LocalPsc;
/** Access tokens handed out during the tests: none may reach the log. */
const tokensSeen: string[] = [];

/** What the fake window does next: log in as an account (with an acr), or be closed by the user. */
let windowAction: { kind: 'login'; account: string; acr?: string } | { kind: 'close' } = { kind: 'login', account: 'jeanne' };
const windowCalls: { allowedOrigins: readonly string[]; redirectRecognised: boolean; cardSerial?: string | undefined }[] = [];
const openAuthWindow: OpenAuthWindow = async (url, isRedirect, { allowedOrigins, cardCertificate }) => {
  const action = windowAction;
  if (action.kind === 'close') {
    windowCalls.push({ allowedOrigins, redirectRecognised: false });
    throw new Error('window closed');
  }
  const callback = await loginWithTestAccount(url, action.account, action.acr ? { acr: action.acr } : {});
  windowCalls.push({ allowedOrigins, redirectRecognised: isRedirect(callback) && !isRedirect(url), cardSerial: cardCertificate?.serialHex });
  return callback;
};

function hostWithPsc(dataDir: string, kind: 'electron' | 'web'): Host {
  process.env['SOFTHSM2_CONF'] = card.softhsmConf;
  return createHost(
    {
      mode: 'normal',
      hostKind: kind,
      dataDir,
      appVersion: 'test',
      platform: 'linux',
      trustedOrigins: [appCaller.origin],
      card: { modulePath: card.modulePath, anchorFolders: [card.anchorsDir], crlSources: [card.crlPath], rescan: true, pollIntervalMs: 200 },
      psc: { issuer: provider.issuer, clientId: provider.clientId, redirectUri: TEST_REDIRECT_URI, scope: 'openid scope_all', acrValues: 'eidas1', mailResource: provider.mailAudience },
    },
    { openAuthWindow },
  );
}

function recordPscEvents(host: Host): PscStatusView[] {
  const seen: PscStatusView[] = [];
  host.events.subscribe((event, payload) => {
    if (event === 'psc.changed') seen.push(payload as PscStatusView);
  });
  return seen;
}

async function waitForPsc(host: Host, state: PscStatusView['state']): Promise<PscStatusView> {
  return (await until(() => callHost<PscStatusView>(host, 'psc.status', {}), (s) => s.state === state, 10_000)).value;
}

async function expectSessionEnded(host: Host): Promise<void> {
  const err = await host.psc.accessToken().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PscError);
  expect((err as PscError).code).toBe('session-ended');
}

beforeAll(async () => {
  card = await createTestCard(tempDir('psc-card'), 'valid');
  // As PSC's: access tokens live 30 s (the client refreshes within 60 s of the end, so every
  // accessToken() call refreshes); refresh tokens live 3 s, to see one refused.
  provider = await startLocalPsc({
    port: 0,
    accounts,
    accessTokenTtlSeconds: 30,
    refreshTokenTtlSeconds: 3,
    redirectUris: [TEST_REDIRECT_URI, 'http://127.0.0.1/psc/callback'],
  });
});

afterAll(async () => {
  await provider?.close();
});

describe('Pro Santé Connect in the host (Electron flow, window replaced)', () => {
  let host: Host;
  let dataDir: string;
  let events: PscStatusView[];

  beforeAll(async () => {
    dataDir = tempDir('psc-host');
    host = hostWithPsc(dataDir, 'electron');
    events = recordPscEvents(host);
    await host.ready;
    await waitForCardState(host, 'present');
  });
  afterAll(async () => {
    await host?.close();
  });

  it('is configured, signed out, and refuses to start without a card session', async () => {
    expect(await callHost(host, 'psc.status', {})).toEqual({ configured: true, state: 'signed-out', identity: null, expiresAt: null, message: null });
    const refused = await host.router.call('psc.signIn', {}, appCaller);
    expect(refused).toEqual({ ok: false, error: { code: 'LOCKED' } });
    await expectSessionEnded(host);
  });

  it('signs in through the app window with the card’s professional, and gives a mail token', async () => {
    expect(await callHost(host, 'card.signIn', { pin: card.pin })).toMatchObject({ result: 'signed-in' });
    events.length = 0;
    windowAction = { kind: 'login', account: 'jeanne' };
    expect(await callHost(host, 'psc.signIn', {})).toEqual({ openUrl: null });
    const status = await waitForPsc(host, 'signed-in');
    expect(status).toMatchObject({ configured: true, identity: { idNat: '810100000017', displayName: 'Jeanne HÉBERT-TEST' }, message: null });
    expect(status.expiresAt).toBeGreaterThan(Date.now());
    expect(events.map((e) => e.state)).toEqual(['waiting', 'signed-in']);
    // The window may only navigate on the provider's origin, and knew the redirect back.
    // The window is told which certificate is the card's (for PSC's client-certificate prompt).
    expect(windowCalls.at(-1)).toEqual({ allowedOrigins: [provider.issuer], redirectRecognised: true, cardSerial: expect.stringMatching(/^[0-9a-f]+$/i) });

    // The mail server's token: a JWT for its audience, naming the professional.
    const token = await host.psc.accessToken();
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(provider.jwksUri)), { audience: provider.mailAudience, issuer: provider.issuer });
    expect(payload['SubjectNameID']).toBe('810100000017');
    // Refreshed while the refresh token is valid: a new token each time (30 s < 60 s margin).
    const again = await host.psc.accessToken();
    expect(again).not.toBe(token);
    tokensSeen.push(token, again);
  });

  it('ends the PSC session when the card session ends, and says so', async () => {
    expect((await callHost<PscStatusView>(host, 'psc.status', {})).state).toBe('signed-in');
    const changes: PscStatusView[] = [];
    const off = host.psc.onChange((s) => changes.push(s));
    await callHost(host, 'card.signOut', {});
    const status = await waitForPsc(host, 'signed-out');
    off();
    expect(status.identity).toBeNull();
    expect(status.message).toMatch(/session de la carte CPS a pris fin/);
    expect(changes.map((c) => c.state)).toEqual(['signed-out']);
    await expectSessionEnded(host);
    await waitForCardState(host, 'present');
    expect(await callHost(host, 'card.signIn', { pin: card.pin })).toMatchObject({ result: 'signed-in' });
  });

  it('refuses a PSC identity that is not the card’s, in French, and keeps no session', async () => {
    windowAction = { kind: 'login', account: 'paul' };
    await callHost(host, 'psc.signIn', {});
    const status = await waitForPsc(host, 'signed-out');
    expect(status.message).toBe(
      'L’identité Pro Santé Connect ne correspond pas à la carte CPS insérée. Connectez-vous à Pro Santé Connect avec la même identité que la carte.',
    );
    expect(status.identity).toBeNull();
    await expectSessionEnded(host);
  });

  it('refuses an authentication level below eidas1', async () => {
    windowAction = { kind: 'login', account: 'jeanne', acr: 'eidas0' };
    await callHost(host, 'psc.signIn', {});
    const status = await waitForPsc(host, 'signed-out');
    expect(status.message).toMatch(/niveau d’authentification .* insuffisant/);
    await expectSessionEnded(host);
  });

  it('takes a closed window for a cancelled sign-in', async () => {
    windowAction = { kind: 'close' };
    await callHost(host, 'psc.signIn', {});
    const status = await waitForPsc(host, 'signed-out');
    expect(status.message).toBe('Connexion à Pro Santé Connect annulée.');
  });

  it('becomes expired when the provider refuses the refresh token, and gives no token any more', async () => {
    windowAction = { kind: 'login', account: 'jeanne' };
    await callHost(host, 'psc.signIn', {});
    await waitForPsc(host, 'signed-in');
    const states: string[] = [];
    const off = host.psc.onChange((s) => states.push(s.state));
    // The refresh token lives 3 s.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const err = await host.psc.accessToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as PscError).code).toBe('session-ended');
    const status = await waitForPsc(host, 'expired');
    off();
    expect(states).toEqual(['expired']);
    expect(status.message).toBe('Votre session Pro Santé Connect a expiré. Reconnectez-vous pour continuer.');
    await expectSessionEnded(host);

    // Signing in again starts from the expired state.
    await callHost(host, 'psc.signIn', {});
    await waitForPsc(host, 'signed-in');
    await callHost(host, 'psc.signOut', {});
    expect((await callHost<PscStatusView>(host, 'psc.status', {})).state).toBe('signed-out');
    await expectSessionEnded(host);
  });

  it('keeps tokens, names and national ids out of the log', async () => {
    const logDir = path.join(dataDir, 'logs');
    const text = fs
      .readdirSync(logDir)
      .map((f) => fs.readFileSync(path.join(logDir, f), 'utf8'))
      .join('\n');
    expect(text).toMatch(/psc\.signed-in/);
    expect(text).toMatch(/psc\.session-expired/);
    expect(tokensSeen.length).toBe(2);
    for (const secret of ['810100000025', 'HÉBERT', 'AUTRE-TEST', 'eyJ', ...tokensSeen]) expect(text).not.toContain(secret);
  });
});

describe('Pro Santé Connect through the web host’s /psc/callback', () => {
  let web: WebHost;

  beforeAll(async () => {
    process.env['SOFTHSM2_CONF'] = card.softhsmConf;
    web = await startWebHost({
      rendererDir: tempDir('psc-renderer'),
      port: 0,
      hostConfig: {
        mode: 'normal',
        dataDir: tempDir('psc-web'),
        appVersion: 'test',
        platform: 'linux',
        card: { modulePath: card.modulePath, anchorFolders: [card.anchorsDir], crlSources: [card.crlPath], rescan: true, pollIntervalMs: 200 },
        psc: { issuer: provider.issuer, clientId: provider.clientId },
      },
    });
    await web.host.ready;
  });
  afterAll(async () => {
    await web?.close();
  });

  const call = <T>(method: string, input: unknown): Promise<T> => web.host.router.call(method, input, { origin: web.origin, isMainFrame: true }).then((r) => {
    if (!r.ok) throw new Error(`${method}: ${r.error.code}`);
    return r.value as T;
  });

  it('returns the URL to open, refuses a forged callback without losing the sign-in, completes the genuine one', async () => {
    await until(() => call<{ state: string }>('card.getState', {}), (s) => s.state === 'present');
    expect(await call('card.signIn', { pin: card.pin })).toMatchObject({ result: 'signed-in' });
    const { openUrl } = await call<{ openUrl: string | null }>('psc.signIn', {});
    expect(openUrl).not.toBeNull();
    const auth = new URL(openUrl ?? '');
    expect(auth.origin).toBe(provider.issuer);
    expect(auth.searchParams.get('redirect_uri')).toBe(`${web.origin}/psc/callback`);

    // Any local page can reach the route: a wrong state is refused and the sign-in still waits.
    const forged = await fetch(`${web.origin}/psc/callback?code=abc&state=forged`);
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await forged.text()).toMatch(/ne correspond pas à la connexion en cours/);
    expect((await call<PscStatusView>('psc.status', {})).state).toBe('waiting');

    // The provider sends the browser back to the web host, which completes the sign-in.
    const callback = await loginWithTestAccount(openUrl ?? '', 'jeanne');
    expect(new URL(callback).origin).toBe(web.origin);
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<html lang="fr">/);
    expect(html).toMatch(/Connexion réussie/);
    expect(html).not.toMatch(/<script/);
    expect(await call<PscStatusView>('psc.status', {})).toMatchObject({ state: 'signed-in', identity: { idNat: '810100000017' } });

    // Replayed, the callback is refused and the session stays.
    const replay = await fetch(callback);
    expect(replay.status).toBe(400);
    expect((await call<PscStatusView>('psc.status', {})).state).toBe('signed-in');
  });
});
