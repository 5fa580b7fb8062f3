import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWebHost, type WebHost } from './webHost.js';

let web: WebHost;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-webhost-'));
  const rendererDir = path.join(tmp, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside the renderer');
  web = await startWebHost({
    rendererDir,
    port: 0,
    hostConfig: { mode: 'demo', dataDir: path.join(tmp, 'data'), appVersion: '9.9.9', platform: 'linux' },
  });
});

afterAll(async () => {
  await web.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const port = () => Number(new URL(web.origin).port);

function get(urlPath: string, headers: Record<string, string> = {}, localAddress?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: port(), path: urlPath, headers, ...(localAddress ? { localAddress } : {}) },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens the bridge and resolves with the open socket, or rejects with the HTTP status. */
function connect(opts: { token?: string | null; origin?: string | null; localAddress?: string; pathName?: string }) {
  const token = opts.token === undefined ? web.token : opts.token;
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  const headers: Record<string, string> = {};
  const origin = opts.origin === undefined ? web.origin : opts.origin;
  if (origin !== null) headers['Origin'] = origin;
  const ws = new WebSocket(`ws://127.0.0.1:${port()}${opts.pathName ?? '/bridge'}${query}`, {
    headers,
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
  });
  return new Promise<WebSocket>((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, id: number, method: string, input: unknown) {
  return new Promise<unknown>((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as { kind: string; id?: number };
      if (frame.kind === 'result' && frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, input }));
  });
}

describe('web host bridge', () => {
  it('answers calls with the token, from loopback, with its own Origin', async () => {
    const ws = await connect({});
    const frame = await call(ws, 1, 'app.getInfo', {});
    expect(frame).toMatchObject({ kind: 'result', id: 1, result: { ok: true, value: { mode: 'demo', hostKind: 'web', version: '9.9.9' } } });
    ws.close();
  });

  it('forwards events to connected renderers', async () => {
    const ws = await connect({});
    const event = new Promise<unknown>((resolve) =>
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { kind: string };
        if (frame.kind === 'event') resolve(frame);
      }),
    );
    await call(ws, 2, 'settings.update', { locale: 'en' });
    expect(await event).toEqual({ kind: 'event', event: 'settings.changed', payload: { locale: 'en', idleLockMinutes: 15, lockedKeys: [] } });
    ws.close();
  });

  it('refuses a connection without the token', async () => {
    await expect(connect({ token: null })).rejects.toThrow('HTTP 403');
  });

  it('refuses a wrong token, including one of the right length', async () => {
    await expect(connect({ token: 'wrong' })).rejects.toThrow('HTTP 403');
    await expect(connect({ token: web.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) })).rejects.toThrow('HTTP 403');
  });

  it('refuses a wrong or missing Origin', async () => {
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: `http://localhost:${port()}` })).rejects.toThrow('HTTP 403');
    await expect(connect({ origin: null })).rejects.toThrow('HTTP 403');
  });

  it('refuses a connection from another address', async () => {
    // Linux routes all of 127.0.0.0/8 to lo: a client bound to 127.0.0.2 reaches the server
    // from an address that is not the host's own.
    await expect(connect({ localAddress: '127.0.0.2' })).rejects.toThrow('HTTP 403');
    expect((await get('/', { Host: `127.0.0.1:${port()}` }, '127.0.0.2')).status).toBe(403);
  });

  it('refuses another path and closes on a malformed frame', async () => {
    await expect(connect({ pathName: '/other' })).rejects.toThrow('HTTP 403');
    const ws = await connect({});
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('not json');
    expect(await closed).toBe(1008);
  });

  it('answers a malformed call with INVALID_INPUT', async () => {
    const ws = await connect({});
    expect(await call(ws, 3, 'settings.update', { locale: 'de' })).toMatchObject({
      result: { ok: false, error: { code: 'INVALID_INPUT' } },
    });
    ws.close();
  });
});

describe('web host static files', () => {
  it('serves the renderer with a strict CSP', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain(`connect-src ws://127.0.0.1:${port()}`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get('/', { Host: `evil.example:${port()}` })).status).toBe(403);
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/..%5csecret.txt', '/a/%00.js']) {
      const res = await get(p);
      expect(res.body).not.toContain('outside the renderer');
      expect([403, 404]).toContain(res.status);
    }
  });
});
