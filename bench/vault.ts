/**
 * Benchmark (not a test): the vault on 100,000 realistic French messages (~2 KB bodies),
 * encrypted (AEGIS-256, the default; SQLCipher 4) against plain SQLite — same driver, same
 * schema, same code, no key — in the same run. Prints a table with ratios and writes
 * bench/results/vault.json.
 * Run: npx tsx bench/vault.ts [--messages 20000]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, PAGE_SIZE, type CipherProfile } from '../electron/vault/connection.js';
import { migrate } from '../electron/vault/migrations/index.js';
import { createVaultServer } from '../electron/vault/server.js';
import type { NewMessage } from '../electron/vault/repo/messages.js';
import { openVault } from '../electron/vault/client.js';

const argIndex = process.argv.indexOf('--messages');
const N = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 100_000;
const BATCH = 1_000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-bench-vault-'));

// A deterministic generator: French clinical vocabulary with accents and elisions, plus a long
// tail of rarer words so that FTS doclists look like a real mailbox's.
let seed = 42;
const rnd = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff), seed % n);
const common = ('le la les de des du un une et à au pour avec sans sur dans patient patiente consultation compte rendu ' +
  'échographie abdominale résultat normal cardiologie traitement médecin hôpital analyse sanguine ordonnance radiologie ' +
  'scanner thoracique suivi douleur antécédents allergie pénicilline hypertension diabète insuline glycémie bilan hépatique ' +
  'lettre liaison sortie hospitalisation arbre bronchique examen imagerie contrôle rendez-vous semaine prochaine cordialement ' +
  'confrère consœur merci transmettre dossier kinésithérapie infirmier pansement fièvre toux dyspnée créatinine').split(' ');
const elided = ['l’examen', "l'échographie", 'd’imagerie', "qu'il", 'n’a', 's’est', 'j’ai', 'c’est', 'l’arbre', 'd’abord'];
const rare = Array.from({ length: 20_000 }, (_, i) => `${common[i % common.length]?.slice(0, 4) ?? 'mot'}${i.toString(36)}`);
const names = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'];
function body(): string {
  const words: string[] = [];
  let length = 0;
  while (length < 2_000) {
    const r = rnd(10);
    const w = r < 6 ? common[rnd(common.length)] : r < 8 ? elided[rnd(elided.length)] : rare[rnd(rare.length)];
    words.push(w ?? 'et');
    length += (w?.length ?? 2) + 1;
  }
  return words.join(' ');
}
const bodies = Array.from({ length: 2_000 }, body);
function messages(from: number, count: number): NewMessage[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return {
      folder: i % 5 === 0 ? 'Sent' : 'INBOX',
      uid: i + 1,
      messageId: `<${i}.bench@caducee.invalid>`,
      date: 1_700_000_000_000 + i * 60_000,
      from: `dr.${names[i % names.length]?.toLowerCase()}@medecin.mssante.fr`,
      to: ['dr.durand@hopital.mssante.fr'],
      subject: `Compte rendu ${rare[i % rare.length]} ${names[(i * 7) % names.length]}`,
      bodyText: bodies[i % bodies.length] ?? '',
    };
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const queries = ['echographie', "l'arbre", 'glycemie insuline', 'ech', 'cardio', ...rare.filter((_, i) => i % 997 === 0).slice(0, 10), 'conso', 'dyspnée toux'];

interface Figures {
  ingestSeconds: number;
  ingestPerSecond: number;
  firstPageColdMs: number;
  firstPageWarmP50Ms: number;
  searchP50Ms: number;
  searchP95Ms: number;
  unlockToFirstPageMs: number;
  fileMB: number;
}

function run(label: string, cipher: CipherProfile | null, synchronous: 'FULL' | 'NORMAL' = 'FULL'): Figures {
  const file = path.join(tmp, `${label}.db`);
  const key = randomBytes(32);
  keys[label] = key;
  const open = () => openDatabase({ file, key: cipher === null ? null : Buffer.from(key), cipher: cipher ?? 'aegis256', synchronous });
  let db = open();
  migrate(db);
  let server = createVaultServer(db);
  const started = performance.now();
  for (let i = 0; i < N; i += BATCH) server.insertMessages(messages(i, Math.min(BATCH, N - i)));
  db.pragma('wal_checkpoint(TRUNCATE)'); // the checkpoint's encryption is part of the cost
  const ingestSeconds = (performance.now() - started) / 1000;
  db.close();

  // Unlock to first page: open + key check + schema check + the inbox's first 50, cold.
  const t0 = performance.now();
  db = open();
  migrate(db);
  server = createVaultServer(db);
  server.inboxPage({ folder: 'INBOX' });
  const unlockToFirstPageMs = performance.now() - t0;
  db.close();
  db = open();
  server = createVaultServer(db);
  const t1 = performance.now();
  server.inboxPage({ folder: 'INBOX' });
  const firstPageColdMs = performance.now() - t1;
  const warm: number[] = [];
  for (let i = 0; i < 200; i += 1) {
    const t = performance.now();
    server.inboxPage({ folder: i % 2 ? 'INBOX' : 'Sent' });
    warm.push(performance.now() - t);
  }
  const search: number[] = [];
  for (let round = 0; round < 20; round += 1) {
    for (const q of queries) {
      const t = performance.now();
      server.searchMessages({ query: q, autocomplete: q.length <= 5 });
      search.push(performance.now() - t);
    }
  }
  db.close();
  warm.sort((a, b) => a - b);
  search.sort((a, b) => a - b);
  return {
    ingestSeconds,
    ingestPerSecond: Math.round(N / ingestSeconds),
    firstPageColdMs,
    firstPageWarmP50Ms: percentile(warm, 50),
    searchP50Ms: percentile(search, 50),
    searchP95Ms: percentile(search, 95),
    unlockToFirstPageMs,
    fileMB: fs.statSync(file).size / 1e6,
  };
}

const results: Record<string, Figures> = {};
const keys: Record<string, Buffer> = {};
for (const [label, cipher, sync] of [
  ['plain', null, 'FULL'],
  ['aegis256', 'aegis256', 'FULL'],
  ['sqlcipher4', 'sqlcipher4', 'FULL'],
  ['plain-NORMAL', null, 'NORMAL'],
  ['aegis256-NORMAL', 'aegis256', 'NORMAL'],
] as const) {
  process.stderr.write(`${label}…\n`);
  results[label] = run(label, cipher, sync);
}

// The real unlock path: worker thread start (here through the tsx bootstrap, slower than the
// bundled worker), key transfer, key check, migrations check, first page.
const workerStarted = performance.now();
const vault = await openVault({ file: path.join(tmp, 'aegis256.db'), key: Buffer.from(keys.aegis256 ?? randomBytes(32)) });
await vault.inboxPage({ folder: 'INBOX' });
const workerUnlockMs = performance.now() - workerStarted;
await vault.close();

const rows: [string, keyof Figures, 'lower' | 'higher'][] = [
  ['ingest (s)', 'ingestSeconds', 'lower'],
  ['ingest (msg/s)', 'ingestPerSecond', 'higher'],
  ['first page, cold (ms)', 'firstPageColdMs', 'lower'],
  ['first page, warm p50 (ms)', 'firstPageWarmP50Ms', 'lower'],
  ['search p50 (ms)', 'searchP50Ms', 'lower'],
  ['search p95 (ms)', 'searchP95Ms', 'lower'],
  ['unlock → first page (ms)', 'unlockToFirstPageMs', 'lower'],
  ['file (MB)', 'fileMB', 'lower'],
];
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const labels = Object.keys(results);
console.log(`\nVault benchmark: ${N} messages, page ${PAGE_SIZE} B, ${BATCH} per transaction, synchronous=FULL unless noted\n`);
console.log(['figure'.padEnd(28), ...labels.map((l) => l.padStart(16))].join(''));
for (const [name, k] of rows) {
  console.log([name.padEnd(28), ...labels.map((l) => fmt((results[l] as Figures)[k]).padStart(16))].join(''));
}
console.log('\nratio encrypted / plain (same synchronous):');
for (const [name, k, better] of rows) {
  const ratio = (enc: string, base: string) => {
    const e = (results[enc] as Figures)[k];
    const p = (results[base] as Figures)[k];
    return better === 'lower' ? e / p : p / e;
  };
  console.log(`${name.padEnd(28)}${`aegis ×${ratio('aegis256', 'plain').toFixed(2)}`.padStart(16)}${`sqlcipher ×${ratio('sqlcipher4', 'plain').toFixed(2)}`.padStart(18)}${`aegis NORMAL ×${ratio('aegis256-NORMAL', 'plain-NORMAL').toFixed(2)}`.padStart(22)}`);
}
console.log(`\nunlock → first page through the worker (thread start via the tsx bootstrap): ${workerUnlockMs.toFixed(0)} ms`);

const out = { date: new Date().toISOString(), messages: N, pageSize: PAGE_SIZE, batch: BATCH, node: process.version, cpus: os.cpus().length, results, workerUnlockToFirstPageMs: workerUnlockMs };
fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
fs.writeFileSync(path.join(import.meta.dirname, 'results', 'vault.json'), `${JSON.stringify(out, null, 2)}\n`);
fs.rmSync(tmp, { recursive: true, force: true });
