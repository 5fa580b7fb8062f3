/**
 * Pro Santé Connect sign-in (STANDARDS.md §2): OpenID Connect authorization code + PKCE (S256)
 * against a configurable issuer (discovery document), `acr_values=eidas1` with the returned
 * `acr` checked, `nonce` required, the identity read from userinfo and checked against the
 * card's idNat.
 *
 * Tokens live in memory only, inside the closure of a `PscSession`: no property, no
 * `toJSON`, no file, no vault. This module imports nothing that writes (see the test that
 * watches every fs write during a sign-in).
 *
 * Where the login page runs is Electron's business (ARCHITECTURE.md §3: PSC's page must reach
 * the card through Chromium, so it runs in an app window). This module gives the window what it
 * needs: `beginSignIn()` → the URL to load; `isRedirect(url)` → whether a navigation is the
 * redirect back (to intercept in `will-redirect`/`will-navigate` and never load);
 * `completeSignIn(url)` with that URL.
 *
 * Redirect URI. Default choice: a private-use URI scheme (RFC 8252 §7.1, reverse domain, e.g.
 * `fr.caducee.app:/psc/callback`). The app window intercepts it before any request leaves, so
 * no local port is opened and no other local process can receive the code; PKCE protects the
 * code anyway. A loopback URI (`http://127.0.0.1:<port>/…`, RFC 8252 §7.3) is also accepted,
 * for a PSC registration that would refuse custom schemes; the window intercepts it the same
 * way (nothing needs to listen on the port).
 */
import * as oidc from 'openid-client';
import { z } from 'zod';
import { PscError } from './errors.js';

export const PSC_DEFAULT_SCOPE = 'openid scope_all';
export const PSC_DEFAULT_ACR = 'eidas1';
/**
 * eIDAS levels as PSC names them, weakest first. The ANS connector accepts an `acr` at least
 * eidas1; anything not in this list (missing, `eidas0`, unknown) is refused.
 */
export const PSC_ACR_LEVELS = ['eidas1', 'eidas2', 'eidas3'] as const;

export interface PscClientOptions {
  /** Issuer identifier, e.g. `https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet`. */
  readonly issuer: string;
  /**
   * Discovery document when it is not `<issuer>/.well-known/openid-configuration`; PSC's is
   * `<issuer>/.well-known/wallet-openid-configuration`. Its `issuer` must equal `issuer`.
   */
  readonly discoveryUrl?: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** From settings; PSC: `openid scope_all`. */
  readonly scope?: string;
  /** Minimum level asked and required; PSC: `eidas1`. */
  readonly acrValues?: string;
  /**
   * RFC 8707 resource indicator of the mail server. When set, the token that
   * `session.accessToken()` returns is obtained for that audience (a JWT the mail server checks
   * locally); the token used for userinfo stays the one from the code exchange. Unset in
   * production while PSC's own access token is what the MSSanté operator accepts.
   */
  readonly resource?: string;
  /** Refresh the access token when it expires within this many seconds. Default 60. */
  readonly refreshMarginSeconds?: number;
  /** HTTP timeout towards the provider, seconds. Default 30. */
  readonly timeoutSeconds?: number;
  /** For tests of expiry; default Date.now. */
  readonly now?: () => number;
}

export interface PendingSignIn {
  /** What the app window loads. */
  readonly authorizationUrl: string;
  readonly state: string;
  readonly nonce: string;
  readonly redirectUri: string;
}

export interface PscIdentity {
  /** OIDC subject at PSC. */
  readonly sub: string;
  /** National id (idNat_PS) from `SubjectNameID`. */
  readonly idNat: string;
  readonly givenName: string | undefined;
  readonly familyName: string | undefined;
  /** Authentication level returned in the id_token (`eidas1`…). */
  readonly acr: string;
  /** `SubjectRefPro` as PSC sends it (professions, activities); not interpreted here. */
  readonly subjectRefPro: unknown;
}

export type PscSessionState = 'active' | 'ended';

export interface PscSession {
  readonly identity: PscIdentity;
  readonly state: PscSessionState;
  /** When the current access token ends (ms since the epoch); undefined once the session ended. */
  readonly expiresAt: number | undefined;
  /**
   * A valid access token for the mail server: refreshed when it expires within the margin while
   * the refresh token is valid. Throws `session-ended` once the session is over; when the
   * provider refuses the refresh, the session ends (event, then `session-ended`).
   */
  accessToken(): Promise<string>;
  /** Throws `identity-mismatch` (and ends the session) when PSC's idNat is not the card's. */
  checkIdentity(expectedIdNat: string): void;
  /** Called once when the session ends (refresh refused, identity mismatch, sign-out). */
  onEnded(listener: (reason: PscError) => void): () => void;
  /** Drops the tokens; best-effort revocation of the refresh token at the provider. */
  signOut(): Promise<void>;
}

export interface PscClient {
  beginSignIn(): Promise<PendingSignIn>;
  /** Whether a navigation of the login window is the redirect back to the app. */
  isRedirect(url: string): boolean;
  completeSignIn(callbackUrl: string, options?: { expectedIdNat?: string }): Promise<PscSession>;
  /** The current session, if signed in. */
  readonly session: PscSession | undefined;
  /** Forgets the pending sign-in and signs the current session out. */
  signOut(): Promise<void>;
}

