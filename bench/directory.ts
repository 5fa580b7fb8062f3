/**
 * Benchmark (not a test): import of a synthetic ~90 MB `Extraction_Correspondance_MSSante`
 * (the real header, fictitious people; the size of the real file) through the real vault worker
 * (AEGIS-256), then recipient autocompletion and search latencies on the result.
 * Prints the figures and writes bench/results/directory.json.
 * Run: npx tsx bench/directory.ts [--mb 90]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDirectory } from '../electron/mail/directory/directory.js';
import { openVault } from '../electron/vault/client.js';
import { generateExtraction } from '../test/peers/annuaire/generateExtraction.js';

const mbIndex = process.argv.indexOf('--mb');
const MB = mbIndex > 0 ? Number(process.argv[mbIndex + 1]) : 90;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-bench-directory-'));

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const round = (x: number) => Math.round(x * 100) / 100;

async function main() {
  const file = path.join(tmp, 'Extraction_Correspondance_MSSante_202611200000.txt');
  let t = performance.now();
  const { lines, bytes } = generateExtraction({ file, targetBytes: MB * 1_000_000, seed: 2026 });
  console.log(`generated ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const vault = await openVault({ file: path.join(tmp, 'vault.db'), key: randomBytes(32), slowMs: 10_000 });
  const directory = createDirectory(vault);
  let progressCalls = 0;
  // The main thread must stay responsive during the import: measure its event-loop stalls.
  let worstStall = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    worstStall = Math.max(worstStall, now - last - 10);
    last = now;
  }, 10);
  t = performance.now();
  const report = await directory.importFile(file, { onProgress: () => (progressCalls += 1) });
  const importMs = performance.now() - t;
  clearInterval(ticker);
  const vaultMb = fs.statSync(path.join(tmp, 'vault.db')).size / 1e6;
  console.log(`import: ${report.entries} entries, ${report.malformed} malformed, ${(importMs / 1000).toFixed(1)} s = ${Math.round(report.entries / (importMs / 1000))} entries/s, ${(bytes / 1e6 / (importMs / 1000)).toFixed(1)} MB/s; ${progressCalls} progress calls; worst main-thread stall ${worstStall.toFixed(0)} ms; vault file ${vaultMb.toFixed(0)} MB`);

  // Autocompletion: what a user types, keystroke by keystroke, through the worker (round trip).
  const words = ['martin', 'dupont', 'hélène', 'jean-marc', 'lefebvre', 'centre hospitalier', 'clinique', 'guérin', 'nguyen', 'pharmacie', 'roux sophie', 'mathilde d', 'ehpad', 'secretariat'];
  const prefixes = words.flatMap((w) => Array.from({ length: w.length }, (_, i) => w.slice(0, i + 1))).filter((p) => p.trim() !== '');
  for (const p of prefixes.slice(0, 20)) await directory.autocomplete(p, 10); // warm-up
  const times: number[] = [];
  for (let round_ = 0; round_ < 3; round_ += 1) {
    for (const p of prefixes) {
      const s = performance.now();
      await directory.autocomplete(p, 10);
      times.push(performance.now() - s);
    }
  }
  times.sort((a, b) => a - b);
  const auto = { n: times.length, p50: round(percentile(times, 0.5)), p95: round(percentile(times, 0.95)), max: round(times.at(-1) ?? NaN) };
  console.log(`autocomplete(prefix, 10): n=${auto.n} p50 ${auto.p50} ms, p95 ${auto.p95} ms, max ${auto.max} ms`);

  const queries = [
    { name: 'martin' }, { name: 'dupont jean' }, { rpps: '10000000000' }, { profession: 'medecin', city: 'lyon' }, { profession: 'infirmier', city: '75' },
    { city: 'marseille' }, { name: 'guerin', profession: 'pharm' }, { city: '69003' }, { name: 'centre hospitalier', city: 'brest' },
  ];
  const searchTimes: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    for (const q of queries) {
      const s = performance.now();
      await directory.search(q);
      searchTimes.push(performance.now() - s);
    }
  }
  searchTimes.sort((a, b) => a - b);
  const search = { n: searchTimes.length, p50: round(percentile(searchTimes, 0.5)), p95: round(percentile(searchTimes, 0.95)), max: round(searchTimes.at(-1) ?? NaN) };
  console.log(`search(query, 50): n=${search.n} p50 ${search.p50} ms, p95 ${search.p95} ms, max ${search.max} ms`);

  await vault.close();
  const result = { date: new Date().toISOString(), cpus: os.cpus().length, fileMb: round(bytes / 1e6), lines, entries: report.entries, importMs: Math.round(importMs), entriesPerSecond: Math.round(report.entries / (importMs / 1000)), worstMainThreadStallMs: Math.round(worstStall), vaultMb: round(vaultMb), autocomplete: auto, search };
  fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, 'results', 'directory.json'), JSON.stringify(result, null, 2) + '\n');
  fs.rmSync(tmp, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(1);
});
