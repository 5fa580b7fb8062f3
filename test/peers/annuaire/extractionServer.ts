import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import yazl from 'yazl';
import { generateExtraction, type GenerateOptions } from './generateExtraction.js';

/**
 * The ANS distribution, for tests: a synthetic extraction zipped the way ANS publishes it
 * (`Extraction_Correspondance_MSSante_AAAAMMJJhhmm.txt` inside a ZIP), and a plain HTTP server
 * on 127.0.0.1 serving whatever file the test points it at (or an HTTP status), at a chosen
 * pace so that a progress bar can be watched. Started and stopped by the tests.
 */
export const EXTRACTION_NAME = 'Extraction_Correspondance_MSSante_202611200000.txt';

export async function zipFiles(zipFile: string, entries: readonly { file: string; name: string }[]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addFile(entry.file, entry.name);
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(zipFile);
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
  });
}

/** Generates the text (see generateExtraction) and zips it; returns both paths and the line count. */
export async function buildExtractionZip(options: Omit<GenerateOptions, 'file'> & { dir: string; zipName?: string }): Promise<{ zipFile: string; textFile: string; lines: number; textBytes: number }> {
  const { dir, zipName, ...generate } = options;
  fs.mkdirSync(dir, { recursive: true });
  const textFile = path.join(dir, EXTRACTION_NAME);
  const { lines, bytes } = generateExtraction({ ...generate, file: textFile });
  const zipFile = path.join(dir, zipName ?? 'Extraction_Correspondance_MSSante.zip');
  await zipFiles(zipFile, [{ file: textFile, name: EXTRACTION_NAME }]);
  return { zipFile, textFile, lines, textBytes: bytes };
}

export interface ExtractionServer {
  /** The address to configure as `directory.downloadUrl`. */
  readonly url: string;
  /** What the next requests get: a file (at `bytesPerSecond`, default: as fast as possible) or a status. */
  serve(what: { file: string; bytesPerSecond?: number } | { status: number }): void;
  readonly requests: number;
  stop(): Promise<void>;
}

export async function startExtractionServer(): Promise<ExtractionServer> {
  let current: { file: string; bytesPerSecond?: number } | { status: number } = { status: 404 };
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = http.createServer((_req, res) => {
    requests += 1;
    const what = current;
    if ('status' in what) {
      res.writeHead(what.status, { 'content-type': 'text/plain' }).end('indisponible');
      return;
    }
    const size = fs.statSync(what.file).size;
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': size });
    const stream = fs.createReadStream(what.file, { highWaterMark: 64 * 1024 });
    if (what.bytesPerSecond === undefined) {
      stream.pipe(res);
      return;
    }
    // Paced: one 64 KiB piece every interval, so the download lasts size / rate seconds.
    const interval = Math.max(5, Math.round((64 * 1024 * 1000) / what.bytesPerSecond));
    stream.on('data', (chunk) => {
      stream.pause();
      res.write(chunk);
      setTimeout(() => stream.resume(), interval);
    });
    stream.on('end', () => res.end());
    res.on('close', () => stream.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/annuaire/Extraction_Correspondance_MSSante.zip`,
    serve(what) {
      current = what;
    },
    get requests() {
      return requests;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
