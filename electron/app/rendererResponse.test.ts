import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendererResponse } from './rendererResponse.js';

let dir: string;
let outside: string;

beforeAll(() => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-protocol-'));
  dir = path.join(base, 'renderer');
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Caducée</title>');
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  outside = path.join(base, 'secret.txt');
  fs.writeFileSync(outside, 'secret');
});

afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

describe('rendererResponse', () => {
  it('serves the renderer with the CSP (no connect-src) and nosniff', () => {
    const res = rendererResponse(dir, 'GET', 'app://caducee/index.html');
    expect(res.status).toBe(200);
    expect(res.body?.toString()).toContain('Caducée');
    expect(res.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(res.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(res.headers['Content-Security-Policy']).toContain("connect-src 'none'");
    expect(res.headers['Content-Security-Policy']).toContain("default-src 'none'");
  });
  it('serves assets and falls back to index.html for screens', () => {
    expect(rendererResponse(dir, 'GET', 'app://caducee/assets/app.js').headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(rendererResponse(dir, 'GET', 'app://caducee/').body?.toString()).toContain('Caducée');
    expect(rendererResponse(dir, 'GET', 'app://caducee/messages').status).toBe(200);
  });
  it.each(['app://caducee/../secret.txt', 'app://caducee/%2e%2e/secret.txt', 'app://caducee/..%2fsecret.txt', 'app://caducee/assets/..%5c..%5csecret.txt', 'app://caducee/%00.js'])(
    'refuses to leave the renderer folder: %s',
    (url) => {
      const res = rendererResponse(dir, 'GET', url);
      expect(res.body?.toString() ?? '').not.toContain('secret');
    },
  );
  it('answers 404 for another host and for missing files', () => {
    expect(rendererResponse(dir, 'GET', 'app://other/index.html').status).toBe(404);
    expect(rendererResponse(dir, 'GET', 'app://caducee/assets/missing.js').status).toBe(404);
  });
  it('accepts only GET and HEAD (HEAD without a body)', () => {
    expect(rendererResponse(dir, 'POST', 'app://caducee/index.html').status).toBe(405);
    const head = rendererResponse(dir, 'HEAD', 'app://caducee/index.html');
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
  });
});
