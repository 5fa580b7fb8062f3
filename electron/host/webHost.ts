import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { wireClientFrameSchema, type WireServerFrame } from '../../shared/api/index.js';
import type { HostConfig } from './config.js';
import { rendererSecurityHeaders } from './contentSecurityPolicy.js';
import { createHost, type Host, type HostDeps } from './createHost.js';
import { PSC_CALLBACK_PATH, servePscCallback } from './pscCallbackPage.js';
import { contentTypeOf, readStaticFile, resolveStaticFile } from './staticFiles.js';

/**
 * The web host (development and tests only; never in a packaged build): serves the built
 * renderer on 127.0.0.1 and carries the same contract as Electron's IPC over a WebSocket.
 * A connection must come from the loopback address, name this server in Host and Origin, and
 * present this run's random token; anything else is refused before the upgrade.
 */
export interface WebHostOptions {
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly hostConfig: Omit<HostConfig, 'trustedOrigins' | 'hostKind'>;
  readonly deps?: HostDeps;
}

export interface WebHost {
  readonly host: Host;
  readonly origin: string;
  readonly token: string;
  /** The address to open: the token travels in the fragment, which browsers never send. */
  readonly url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::ffff:127.0.0.1']);
// The largest call is a CSV import (5 MB of text, a little more once JSON-escaped).
const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export function tokensEqual(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = crypto.randomBytes(32).toString('base64url');
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostName = `127.0.0.1:${port}`;
  const origin = `http://${hostName}`;
  const securityHeaders = rendererSecurityHeaders([`ws://${hostName}`]);

  // Pro Santé Connect sends the browser back here (a loopback redirect URI, RFC 8252 §7.3).
  const psc = options.hostConfig.psc ? { psc: { ...options.hostConfig.psc, redirectUri: `${origin}${PSC_CALLBACK_PATH}` } } : {};
  const host = createHost({ ...options.hostConfig, ...psc, hostKind: 'web', trustedOrigins: [origin] }, options.deps);
  const { log } = host;

  server.on('request', (req, res) => {
    const fromLoopback = LOOPBACK.has(req.socket.remoteAddress ?? '');
    // The Host check defeats DNS rebinding: a page on another name that resolves here is refused.
    if (!fromLoopback || req.headers.host !== hostName) {
      res.writeHead(403).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const requestUrl = new URL(req.url ?? '/', origin);
    if (req.method === 'GET' && requestUrl.pathname === PSC_CALLBACK_PATH) {
      void servePscCallback(host.psc, requestUrl, res).catch(() => res.destroy());
      return;
    }
    const file = resolveStaticFile(options.rendererDir, requestUrl.pathname);
    const body = file ? readStaticFile(file) : null;
    if (!file || !body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': contentTypeOf(file), ...securityHeaders });
    res.end(req.method === 'HEAD' ? undefined : body);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const reason = !LOOPBACK.has(req.socket.remoteAddress ?? '')
      ? 'remote-address'
      : req.headers.host !== hostName
        ? 'host'
        : req.headers.origin !== origin
          ? 'origin'
          : url.pathname !== '/bridge'
            ? 'path'
            : !tokensEqual(token, url.searchParams.get('token'))
              ? 'token'
              : null;
    if (reason) {
      log.warn('webhost.refused', { reason });
      refuse(socket, 403, 'Forbidden');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveBridge(ws, host, origin));
  });

  log.info('webhost.listening', { port });
  return {
    host,
    origin,
    token,
    url: `${origin}/#token=${token}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await host.close();
    },
  };
}

function serveBridge(ws: WebSocket, host: Host, origin: string): void {
  const send = (frame: WireServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const unsubscribe = host.events.subscribe((event, payload) => send({ kind: 'event', event, payload }));
  ws.on('close', unsubscribe);
  ws.on('message', (data, isBinary) => {
    let frame: unknown;
    try {
      frame = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      frame = undefined;
    }
    const parsed = wireClientFrameSchema.safeParse(frame);
    if (!parsed.success) {
      // Without a valid id there is no call to answer: the peer is not our renderer.
      host.log.warn('webhost.bad-frame');
      ws.close(1008, 'bad frame');
      return;
    }
    const { id, method, input } = parsed.data;
    void host.router
      .call(method, input, { origin, isMainFrame: true })
      .then((result) => send({ kind: 'result', id, result }));
  });
}
