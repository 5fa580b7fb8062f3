import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Where the mail server gets the provider's signing keys: its JWKS URL, or the keys themselves. */
export interface OauthKeySource {
  /** Fetched once when the server starts (the local provider's `jwksUri`). */
  readonly jwksUri?: string;
  readonly keys?: readonly JsonWebKey[];
}

interface Jwk extends JsonWebKey {
  kid?: string;
  use?: string;
}

async function loadKeys(source: OauthKeySource): Promise<Jwk[]> {
  if (source.keys) return [...source.keys];
  if (!source.jwksUri) throw new Error('test mail server oauth: jwksUri or keys needed');
  const response = await fetch(source.jwksUri, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`test mail server oauth: JWKS HTTP ${response.status}`);
  const body = (await response.json()) as { keys?: Jwk[] };
  return body.keys ?? [];
}

function algorithmsOf(jwk: Jwk): string[] {
  if (jwk.alg) return [jwk.alg];
  if (jwk.kty === 'RSA') return ['RS256', 'PS256'];
  if (jwk.kty === 'EC') return [jwk.crv === 'P-384' ? 'ES384' : jwk.crv === 'P-521' ? 'ES512' : 'ES256'];
  return [];
}

/**
 * Writes the provider's public signing keys as PEM files in the layout Dovecot's oauth2 passdb
 * reads through `local_validation_key_dict = fs:posix:prefix=<dir>/`: it looks up
 * `shared/<azp>/<alg>/<kid>` (lib-oauth2 oauth2-jwt.c), and dict-fs drops `shared/`, so the
 * file is `<dir>/<azp>/<alg>/<kid>`. `azp` is "default" when the token has none (RFC 9068
 * access tokens from oidc-provider carry `client_id`, not `azp`); `/` and `%` in names are
 * %-escaped, as Dovecot escapes them.
 */
export async function writeValidationKeys(dir: string, source: OauthKeySource, azps: readonly string[] = ['default']): Promise<number> {
  const escape = (s: string) => s.replace(/%/g, '%25').replace(/\//g, '%2f');
  let written = 0;
  for (const jwk of await loadKeys(source)) {
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    const pem = crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    for (const azp of azps) {
      for (const alg of algorithmsOf(jwk)) {
        const file = path.join(dir, escape(azp), alg, escape(jwk.kid ?? 'default'));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, pem, { mode: 0o644 }); // read by Dovecot's unprivileged auth process
        written += 1;
      }
    }
  }
  if (written === 0) throw new Error('test mail server oauth: no signing key in the JWKS');
  return written;
}