const userInfoSchema = z
  .object({
    sub: z.string().min(1),
    SubjectNameID: z.string().trim().min(1),
    given_name: z.string().optional(),
    family_name: z.string().optional(),
    SubjectRefPro: z.unknown().optional(),
  })
  .loose();

/** http is allowed on 127.0.0.1 only (the local provider of the tests); production is https. */
export function checkProviderUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PscError('insecure-issuer', `${what} is not a URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && url.hostname === '127.0.0.1') return url;
  throw new PscError('insecure-issuer', `${what} must be https (http only on 127.0.0.1)`);
}

/** A private-use scheme with a dot (reverse domain), or http on the loopback address. */
export function checkRedirectUri(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PscError('invalid-redirect-uri', 'not a URL');
  }
  if (url.search || url.hash) throw new PscError('invalid-redirect-uri', 'query or fragment in redirect URI');
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'http' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]')) return url;
  if (/^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/.test(scheme) && !url.host) return url;
  throw new PscError('invalid-redirect-uri', 'expected a private-use scheme (reverse domain) or http://127.0.0.1');
}

function sameTarget(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
}

function acrRank(acr: unknown): number {
  return typeof acr === 'string' ? (PSC_ACR_LEVELS as readonly string[]).indexOf(acr) : -1;
}

function oauthCause(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError) return `${err.error}${err.status ? ` (HTTP ${err.status})` : ''}`;
  if (err instanceof oidc.AuthorizationResponseError) return err.error;
  if (err instanceof oidc.ClientError) return err.code ?? err.message;
  if (err instanceof Error) return err.name;
  return 'unknown';
}

export function createPscClient(options: PscClientOptions): PscClient {
  const issuerUrl = checkProviderUrl(options.issuer, 'issuer');
  const discoveryUrl = options.discoveryUrl ? checkProviderUrl(options.discoveryUrl, 'discoveryUrl') : issuerUrl;
  const redirectUrl = checkRedirectUri(options.redirectUri);
  const insecure = issuerUrl.protocol === 'http:' || discoveryUrl.protocol === 'http:';
  const scope = options.scope ?? PSC_DEFAULT_SCOPE;
  const acrValues = options.acrValues ?? PSC_DEFAULT_ACR;
  const minRank = Math.min(...acrValues.split(' ').map(acrRank).filter((r) => r >= 0));
  if (!Number.isFinite(minRank)) throw new PscError('acr-too-low', 'acrValues names no known eIDAS level');
  const marginMs = (options.refreshMarginSeconds ?? 60) * 1000;
  const now = options.now ?? Date.now;

  let configPromise: Promise<oidc.Configuration> | undefined;
  let pending: { state: string; nonce: string; codeVerifier: string } | undefined;
  let current: PscSession | undefined;

  function configuration(): Promise<oidc.Configuration> {
    configPromise ??= (async () => {
      const config = await oidc.discovery(discoveryUrl, options.clientId, undefined, oidc.None(), {
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
        timeout: options.timeoutSeconds ?? 30,
      });
      const meta = config.serverMetadata();
      if (meta.issuer !== options.issuer) throw new Error('issuer in discovery document differs');
      for (const endpoint of [meta.authorization_endpoint, meta.token_endpoint, meta.userinfo_endpoint]) {
        if (!endpoint) throw new Error('discovery document lacks an endpoint');
        checkProviderUrl(endpoint, 'endpoint');
      }
      return config;
    })().catch((err: unknown) => {
      configPromise = undefined; // retry on the next sign-in
      if (err instanceof PscError) throw err;
      throw new PscError('discovery-failed', err instanceof Error ? err.message : 'unknown');
    });
    return configPromise;
  }

  async function beginSignIn(): Promise<PendingSignIn> {
    const config = await configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const params: Record<string, string> = {
      redirect_uri: options.redirectUri,
      scope,
      acr_values: acrValues,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    };
    if (options.resource) params.resource = options.resource;
    pending = { state, nonce, codeVerifier };
    return {
      authorizationUrl: oidc.buildAuthorizationUrl(config, params).href,
      state,
      nonce,
      redirectUri: options.redirectUri,
    };
  }

  function isRedirect(url: string): boolean {
    try {
      return sameTarget(new URL(url), redirectUrl);
    } catch {
      return false;
    }
  }

  async function completeSignIn(callbackUrl: string, signInOptions: { expectedIdNat?: string } = {}): Promise<PscSession> {
    const checks = pending;
    pending = undefined; // single use, whatever the outcome
    if (!checks) throw new PscError('no-pending-sign-in', 'completeSignIn without beginSignIn');
    let url: URL;
    try {
      url = new URL(callbackUrl);
    } catch {
      throw new PscError('state-mismatch', 'callback is not a URL');
    }
    if (!sameTarget(url, redirectUrl)) throw new PscError('state-mismatch', 'callback is not the redirect URI');
    if (url.searchParams.get('state') !== checks.state) throw new PscError('state-mismatch', 'state differs');
    const error = url.searchParams.get('error');
    if (error) throw new PscError('sign-in-refused', error);

    const config = await configuration();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new PscError('token-exchange-failed', oauthCause(err));
    }
    const claims = tokens.claims();
    if (!claims) throw new PscError('token-exchange-failed', 'no id_token');
    const acr = claims.acr;
    if (acrRank(acr) < minRank) throw new PscError('acr-too-low', `acr ${typeof acr === 'string' ? acr : 'missing'}`);

    let info: z.infer<typeof userInfoSchema>;
    try {
      info = userInfoSchema.parse(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub));
    } catch (err) {
      throw new PscError('userinfo-failed', err instanceof z.ZodError ? 'userinfo claims missing' : oauthCause(err));
    }
    const identity: PscIdentity = Object.freeze({
      sub: claims.sub,
      idNat: info.SubjectNameID,
      givenName: info.given_name,
      familyName: info.family_name,
      acr: acr as string,
      subjectRefPro: info.SubjectRefPro,
    });

    const session = createSession(config, identity, tokens);
    if (current && current !== session) void current.signOut();
    current = session;
    if (signInOptions.expectedIdNat !== undefined) session.checkIdentity(signInOptions.expectedIdNat);
    return session;
  }

  function createSession(config: oidc.Configuration, identity: PscIdentity, first: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): PscSession {
    let accessToken: string | undefined = first.access_token;
    let refreshToken: string | undefined = first.refresh_token;
    let expiresAt = now() + (first.expiresIn() ?? 60) * 1000;
    let state: PscSessionState = 'active';
    let refreshing: Promise<string> | undefined;
    const listeners = new Set<(reason: PscError) => void>();
    // With a mail resource, the first call swaps the userinfo token for one bound to it.
    let needsResourceToken = options.resource !== undefined;

    function end(reason: PscError): void {
      if (state === 'ended') return;
      state = 'ended';
      accessToken = undefined;
      refreshToken = undefined;
      refreshing = undefined;
      if (current === session) current = undefined;
      for (const listener of [...listeners]) {
        try {
          listener(reason);
        } catch {
          // A listener's failure must not keep the session alive or hide the others.
        }
      }
      listeners.clear();
    }

    async function refresh(): Promise<string> {
      const token = refreshToken;
      if (!token) {
        const reason = new PscError('session-ended', 'no refresh token');
        end(reason);
        throw reason;
      }
      let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
      try {
        tokens = await oidc.refreshTokenGrant(config, token, options.resource ? { resource: options.resource } : undefined);
      } catch (err) {
        if (state === 'ended') throw new PscError('session-ended', 'signed out during refresh');
        if (err instanceof oidc.ResponseBodyError) {
          const reason = new PscError('session-ended', `refresh refused: ${oauthCause(err)}`);
          end(reason);
          throw reason;
        }
        // Network trouble: the session survives; the current token serves while it is valid.
        if (accessToken && !needsResourceToken && expiresAt > now()) return accessToken;
        throw new PscError('psc-unreachable', oauthCause(err));
      }
      if (state === 'ended') throw new PscError('session-ended', 'signed out during refresh');
      const sub = tokens.claims()?.sub;
      if (sub !== undefined && sub !== identity.sub) {
        const reason = new PscError('session-ended', 'refreshed id_token names another subject');
        end(reason);
        throw reason;
      }
      accessToken = tokens.access_token;
      if (tokens.refresh_token) refreshToken = tokens.refresh_token;
      expiresAt = now() + (tokens.expiresIn() ?? 60) * 1000;
      needsResourceToken = false;
      return tokens.access_token;
    }

    const session: PscSession = {
      identity,
      get state() {
        return state;
      },
      get expiresAt() {
        return state === 'ended' ? undefined : expiresAt;
      },
      async accessToken() {
        if (state === 'ended' || !accessToken) throw new PscError('session-ended', 'session is over');
        if (!needsResourceToken && expiresAt - marginMs > now()) return accessToken;
        // One refresh at a time: refresh tokens rotate, a second use would be taken for a replay.
        refreshing ??= refresh().finally(() => {
          refreshing = undefined;
        });
        return refreshing;
      },
      checkIdentity(expectedIdNat: string) {
        if (state === 'ended') throw new PscError('session-ended', 'session is over');
        if (identity.idNat !== expectedIdNat.trim()) {
          const reason = new PscError('identity-mismatch', 'SubjectNameID differs from the card idNat');
          end(reason);
          throw reason;
        }
      },
      onEnded(listener) {
        if (state === 'ended') return () => undefined;
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async signOut() {
        const token = refreshToken;
        end(new PscError('session-ended', 'signed out'));
        if (token && config.serverMetadata().revocation_endpoint) {
          await oidc.tokenRevocation(config, token, { token_type_hint: 'refresh_token' }).catch(() => undefined);
        }
      },
    };
    return session;
  }

  return {
    beginSignIn,
    isRedirect,
    completeSignIn,
    get session() {
      return current;
    },
    async signOut() {
      pending = undefined;
      const session = current;
      current = undefined;
      await session?.signOut();
    },
  };
}
