/**
 * Benchmark (not a test): the cost of one call across the bridge. Measures, in the same run,
 * a direct call to the router (the baseline: validation + service) and the same call through
 * the web host's WebSocket, then prints both and the ratio, and writes bench/results/bridge.json.
 * Run: npm run bench
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startWebHost } from '../electron/host/webHost.js';

const CALLS = 5_000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-bench-'));
fs.mkdirSync(path.join(tmp, 'renderer'));
fs.writeFileSync(path.join(tmp, 'renderer', 'index.html'), '<!doctype html>');
const web = await startWebHost({
  rendererDir: path.join(tmp, 'renderer'),
  port: 0,
  hostConfig: { mode: 'demo', dataDir: path.join(tmp, 'data'), appVersion: 'bench', platform: process.platform },
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(name: string, once: () => Promise<unknown>) {
  for (let i = 0; i < 200; i += 1) await once();
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < CALLS; i += 1) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  return { name, callsPerSecond: Math.round((CALLS / total) * 1000), p50Ms: percentile(times, 50), p95Ms: percentile(times, 95) };
}

const ctx = { origin: web.origin, isMainFrame: true };
const direct = await measure('router direct', () => web.host.router.call('status.get', {}, ctx));

const ws = new WebSocket(`${web.origin.replace('http', 'ws')}/bridge?token=${web.token}`, { headers: { Origin: web.origin } });
await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
let nextId = 1;
const waiting = new Map<number, () => void>();
ws.on('message', (data) => {
  const frame = JSON.parse(data.toString()) as { id?: number };
  if (frame.id !== undefined) waiting.get(frame.id)?.();
});
const bridged = await measure('web host WebSocket', () => {
  const id = nextId++;
  return new Promise<void>((resolve) => {
    waiting.set(id, () => {
      waiting.delete(id);
      resolve();
    });
    ws.send(JSON.stringify({ id, method: 'status.get', input: {} }));
  });
});
ws.close();
await web.close();

const rows = [direct, bridged];
console.table(rows.map((r) => ({ ...r, p50Ms: r.p50Ms.toFixed(3), p95Ms: r.p95Ms.toFixed(3) })));
const ratio = bridged.p50Ms / direct.p50Ms;
console.log(`Bridge overhead: p50 ×${ratio.toFixed(1)} of a direct router call (${CALLS} calls each, same run).`);
fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
fs.writeFileSync(
  path.join(import.meta.dirname, 'results', 'bridge.json'),
  JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, calls: CALLS, rows, ratioP50: ratio }, null, 2),
);
fs.rmSync(tmp, { recursive: true, force: true });
