import { protocol } from 'electron';
import { APP_SCHEME } from './appOrigin.js';
import { rendererResponse } from './rendererResponse.js';

/**
 * The `app:` scheme that serves the renderer. Must be registered before the app is ready.
 *  - standard: real origin (`app://caducee`), relative URLs and same-origin rules work;
 *  - secure: a secure context, like https, without a server or a certificate;
 *  - supportFetchAPI: the page's own module scripts and assets load through fetch;
 *  - corsEnabled: Vite's `<script type="module" crossorigin>` is fetched in CORS mode; the
 *    responses never carry Access-Control-Allow-Origin, so no other origin can read them;
 *  - codeCache: V8 code cache for our scripts (start-up time);
 *  - no bypassCSP, no service workers, no streaming, no extensions.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        supportFetchAPI: true,
        corsEnabled: true,
        codeCache: true,
        bypassCSP: false,
        allowServiceWorkers: false,
        stream: false,
      },
    },
  ]);
}

/** Serves `rendererDir` on `app://caducee/…` with the CSP and nosniff headers. After ready. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => {
    const { status, headers, body } = rendererResponse(rendererDir, request.method, request.url);
    // A copy into a plain Uint8Array: a Node Buffer is not a DOM BodyInit for the type checker.
    return new Response(body ? new Uint8Array(body) : null, { status, headers });
  });
}
