import { rendererSecurityHeaders } from '../host/contentSecurityPolicy.js';
import { contentTypeOf, readStaticFile, resolveStaticFile } from '../host/staticFiles.js';
import { APP_HOST, APP_SCHEME } from './appOrigin.js';

/**
 * What the `app:` protocol answers for a request: the built renderer's files and nothing else.
 * Pure (no 'electron' import) so that protocol.ts stays a thin adapter and this is unit-tested.
 */
export interface RendererResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | null;
}

/** No connect-src: in Electron the bridge is IPC, the page opens no connection at all. */
const securityHeaders = rendererSecurityHeaders();

function status(code: number): RendererResponse {
  return { status: code, headers: { ...securityHeaders }, body: null };
}

export function rendererResponse(rendererDir: string, method: string, url: string): RendererResponse {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return status(400);
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return status(404);
  if (method !== 'GET' && method !== 'HEAD') return { ...status(405), headers: { ...securityHeaders, Allow: 'GET, HEAD' } };
  // resolveStaticFile refuses `..`, encoded separators and NUL rather than cleaning them up.
  const file = resolveStaticFile(rendererDir, parsed.pathname);
  const body = file ? readStaticFile(file) : null;
  if (!file || !body) return status(404);
  return {
    status: 200,
    headers: { ...securityHeaders, 'Content-Type': contentTypeOf(file) },
    body: method === 'HEAD' ? null : body,
  };
}
