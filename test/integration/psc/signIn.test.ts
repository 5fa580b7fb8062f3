/**
 * Pro Santé Connect sign-in end to end over real HTTP against the local OpenID provider
 * (test/peers/oidc): authorization code + PKCE, acr, nonce/state, userinfo, idNat check,
 * refresh and the end of the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createPscClient, PscError, type PscClient, type PscClientOptions } from '../../../electron/psc/index.js';
import {
  loginWithTestAccount,
  startLocalPsc,
  TEST_REDIRECT_URI,
  type LocalPsc,
  type TestPscAccount,
} from '../../peers/oidc/localProvider.js';

const ALICE: TestPscAccount = { idNat: '810100000017', givenName: 'Jeanne', familyName: 'HÉBERT-TEST' };
const accounts = { jeanne: ALICE };

function clientFor(psc: LocalPsc, extra: Partial<PscClientOptions> = {}): PscClient {
  return createPscClient({
    issuer: psc.issuer,
    clientId: psc.clientId,
    redirectUri: TEST_REDIRECT_URI,
    scope: 'openid scope_all',
    acrValues: 'eidas1',
    ...extra,
  });
}

async function expectPscError(promise: Promise<unknown>, code: string): Promise<PscError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PscError);
  expect((err as PscError).code).toBe(code);
  return err as PscError;
}

describe('Pro Santé Connect sign-in against the local provider', () => {
  let psc: LocalPsc;
  beforeAll(async () => {
    psc = await startLocalPsc({ port: 0, accounts });
  });
  afterAll(async () => {
    await psc?.close();
  });

  it('runs the code + PKCE flow with acr eidas1 and reads the identity from userinfo', async () => {
    const client = clientFor(psc);
    const pending = await client.beginSignIn();
    const auth = new URL(pending.authorizationUrl);
    expect(auth.origin).toBe(psc.issuer);
    expect(auth.searchParams.get('response_type')).toBe('code');
    expect(auth.searchParams.get('scope')).toBe('openid scope_all');
    expect(auth.searchParams.get('acr_values')).toBe('eidas1');
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(auth.searchParams.get('nonce')).toBe(pending.nonce);
    expect(auth.searchParams.get('state')).toBe(pending.state);
    expect(auth.searchParams.has('code_verifier')).toBe(false);

    const callback = await loginWithTestAccount(pending.authorizationUrl, 'jeanne');
    expect(client.isRedirect(callback)).toBe(true);
    expect(client.isRedirect(pending.authorizationUrl)).toBe(false);
    const session = await client.completeSignIn(callback, { expectedIdNat: '810100000017' });

    expect(session.state).toBe('active');
    expect(session.identity).toMatchObject({
      sub: '810100000017',
      idNat: '810100000017',
      givenName: 'Jeanne',
      familyName: 'HÉBERT-TEST',
      acr: 'eidas1',
    });
    expect(session.identity.subjectRefPro).toMatchObject({ exercices: [{ codeProfession: '10' }] });
    expect(client.session).toBe(session);
    expect(typeof (await session.accessToken())).toBe('string');
    // Nothing secret is reachable through the object itself.
    expect(JSON.stringify(session)).not.toMatch(/token/i);

    // The callback is single-use.
    await expectPscError(client.completeSignIn(callback), 'no-pending-sign-in');

    await client.signOut();
    expect(session.state).toBe('ended');
    expect(client.session).toBeUndefined();
    await expectPscError(session.accessToken(), 'session-ended');
  });

  it('refuses an acr below eidas1', async () => {
    const client = clientFor(psc);
    const pending = await client.beginSignIn();
    const callback = await loginWithTestAccount(pending.authorizationUrl, 'jeanne', { acr: 'eidas0' });
    const err = await expectPscError(client.completeSignIn(callback), 'acr-too-low');
    expect(err.userMessage).toMatch(/niveau d’authentification/);
    expect(client.session).toBeUndefined();
  });

  it('accepts a stronger acr (eidas2)', async () => {
    const client = clientFor(psc);
    const pending = await client.beginSignIn();
    const callback = await loginWithTestAccount(pending.authorizationUrl, 'jeanne', { acr: 'eidas2' });
    const session = await client.completeSignIn(callback);
    expect(session.identity.acr).toBe('eidas2');
    await session.signOut();
  });

  it('refuses a PSC identity that is not the card’s idNat, in French, and ends the session', async () => {
    const client = clientFor(psc);
    const pending = await client.beginSignIn();
    const callback = await loginWithTestAccount(pending.authorizationUrl, 'jeanne');
    const session = await client.completeSignIn(callback);
    const ended: PscError[] = [];
    session.onEnded((reason) => ended.push(reason));

    let err: unknown;
    try {
      session.checkIdentity('810100000025');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PscError);
    expect((err as PscError).code).toBe('identity-mismatch');
    expect((err as PscError).userMessage).toBe(
      'L’identité Pro Santé Connect ne correspond pas à la carte CPS insérée. Connectez-vous à Pro Santé Connect avec la même identité que la carte.',
    );
    expect((err as PscError).message).not.toContain('810100000017');
    expect(ended.map((e) => e.code)).toEqual(['identity-mismatch']);
    expect(session.state).toBe('ended');
    await expectPscError(session.accessToken(), 'session-ended');

    // Same check at sign-in time: no session comes out.
    const again = await client.beginSignIn();
    const callback2 = await loginWithTestAccount(again.authorizationUrl, 'jeanne');
    await expectPscError(client.completeSignIn(callback2, { expectedIdNat: '810100000025' }), 'identity-mismatch');
    expect(client.session).toBeUndefined();
  });

  it('refuses a callback whose state is not the pending one, and does not exchange its code', async () => {
    const client = clientFor(psc);
    const pending = await client.beginSignIn();
    const callback = new URL(await loginWithTestAccount(pending.authorizationUrl, 'jeanne'));
    callback.searchParams.set('state', 'forged-state');
    await expectPscError(client.completeSignIn(callback.href), 'state-mismatch');
    // The pending sign-in is gone: even the genuine state is not accepted afterwards.
    callback.searchParams.set('state', pending.state);
    await expectPscError(client.completeSignIn(callback.href), 'no-pending-sign-in');

    // A code obtained for another sign-in (another verifier, nonce, state) is refused too.
    const first = await client.beginSignIn();
    const stolen = await loginWithTestAccount(first.authorizationUrl, 'jeanne');
    await client.beginSignIn(); // a new attempt replaces the first one
    await expectPscError(client.completeSignIn(stolen), 'state-mismatch');
  });

  it('reports a refusal or cancellation on PSC’s page as a refused sign-in', async () => {
    const client = clientFor(psc);
    const pending = await client.beginSignIn();
    const callback = new URL(TEST_REDIRECT_URI);
    callback.searchParams.set('error', 'access_denied');
    callback.searchParams.set('state', pending.state);
    const err = await expectPscError(client.completeSignIn(callback.href), 'sign-in-refused');
    expect(err.technicalCause).toBe('access_denied');
  });

  it('requires https except on 127.0.0.1, and a private-use or loopback redirect URI', () => {
    const base = { clientId: 'x', redirectUri: TEST_REDIRECT_URI };
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as PscError).code;
      }
      return 'ok';
    };
    expect(code(() => createPscClient({ ...base, issuer: 'http://auth.example.org/realm' }))).toBe('insecure-issuer');
    expect(code(() => createPscClient({ ...base, issuer: 'http://localhost:8080' }))).toBe('insecure-issuer');
    expect(code(() => createPscClient({ ...base, issuer: 'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet' }))).toBe('ok');
    expect(code(() => createPscClient({ ...base, issuer: 'http://127.0.0.1:9' }))).toBe('ok');
    const issuer = 'https://auth.example.org';
    expect(code(() => createPscClient({ issuer, clientId: 'x', redirectUri: 'caducee:/cb' }))).toBe('invalid-redirect-uri');
    expect(code(() => createPscClient({ issuer, clientId: 'x', redirectUri: 'https://caducee.example/cb' }))).toBe('invalid-redirect-uri');
    expect(code(() => createPscClient({ issuer, clientId: 'x', redirectUri: 'http://127.0.0.1:53123/psc' }))).toBe('ok');
  });
});

describe('Pro Santé Connect session: refresh and end', () => {
  let psc: LocalPsc;
  beforeAll(async () => {
    // Access tokens live 30 s; the client refreshes 60 s before expiry, so every accessToken()
    // call refreshes. Refresh tokens live 3 s.
    psc = await startLocalPsc({ port: 0, accounts, accessTokenTtlSeconds: 30, refreshTokenTtlSeconds: 3 });
  });
  afterAll(async () => {
    await psc?.close();
  });

  async function signIn(extra: Partial<PscClientOptions> = {}) {
    const client = clientFor(psc, { refreshMarginSeconds: 60, ...extra });
    const pending = await client.beginSignIn();
    return client.completeSignIn(await loginWithTestAccount(pending.authorizationUrl, 'jeanne'));
  }

  it('refreshes the access token near expiry, one refresh at a time', async () => {
    const session = await signIn();
    const a = await session.accessToken();
    const [b, c] = await Promise.all([session.accessToken(), session.accessToken()]);
    expect(b).toBe(c); // concurrent callers share one refresh (rotating refresh tokens)
    const d = await session.accessToken();
    expect(new Set([a, b, d]).size).toBe(3);
    expect(session.state).toBe('active');
    await session.signOut();
  });

  it('gives the mail server a JWT access token for its audience, signed by the provider', async () => {
    const session = await signIn({ resource: psc.mailAudience });
    const token = await session.accessToken();
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(psc.jwksUri)), {
      issuer: psc.issuer,
      audience: psc.mailAudience,
    });
    expect(payload.sub).toBe('810100000017');
    expect(payload.SubjectNameID).toBe('810100000017');
    expect(payload.client_id).toBe(psc.clientId);
    // Refreshed tokens keep the audience.
    const next = await session.accessToken();
    expect(next).not.toBe(token);
    await expect(jwtVerify(next, createRemoteJWKSet(new URL(psc.jwksUri)), { audience: psc.mailAudience })).resolves.toBeTruthy();
    await session.signOut();
  });

  it('ends the session cleanly when the provider refuses the refresh', async () => {
    const session = await signIn();
    const ended: PscError[] = [];
    session.onEnded((reason) => ended.push(reason));
    await session.accessToken();
    await new Promise((resolve) => setTimeout(resolve, 3500)); // the refresh token expires
    const err = await expectPscError(session.accessToken(), 'session-ended');
    expect(err.technicalCause).toMatch(/invalid_grant/);
    expect(err.userMessage).toMatch(/Reconnectez-vous/);
    expect(session.state).toBe('ended');
    expect(ended.map((e) => e.code)).toEqual(['session-ended']);
    await expectPscError(session.accessToken(), 'session-ended');
    expect(ended).toHaveLength(1);
  });
});
