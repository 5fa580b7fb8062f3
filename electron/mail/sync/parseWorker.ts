import { parentPort } from 'node:worker_threads';
import { parsePending } from './parsePending.js';
import type { FromParser, ToParser } from './parseWorkerProtocol.js';

/**
 * The parse worker: mailparser, DOMPurify on jsdom, MDN and IHE_XDM reading, off the main
 * thread (~5 ms a message, most of it DOMPurify). It never touches the vault: it returns
 * completions and the main thread hands them to the vault worker, the only writer. Requests
 * are served concurrently, so a `parseNow` does not wait for a whole background batch.
 * Production bundles this file with esbuild (dist/main/mailParseWorker.cjs); development and
 * tests load it through parseWorkerBootstrap.mjs.
 */
const port = parentPort;
if (port === null) throw new Error('parseWorker must run in a worker thread');

port.on('message', (message: ToParser) => {
  void (async () => {
    let reply: FromParser;
    try {
      const results = [];
      for (const item of message.items) results.push(await parsePending(item));
      reply = { type: 'parsed', req: message.req, results };
    } catch (error) {
      reply = { type: 'failed', req: message.req, error: error instanceof Error ? error.name : 'unknown' };
    }
    port.postMessage(reply);
  })();
});
