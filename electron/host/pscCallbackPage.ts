import type http from 'node:http';
import { PscError } from '../psc/index.js';
import type { PscSessionHost } from './pscSession.js';

/**
 * The web host's `/psc/callback`: where Pro Santé Connect sends the browser back after the
 * login (the Electron shell intercepts its own redirect and never loads it). Called without the
 * bridge token, since the provider's redirect cannot carry it: the PSC session only accepts it
 * while a sign-in is waiting and the `state` is the one it sent (then PKCE and nonce are checked
 * by the client). Answers a small French page with no script and no subresource, so the code in
 * the address goes nowhere else.
 */
export const PSC_CALLBACK_PATH = '/psc/callback';

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function pscCallbackPage(title: string, lines: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html lang="fr">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)} — Caducée</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}h1{font-size:1.5rem}</style>',
    '</head>',
    '<body><main>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...lines.map((line) => `<p>${escapeHtml(line)}</p>`),
    '</main></body></html>',
  ].join('\n');
}

export async function servePscCallback(psc: PscSessionHost, url: URL, res: http.ServerResponse): Promise<void> {
  let status = 200;
  let page: string;
  try {
    await psc.completeCallback(url.href);
    page = pscCallbackPage('Connexion réussie', [
      'Vous êtes connecté à Pro Santé Connect. Vous pouvez fermer cette fenêtre et revenir dans Caducée.',
    ]);
  } catch (error) {
    status = 400;
    const message = error instanceof PscError ? error.userMessage : 'La connexion à Pro Santé Connect a échoué.';
    page = pscCallbackPage('Connexion non aboutie', [message, 'Vous pouvez fermer cette fenêtre et recommencer depuis Caducée.']);
  }
  res.writeHead(status, PAGE_HEADERS);
  res.end(page);
}
