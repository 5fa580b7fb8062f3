import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, describeUrlForLog, isAllowedDownload, isAllowedRequest, isAppUrl, originOf } from './appOrigin.js';

describe('originOf', () => {
  it('serialises the app scheme as Chromium does (Node says "null" for it)', () => {
    expect(new URL(APP_ENTRY_URL).origin).toBe('null');
    expect(originOf(APP_ENTRY_URL)).toBe(APP_ORIGIN);
    expect(originOf('app://caducee/deep/path?q=1#x')).toBe('app://caducee');
  });
  it('keeps the usual origin of special schemes and refuses garbage', () => {
    expect(originOf('http://127.0.0.1:5219/index.html')).toBe('http://127.0.0.1:5219');
    expect(originOf('https://evil.example/app://caducee')).toBe('https://evil.example');
    expect(originOf('')).toBe('null');
    expect(originOf('about:blank')).toBe('null');
    expect(originOf('app:caducee')).toBe('null');
  });
  it('never confuses a look-alike host with the app', () => {
    expect(originOf('app://caducee.evil/')).not.toBe(APP_ORIGIN);
    expect(originOf('app://caducee:8080/')).not.toBe(APP_ORIGIN);
  });
});

describe('isAppUrl', () => {
  it.each([APP_ENTRY_URL, 'app://caducee/', 'app://caducee/assets/x.js?v=1'])('accepts %s', (url) => {
    expect(isAppUrl(url)).toBe(true);
  });
  it.each([
    'https://caducee/',
    'app://caducee.evil.example/',
    'app://caducee:1/',
    'app://user@caducee/',
    // Chromium hands main canonical (lower-case) URLs; Node does not lower-case the host of a
    // non-special scheme, so anything else is refused rather than guessed.
    'app://CADUCEE/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});

describe('isAllowedRequest', () => {
  it('lets only the app, data: and its own blobs load', () => {
    expect(isAllowedRequest('app://caducee/assets/index.js')).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequest('blob:app://caducee/1b2c')).toBe(true);
  });
  it.each(['https://example.org/', 'http://127.0.0.1:5219/', 'ws://127.0.0.1/bridge', 'wss://x/', 'file:///tmp/x', 'ftp://x/', 'blob:https://evil/1', 'other://caducee/'])(
    'cancels %s',
    (url) => {
      expect(isAllowedRequest(url)).toBe(false);
    },
  );
  it('lets DevTools pages load only when DevTools are allowed', () => {
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html')).toBe(false);
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html', { allowDevTools: true })).toBe(true);
  });
});

describe('describeUrlForLog', () => {
  it('keeps scheme and host only, never path or query', () => {
    const described = describeUrlForLog('https://user:pw@dmp.example:443/patient/DUPONT?ins=1234567890123#x');
    expect(described).toEqual({ scheme: 'https', host: 'dmp.example' });
    expect(JSON.stringify(described)).not.toMatch(/DUPONT|1234567890123|pw/);
  });
  it('lets the page save only blobs the app minted', () => {
    expect(isAllowedDownload('blob:app://caducee/6f1c')).toBe(true);
    for (const url of ['blob:https://evil/1', 'https://example.org/cr.pdf', 'data:application/pdf;base64,JVBERg==', 'file:///etc/passwd', 'app://caducee/index.html']) expect(isAllowedDownload(url), url).toBe(false);
  });

  it('drops the content of data: and blob: URLs', () => {
    expect(describeUrlForLog('data:text/html,<h1>Mme Martin</h1>')).toEqual({ scheme: 'data', host: '' });
    expect(describeUrlForLog('nonsense')).toEqual({ scheme: 'invalid', host: '' });
  });
});
