import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDownloadUrl, downloadExtraction, type DownloadOptions } from './download.js';
import { DirectoryImportAborted } from './importer.js';
import { DirectorySourceError, type DirectorySourceCode } from './sourceErrors.js';

/** The download client against a real HTTP server on 127.0.0.1, one route per behaviour. */
const BODY = Buffer.alloc(3 * 1024 * 1024, 'PER|a@b.fr\n');
let server: http.Server;
let base: string;
let dir: string;
const open = new Set<import('node:net').Socket>();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-download-'));
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/ok.zip') {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': BODY.length });
      // In pieces, so that progress is reported more than once.
      let at = 0;
      const next = () => {
        if (at >= BODY.length) return void res.end();
        const piece = BODY.subarray(at, at + 256 * 1024);
        at += piece.length;
        if (res.write(piece)) setImmediate(next);
        else res.once('drain', next);
      };
      next();
    } else if (url === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(BODY.subarray(0, 1000));
    } else if (url === '/missing') {
      res.writeHead(404).end('not found');
    } else if (url === '/truncated') {
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 100_000), () => res.socket?.destroy());
    } else if (url === '/stall') {
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 1000)); // then nothing
    } else if (url === '/slow') {
      res.writeHead(200, { 'content-length': BODY.length });
      const timer = setInterval(() => res.write(BODY.subarray(0, 1000)), 20);
      res.on('close', () => clearInterval(timer));
    } else if (url === '/redirect') {
      res.writeHead(302, { location: '/ok.zip' }).end();
    } else if (url === '/redirect-out') {
      res.writeHead(302, { location: 'http://example.org/extraction.zip' }).end();
    } else {
      res.writeHead(500).end();
    }
  });
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of open) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

let serial = 0;
const dest = () => path.join(dir, `d${(serial += 1)}.download`);

async function refusal(options: Omit<DownloadOptions, 'dest'>): Promise<{ code: DirectorySourceCode; error: DirectorySourceError; file: string }> {
  const file = dest();
  try {
    await downloadExtraction({ ...options, dest: file });
  } catch (error) {
    expect(error).toBeInstanceOf(DirectorySourceError);
    // Nothing half-written stays behind.
    expect(fs.existsSync(file)).toBe(false);
    return { code: (error as DirectorySourceError).code, error: error as DirectorySourceError, file };
  }
  throw new Error('downloaded');
}

describe('extraction download', () => {
  it('accepts https anywhere and http to 127.0.0.1 only', () => {
    expect(checkDownloadUrl('https://annuaire.sante.fr/extraction.zip').host).toBe('annuaire.sante.fr');
    expect(checkDownloadUrl('http://127.0.0.1:8080/x.zip').port).toBe('8080');
    for (const bad of ['http://annuaire.sante.fr/x.zip', 'http://localhost/x.zip', 'ftp://127.0.0.1/x', 'file:///etc/passwd', 'pas une adresse', 'https://user:pw@annuaire.sante.fr/x']) {
      expect(() => checkDownloadUrl(bad), bad).toThrow(DirectorySourceError);
    }
  });

  it('streams the file to disk with progress in bytes of bytes', async () => {
    const file = dest();
    const progress: [number, number | null][] = [];
    const result = await downloadExtraction({ url: `${base}/ok.zip`, dest: file, onProgress: (done, total) => progress.push([done, total]) });
    expect(result).toEqual({ bytes: BODY.length, host: new URL(base).host });
    expect(fs.readFileSync(file).equals(BODY)).toBe(true);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.every(([, total]) => total === BODY.length)).toBe(true);
    for (let i = 1; i < progress.length; i += 1) expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0]);
    expect(progress.at(-1)).toEqual([BODY.length, BODY.length]);
  });

  it('reports an unknown total without Content-Length, and follows a redirect on the same rules', async () => {
    const totals: (number | null)[] = [];
    expect((await downloadExtraction({ url: `${base}/chunked`, dest: dest(), onProgress: (_d, total) => totals.push(total) })).bytes).toBe(1000);
    expect(totals.every((t) => t === null)).toBe(true);
    expect((await downloadExtraction({ url: `${base}/redirect`, dest: dest() })).bytes).toBe(BODY.length);
    expect((await refusal({ url: `${base}/redirect-out` })).code).toBe('address-refused');
  });

  it('says which HTTP status the server answered', async () => {
    const { code, error } = await refusal({ url: `${base}/missing` });
    expect(code).toBe('http-status');
    expect(error.httpStatus).toBe(404);
    expect(error.userMessage).toBe('Le serveur de l’Annuaire Santé a répondu par une erreur (HTTP 404). L’annuaire actuel est conservé.');
  });

  it('refuses a body cut before its Content-Length', async () => {
    expect((await refusal({ url: `${base}/truncated` })).code).toBe('truncated');
  });

  it('gives up on a stalled connection (idle timeout) and on a slow one (total timeout)', async () => {
    const started = Date.now();
    expect((await refusal({ url: `${base}/stall`, idleTimeoutMs: 300 })).code).toBe('timeout');
    expect((await refusal({ url: `${base}/slow`, idleTimeoutMs: 5_000, timeoutMs: 400 })).code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a body over the size cap, declared or not', async () => {
    expect((await refusal({ url: `${base}/ok.zip`, maxBytes: 1000 })).code).toBe('too-large');
    expect((await refusal({ url: `${base}/chunked`, maxBytes: 500 })).code).toBe('too-large');
  });

  it('cannot reach a closed port: a network failure', async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    expect((await refusal({ url: `http://127.0.0.1:${port}/x.zip` })).code).toBe('network');
  });

  it('stops when cancelled and removes the partial file', async () => {
    const controller = new AbortController();
    const file = dest();
    const pending = downloadExtraction({ url: `${base}/slow`, dest: file, signal: controller.signal, onProgress: (done) => done > 5000 && controller.abort() });
    await expect(pending).rejects.toBeInstanceOf(DirectoryImportAborted);
    expect(fs.existsSync(file)).toBe(false);
  });
});
