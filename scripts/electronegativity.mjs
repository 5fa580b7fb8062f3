// Electron security scan (Doyensec's electronegativity), as a gate: exits 1 on any HIGH or
// MEDIUM finding. What is scanned, staged in test-results/electronegativity-input/:
//   app/          electron/app/*.ts (not the tests): the only code that touches Electron;
//   renderer/     the built renderer (dist/renderer): its HTML, meta CSP and scripts;
//   package.json  Electron version and package-level settings.
// Not scanned: the bundles dist/main and dist/preload. The scanner's parser does not follow
// them (it then reports every protection as missing); their sources are scanned instead.
// Results: test-results/electronegativity.csv (+ the tool's console output on failure).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'test-results');
const stage = path.join(resultsDir, 'electronegativity-input');
const csvFile = path.join(resultsDir, 'electronegativity.csv');

/**
 * Checks silenced in the code with an `eng-disable` comment, each with its reason. A silence
 * that is not listed here fails the scan: adding one is a reviewed decision, not a shortcut.
 */
const acceptedSilences = {
  // The tool flags every preload for manual review. Reviewed: electron/app/preload.ts runs
  // sandboxed, is bundled to CommonJS, and exposes through contextBridge only
  // `window.caducee` = { invoke(method, input), on(event, handler) }: no ipcRenderer, no
  // IpcRendererEvent, no Node API; every call is validated again in main by the router.
  PRELOAD_JS_CHECK: 'preload relu : pont contextBridge minimal (invoke/on), bac à sable, CommonJS',
};

function fail(message) {
  process.stderr.write(`electronegativity : ${message}\n`);
  process.exit(1);
}

function stageInputs() {
  const rendererDir = path.join(root, 'dist', 'renderer');
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) fail('dist/renderer absent : lancez `npm run build` avant le scan.');
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(path.join(stage, 'app'), { recursive: true });
  const appDir = path.join(root, 'electron', 'app');
  for (const name of fs.readdirSync(appDir)) {
    if (name.endsWith('.ts') && !name.endsWith('.test.ts')) fs.copyFileSync(path.join(appDir, name), path.join(stage, 'app', name));
  }
  fs.cpSync(rendererDir, path.join(stage, 'renderer'), { recursive: true });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(stage, 'package.json'));
}

/** The silences present in the staged sources, as { check, file, line }. */
function findSilences() {
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx|js|html)$/.test(entry.name)) {
        fs.readFileSync(full, 'utf8')
          .split('\n')
          .forEach((text, index) => {
            const match = /eng-disable[ \t]+([\w \t,]+)/.exec(text);
            if (!match) return;
            for (const check of match[1].trim().split(/[\s,]+/)) found.push({ check, file: path.relative(stage, full), line: index + 1 });
          });
      }
    }
  };
  walk(stage);
  return found;
}

/** RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

stageInputs();

const unlisted = findSilences().filter((s) => !(s.check.toUpperCase() in acceptedSilences));
if (unlisted.length > 0) {
  fail(`désactivation(s) non justifiée(s) dans scripts/electronegativity.mjs : ${unlisted.map((s) => `${s.check} (${s.file}:${s.line})`).join(', ')}`);
}

const electronVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
fs.rmSync(csvFile, { force: true });
const bin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electronegativity.cmd' : 'electronegativity');
const run = spawnSync(bin, ['-i', stage, '-o', csvFile, '-r', '-v', 'false', '-e', electronVersion], {
  cwd: root,
  encoding: 'utf8',
  timeout: 180_000,
});
if (run.error || run.status !== 0 || !fs.existsSync(csvFile)) {
  process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}`);
  fail(`le scanner a échoué (code ${run.status ?? run.error?.message})`);
}

const [header, ...rows] = parseCsv(fs.readFileSync(csvFile, 'utf8'));
if (!header || header[0]?.trim() !== 'issue') fail(`CSV inattendu : ${csvFile}`);
const findings = rows.map(([id, severity, confidence, file, location, sample, description]) => ({
  id,
  severity: (severity ?? '').toUpperCase(),
  confidence,
  file,
  location,
  sample,
  description,
}));
const count = (...levels) => findings.filter((f) => levels.includes(f.severity)).length;
const high = count('HIGH');
const medium = count('MEDIUM');
const other = findings.length - high - medium;

for (const f of findings) {
  process.stdout.write(`  ${f.severity.padEnd(13)} ${f.id} ${f.file}:${f.location} — ${f.description}\n`);
}
const silences = findSilences();
for (const s of silences) process.stdout.write(`  silenced      ${s.check} ${s.file}:${s.line} — ${acceptedSilences[s.check.toUpperCase()]}\n`);
process.stdout.write(`electronegativity: ${findings.length} findings (high ${high}, medium ${medium}, low/info ${other})\n`);
process.exit(high + medium > 0 ? 1 : 0);
