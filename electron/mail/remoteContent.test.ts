import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedImageUrl, inlineRemoteImages } from './remoteContent.js';

// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let server: http.Server;
let base: string;
const seen: { url: string; cookie: string | undefined; authorization: string | undefined; referer: string | undefined }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', cookie: req.headers.cookie, authorization: req.headers.authorization, referer: req.headers.referer });
    switch (new URL(req.url ?? '/', 'http://x').pathname) {
      case '/logo.png':
        res.writeHead(200, { 'content-type': 'image/png', 'set-cookie': 'tracker=1' });
        res.end(PNG);
        return;
      case '/page.html':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<script>alert(1)</script>');
        return;
      case '/image.svg':
        res.writeHead(200, { 'content-type': 'image/svg+xml' });
        res.end('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
        return;
      case '/huge.png':
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(Buffer.alloc(64 * 1024));
        return;
      case '/redirect-ok':
        res.writeHead(302, { location: '/logo.png' });
        res.end();
        return;
      case '/redirect-file':
        res.writeHead(302, { location: 'file:///etc/passwd' });
        res.end();
        return;
      case '/slow.png':
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'image/png' });
          res.end(PNG);
        }, 2_000);
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const img = (path: string) => `<img data-blocked-src="${base}${path}" alt="x">`;

describe('remote content of a message', () => {
  it('accepts HTTPS, and plain HTTP only to 127.0.0.1 when allowed', () => {
    expect(allowedImageUrl('https://images.example.test/a.png', false)?.hostname).toBe('images.example.test');
    expect(allowedImageUrl('http://images.example.test/a.png', true)).toBeNull();
    expect(allowedImageUrl('http://127.0.0.1:8080/a.png', false)).toBeNull();
    expect(allowedImageUrl('http://127.0.0.1:8080/a.png', true)?.port).toBe('8080');
    expect(allowedImageUrl('https://user:pw@images.example.test/a.png', false)).toBeNull();
    expect(allowedImageUrl('file:///etc/passwd', true)).toBeNull();
    expect(allowedImageUrl('javascript:alert(1)', true)).toBeNull();
  });

  it('inlines an image as a data: URL, without cookies, credentials or referrer', async () => {
    seen.length = 0;
    const result = await inlineRemoteImages(`<p>Bonjour</p>${img('/logo.png')}${img('/logo.png')}`, { allowLoopbackHttp: true });
    expect(result.fetched).toBe(2);
    expect(result.refused).toBe(0);
    expect(result.html).toContain(`src="data:image/png;base64,${PNG.toString('base64')}"`);
    expect(result.html).not.toContain('data-blocked-src');
    // Same address twice: fetched once.
    expect(seen).toEqual([{ url: '/logo.png', cookie: undefined, authorization: undefined, referer: undefined }]);
  });

  it('leaves blocked what is not allowed: plain HTTP without the test flag', async () => {
    seen.length = 0;
    const result = await inlineRemoteImages(img('/logo.png'));
    expect(result).toMatchObject({ fetched: 0, refused: 1 });
    expect(result.html).toContain('data-blocked-src');
    expect(seen).toEqual([]);
  });

  it('refuses answers that are not raster images, too large, or redirected elsewhere', async () => {
    const result = await inlineRemoteImages([img('/page.html'), img('/image.svg'), img('/huge.png'), img('/redirect-file'), img('/missing.png'), img('/redirect-ok')].join(''), {
      allowLoopbackHttp: true,
      maxImageBytes: 16 * 1024,
    });
    expect(result).toMatchObject({ fetched: 1, refused: 5 });
    expect(result.html.match(/data-blocked-src/g)?.length).toBe(5);
    expect(result.html).not.toContain('<script');
  });

  it('stops at the image count and total size caps, and at the timeout', async () => {
    const many = await inlineRemoteImages(Array.from({ length: 5 }, (_, i) => img(`/logo.png?${i}`)).join(''), { allowLoopbackHttp: true, maxImages: 2 });
    expect(many).toMatchObject({ fetched: 2, refused: 3 });
    const total = await inlineRemoteImages(img('/huge.png'), { allowLoopbackHttp: true, maxTotalBytes: 1024 });
    expect(total).toMatchObject({ fetched: 0, refused: 1 });
    const started = Date.now();
    const slow = await inlineRemoteImages(img('/slow.png'), { allowLoopbackHttp: true, timeoutMs: 200 });
    expect(slow).toMatchObject({ fetched: 0, refused: 1 });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('never calls an address of the machine or of a private network, whatever name points there', async () => {
    const calls: string[] = [];
    const fakeFetch = (async (input: URL | RequestInfo) => {
      calls.push(String(input));
      return new Response(PNG, { status: 200, headers: { 'content-type': 'image/png' } });
    }) as typeof fetch;
    const names: Record<string, string[]> = {
      'intranet.hopital.example': ['10.20.30.40'],
      'rebind.example': ['193.51.24.1', '127.0.0.1'],
      'cdn.example': ['193.51.24.1'],
    };
    const lookup = async (host: string) => names[host] ?? [];
    const html = ['https://intranet.hopital.example/a.png', 'https://rebind.example/b.png', 'https://169.254.169.254/c.png', 'https://[::1]/d.png', 'https://unknown.example/e.png', 'https://cdn.example/logo.png']
      .map((u) => `<img data-blocked-src="${u}" alt="x">`)
      .join('');
    const result = await inlineRemoteImages(html, { fetch: fakeFetch, lookup });
    expect(calls).toEqual(['https://cdn.example/logo.png']);
    expect(result).toMatchObject({ fetched: 1, refused: 5 });
  });

  it('sanitises the result again', async () => {
    const result = await inlineRemoteImages(`<img data-blocked-src="${base}/logo.png" onerror="alert(1)"><a href="javascript:alert(1)">x</a>`, { allowLoopbackHttp: true });
    expect(result.fetched).toBe(1);
    expect(result.html).not.toMatch(/onerror|javascript:/);
  });
});
