/**
 * A local OpenID provider standing in for Pro Santé Connect (STANDARDS.md §2) in tests: the real
 * `oidc-provider` package on 127.0.0.1, over plain HTTP (the PSC client accepts http only on
 * 127.0.0.1).
 *
 * What it reproduces of PSC:
 * - a discovery document at `/.well-known/openid-configuration` (PSC publishes its own at
 *   `…/.well-known/wallet-openid-configuration`; the client takes a `discoveryUrl` for that);
 * - authorization code flow, PKCE (S256) required, a public native client (no secret);
 * - `acr_values=eidas1`: the acr of the login is chosen by the test (default `eidas1`), so a
 *   test can return a weaker one and check the client refuses it;
 * - refresh tokens (rotated, as oidc-provider does for public clients) with a TTL the test sets;
 * - PSC-like userinfo claims under `scope_all`: `SubjectNameID` (national id), `given_name`,
 *   `family_name`, `SubjectRefPro`, `SubjectRole`, `Secteur_Activite`, `Palier_Authentification`;
 * - JWT access tokens for the mail server: an access token requested with
 *   `resource=<mailAudience>` (RFC 8707) is a JWT signed with the provider's key (RS256, public
 *   key at `jwks_uri`), `aud` = mailAudience, carrying `sub` and `SubjectNameID`, so Dovecot's
 *   oauth2 passdb can validate it locally. A token asked without `resource` is opaque and is the
 *   one the userinfo endpoint accepts (oidc-provider refuses audience-bound tokens there).
 *
 * The login step needs no browser: `/interaction/:uid?login=<account>&acr=<acr>` logs the test
 * account in and grants the requested scopes in one request. `loginWithTestAccount()` drives
 * the whole redirect chain over HTTP, with a cookie jar, up to the client's redirect URI.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import Provider, { errors, type ProviderInstance } from 'oidc-provider';

export interface TestPscAccount {
  /** The OIDC subject; PSC's own `sub` is opaque, here it defaults to the national id. */
  readonly sub?: string;
  /** idNat_PS, e.g. `810100000017` (8 + RPPS). Goes out as `SubjectNameID`. */
  readonly idNat: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly subjectRefPro?: unknown;
}

export interface LocalPscOptions {
  /** 0 for a free port. */
  readonly port?: number;
  /** Accounts by login name. */
  readonly accounts: Readonly<Record<string, TestPscAccount>>;
  readonly clientId?: string;
  readonly redirectUris?: readonly string[];
  readonly accessTokenTtlSeconds?: number;
  readonly refreshTokenTtlSeconds?: number;
  /** Resource indicator for which access tokens are JWTs (the mail server's audience). */
  readonly mailAudience?: string;
}

export interface LocalPsc {
  readonly issuer: string;
  readonly clientId: string;
  readonly mailAudience: string;
  readonly jwksUri: string;
  /**
   * Test hook: a JWT access token for the mail audience signed with the provider's own key (header typ JWT, as PSC's),
   * shaped like the ones it issues (`sub`, `SubjectNameID`, `client_id`, `scope`, 5 min), with
   * the claims the test overrides — an expired one, another audience or issuer — without
   * waiting or reconfiguring the provider.
   */
  mintAccessToken(account: TestPscAccount, overrides?: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

export const TEST_CLIENT_ID = 'caducee-desktop-test';
export const TEST_REDIRECT_URI = 'fr.caducee.app:/psc/callback';
export const TEST_MAIL_AUDIENCE = 'urn:caducee:test:mssante';
/** acr values the provider advertises; `eidas0` exists only to test that the client refuses it. */
export const TEST_ACR_VALUES = ['eidas0', 'eidas1', 'eidas2', 'eidas3'] as const;

const PSC_CLAIMS = [
  'SubjectNameID',
  'given_name',
  'family_name',
  'SubjectRefPro',
  'SubjectRole',
  'Secteur_Activite',
  'Palier_Authentification',
  'otherIds',
];

function defaultRefPro(): unknown {
  return {
    codeCivilite: 'DR',
    exercices: [
      {
        codeProfession: '10',
        codeCategorieProfessionnelle: 'C',
        codeSavoirFaire: 'SM54',
        activities: [{ codeModeExercice: 'L', codeSecteurDactivite: 'SA07', numeroFinessSite: '' }],
      },
    ],
  };
}

export async function startLocalPsc(options: LocalPscOptions): Promise<LocalPsc> {
  const clientId = options.clientId ?? TEST_CLIENT_ID;
  const mailAudience = options.mailAudience ?? TEST_MAIL_AUDIENCE;
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 300;
  const refreshTokenTtl = options.refreshTokenTtlSeconds ?? 3600;

  // Listen first: the issuer must carry the port.
  const ready: { provider?: ProviderInstance } = {};
  const server = http.createServer((req, res) => {
    const provider = ready.provider;
    if (!provider) {
      res.statusCode = 503;
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A real browser (the e2e tests) arrives without `login`: a small form picks the test account.
    if (req.method === 'GET' && /^\/interaction\/[^/]+$/.test(url.pathname) && !url.searchParams.has('login')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(testLoginPage(options.accounts));
      return;
    }
    if (req.method === 'GET' && /^\/interaction\/[^/]+$/.test(url.pathname)) {
      void completeInteraction(provider, req, res, url).catch((err: unknown) => {
        res.statusCode = 400;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(err instanceof Error ? err.message : String(err));
      });
      return;
    }
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'local-psc-1' };
  const cookieKey = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');

  const accounts = options.accounts;
  ready.provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [...(options.redirectUris ?? [TEST_REDIRECT_URI])],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [cookieKey] },
    pkce: { required: () => true },
    acrValues: [...TEST_ACR_VALUES],
    scopes: ['openid', 'offline_access', 'scope_all'],
    claims: { openid: ['sub'], scope_all: PSC_CLAIMS },
    ttl: {
      AccessToken: accessTokenTtl,
      RefreshToken: refreshTokenTtl,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
    // PSC (Keycloak) issues a refresh token with `openid scope_all`; no offline_access needed.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => false,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== mailAudience) throw new errors.InvalidTarget();
          return {
            scope: 'scope_all',
            audience: mailAudience,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // PSC (Keycloak) signs its access tokens with `typ: JWT`, and Dovecot 2.3 refuses any other
    // typ ("Cannot find 'typ' field"), RFC 9068's `at+jwt` included.
    formats: { customizers: { jwt: (_ctx: unknown, _token: unknown, jwt: { header?: Record<string, unknown> }) => void (jwt.header = { typ: 'JWT' }) } },
    extraTokenClaims: (_ctx: unknown, token: { accountId?: string; aud?: unknown }) => {
      const account = token.accountId ? findBySub(accounts, token.accountId) : undefined;
      return account && token.aud ? { SubjectNameID: account.idNat } : undefined;
    },
    findAccount: (_ctx: unknown, sub: string) => {
      const account = findBySub(accounts, sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          SubjectNameID: account.idNat,
          given_name: account.givenName,
          family_name: account.familyName,
          SubjectRefPro: account.subjectRefPro ?? defaultRefPro(),
          SubjectRole: ['10^1.2.250.1.213.1.1.5.5'],
          Secteur_Activite: 'SA07^1.2.250.1.71.4.2.4',
          Palier_Authentification: 'APPPRIP^1.2.250.1.213.1.5.1.1.1',
          otherIds: [],
        }),
      };
    },
  });

  return {
    issuer,
    clientId,
    mailAudience,
    jwksUri: `${issuer}/jwks`,
    mintAccessToken: async (account, overrides = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        iss: issuer,
        sub: account.sub ?? account.idNat,
        aud: mailAudience,
        iat: now,
        exp: now + accessTokenTtl,
        jti: crypto.randomUUID(),
        client_id: clientId,
        scope: 'scope_all',
        SubjectNameID: account.idNat,
        ...overrides,
      })
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
        .sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };

  async function completeInteraction(
    p: ProviderInstance,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    const details = await p.interactionDetails(req, res);
    const login = url.searchParams.get('login');
    const account = login ? accounts[login] : undefined;
    if (!login || !account) throw new Error(`unknown test account: ${login ?? '(none)'}`);
    const acr = url.searchParams.get('acr') ?? 'eidas1';
    const sub = account.sub ?? account.idNat;
    const { params } = details;
    const grant = new p.Grant({ accountId: sub, clientId: String(params.client_id) });
    grant.addOIDCScope(String(params.scope ?? 'openid'));
    if (typeof params.resource === 'string') grant.addResourceScope(params.resource, 'scope_all');
    const grantId = await grant.save();
    await p.interactionFinished(req, res, { login: { accountId: sub, acr }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }
}

/** The browser-friendly login step: a French, accessible form that submits `login` and `acr` to the same interaction URL. */
function testLoginPage(accounts: Readonly<Record<string, TestPscAccount>>): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const options = Object.entries(accounts)
    .map(([login, a]) => `<option value="${escape(login)}">${escape(`${a.givenName} ${a.familyName}`)}</option>`)
    .join('');
  const levels = TEST_ACR_VALUES.map((acr) => `<option value="${acr}"${acr === 'eidas1' ? ' selected' : ''}>${acr}</option>`).join('');
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Pro Santé Connect (fournisseur de test)</title></head>
<body><main>
<h1>Pro Santé Connect — fournisseur de test</h1>
<form method="get">
<p><label for="login">Compte de test</label> <select id="login" name="login">${options}</select></p>
<p><label for="acr">Niveau d’authentification</label> <select id="acr" name="acr">${levels}</select></p>
<p><button type="submit" id="psc-test-login">Se connecter</button></p>
</form>
</main></body></html>`;
}

function findBySub(accounts: Readonly<Record<string, TestPscAccount>>, sub: string): TestPscAccount | undefined {
  return Object.values(accounts).find((a) => (a.sub ?? a.idNat) === sub);
}

/**
 * Plays the browser: follows the redirects from the authorization URL through the provider's
 * login (as `login`, with the given acr) and returns the URL the provider redirects to on the
 * client's side (the redirect URI with `code` and `state`, or with `error`), without loading it.
 */
export async function loginWithTestAccount(
  authorizationUrl: string,
  login: string,
  options: { acr?: string } = {},
): Promise<string> {
  const cookies = new Map<string, string>();
  let url = new URL(authorizationUrl);
  const origin = url.origin;
  for (let hop = 0; hop < 12; hop++) {
    if (url.origin !== origin) return url.href; // the client's redirect URI (custom scheme or loopback)
    if (/^\/interaction\/[^/]+$/.test(url.pathname)) {
      url.searchParams.set('login', login);
      if (options.acr) url.searchParams.set('acr', options.acr);
    }
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair && eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`local PSC login stopped at ${url.pathname}: HTTP ${response.status} ${await response.text()}`);
    }
    await response.body?.cancel();
    url = new URL(location, url);
  }
  throw new Error('local PSC login: too many redirects');
}
