import http from 'node:http';
import https from 'node:https';
import { InsiError } from './insiErrors.js';

/**
 * POSTs one SOAP 1.2 request. Production: HTTPS with mutual TLS, the IGC-Santé software
 * certificate (INSI-AUTO / INSI-MANU, a PKCS#12 file named in settings) and the IGC-Santé trust
 * anchors; TLS ≥ 1.2. Plain HTTP only towards the loopback address (the simulator in tests).
 * One overall deadline for connect + send + answer; answers larger than 1 MB are refused.
 */
export interface InsiTlsSettings {
  /** PKCS#12 of the IGC-Santé software certificate (read by the caller from the settings path). */
  readonly pfx: Buffer;
  readonly passphrase: string;
  /** PEM trust anchors (IGC-Santé roots/intermediates); default: Node's store. */
  readonly ca?: readonly (string | Buffer)[];
}

export interface SoapPost {
  readonly url: string;
  readonly action: string;
  readonly body: string;
  readonly timeoutMs: number;
  readonly tls?: InsiTlsSettings | undefined;
}

export interface SoapReply {
  readonly status: number;
  readonly body: string;
}

const MAX_BYTES = 1_000_000;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', '::1']);

export function checkInsiUrl(raw: string, tls: InsiTlsSettings | undefined): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InsiError('insi-config', 'endpoint');
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) throw new InsiError('insi-transport-refused', 'plain http off loopback');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InsiError('insi-transport-refused', url.protocol);
  if (url.protocol === 'https:' && tls === undefined) throw new InsiError('insi-config', 'no client certificate');
  return url;
}

export function postSoap(req: SoapPost): Promise<SoapReply> {
  const url = checkInsiUrl(req.url, req.tls);
  const headers = { 'content-type': `application/soap+xml; charset=utf-8; action="${req.action}"`, 'content-length': Buffer.byteLength(req.body) };
  return new Promise<SoapReply>((resolve, reject) => {
    let settled = false;
    const fail = (e: InsiError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(e);
    };
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BYTES) fail(new InsiError('insi-bad-response', 'answer too large'));
        else chunks.push(c);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () => fail(new InsiError('insi-network', 'response stream')));
    };
    const options = { method: 'POST', headers, agent: false as const };
    const request =
      url.protocol === 'https:' && req.tls !== undefined
        ? https.request(url, { ...options, pfx: req.tls.pfx, passphrase: req.tls.passphrase, minVersion: 'TLSv1.2', ...(req.tls.ca === undefined ? {} : { ca: [...req.tls.ca] }) }, onResponse)
        : http.request(url, options, onResponse);
    const timer = setTimeout(() => fail(new InsiError('insi-timeout', `${req.timeoutMs} ms`)), req.timeoutMs);
    request.on('error', (e: NodeJS.ErrnoException) => {
      // A bad PKCS#12 or passphrase is a configuration problem, not the network.
      const config = /mac verify|pkcs12|PFX|asn1/i.test(e.message);
      fail(new InsiError(config ? 'insi-config' : 'insi-network', e.code ?? e.name));
    });
    request.end(req.body);
  });
}
