// Builds what Electron (and the web host) run, without needing an Electron binary:
//   renderer  → dist/renderer/   (Vite, root vite.config.ts)
//   main      → dist/main/main.cjs       (esbuild, from electron/app/main.ts only)
//   vault     → dist/main/vaultWorker.cjs (esbuild: the vault's worker thread)
//   mail      → dist/main/mailParseWorker.cjs (esbuild: the mail parse worker thread)
//   preload   → dist/preload/preload.cjs (esbuild, CommonJS: a sandboxed preload cannot be ESM)
// Then checks the bundles: the web host and its WebSocket server must never reach dist/main,
// and the preload may require nothing but 'electron'.
// Usage: node scripts/build.mjs   (also exports buildAll() for scripts/start.mjs)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireHere = createRequire(import.meta.url);

/** Main-process modules that stay out of the bundle: Electron itself and native addons. */
const mainExternals = ['electron', 'pkcs11js', 'better-sqlite3-multiple-ciphers', '*.node'];

/** Files the main bundle must never contain (the web host is for development and tests). */
const forbiddenInMain = [/^electron\/host\/webHost(Main)?\.ts$/, /^node_modules\/ws\//];

async function buildRenderer() {
  const { build } = await import('vite');
  // vite.config.ts resolves `root: 'renderer'` against the working directory.
  process.chdir(root);
  await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}

async function buildMain() {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['electron/app/main.ts'],
    outfile: 'dist/main/main.cjs',
    // electron/mail/remoteContent.ts sanitises with jsdom in main too (see jsdomAssets below).
    plugins: [jsdomAssets],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Electron 45's Node is ≥ 22.
    target: 'node22',
    external: mainExternals,
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
    // electron/vault/client.ts defaults its worker path from import.meta.url for tsx/vitest;
    // the app always passes the bundled worker (appLayout), so that default is never used here.
    logOverride: { 'empty-import-meta': 'silent' },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const inputs = Object.keys(result.metafile.inputs);
  const leaked = inputs.filter((file) => forbiddenInMain.some((re) => re.test(file)));
  if (leaked.length > 0) throw new Error(`dist/main contient du code de l'hôte web : ${leaked.join(', ')}`);
  const outside = inputs.filter((file) => file.startsWith('electron/') && !/^electron\/(app|host|policy|card|vault|psc|identity|mail|dmp|outbox|demo)\//.test(file));
  if (outside.length > 0) throw new Error(`dist/main : fichiers inattendus ${outside.join(', ')}`);
}

/**
 * A worker thread, its own bundle: a worker does not share the main bundle's module graph.
 * Unpacked from the asar (electron-builder.yml) so worker_threads can load it from disk.
 */
async function buildWorker(entry, outfile, plugins = []) {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    plugins,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: mainExternals,
    sourcemap: false,
    logLevel: 'warning',
  });
}

/**
 * jsdom reads two files beside its own sources when it loads: its default stylesheet (inlined
 * here as a string) and the sync-XHR worker (never used: no script runs in the sanitiser's
 * document). Without this the bundled parse worker throws ENOENT at start.
 */
const jsdomAssets = {
  name: 'jsdom-assets',
  setup(build) {
    build.onLoad({ filter: /[\\/]jsdom[\\/]lib[\\/]jsdom[\\/]living[\\/](css[\\/]helpers[\\/]computed-style|xhr[\\/]XMLHttpRequest-impl)\.js$/ }, (args) => {
      let code = fs.readFileSync(args.path, 'utf8');
      const css = path.resolve(path.dirname(args.path), '../../../browser/default-stylesheet.css');
      const before = code;
      code = code.replace(/fs\.readFileSync\(\s*path\.resolve\(__dirname, "\.\.\/\.\.\/\.\.\/browser\/default-stylesheet\.css"\),\s*\{ encoding: "utf-8" \}\s*\)/, () => JSON.stringify(fs.readFileSync(css, 'utf8')));
      code = code.replace('require.resolve("./xhr-sync-worker.js")', 'null');
      if (code === before) throw new Error(`jsdom-assets : ${path.basename(args.path)} a changé, adapter le build`);
      return { contents: code, loader: 'js' };
    });
    // css-tree's ESM build loads its data with createRequire(import.meta.url), which a CommonJS
    // bundle cannot follow; its CommonJS build uses plain require() of JSON, which it can.
    build.onResolve({ filter: /^css-tree$/ }, () => ({ path: requireHere.resolve('css-tree') }));
  },
};

/** The vault's worker, and the mail parse worker (mailparser, DOMPurify on jsdom). */
const buildVaultWorker = () => buildWorker('electron/vault/worker/vaultWorker.ts', 'dist/main/vaultWorker.cjs');
/** Exported for the test that parses with the bundle itself (test/integration/mail/parseWorkerBundle.test.ts). */
export const buildMailParseWorker = (outfile = 'dist/main/mailParseWorker.cjs') => buildWorker('electron/mail/sync/parseWorker.ts', outfile, [jsdomAssets]);

async function buildPreload() {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['electron/app/preload.ts'],
    outfile: 'dist/preload/preload.cjs',
    bundle: true,
    // A sandboxed preload runs in a renderer: only require('electron') (and a few polyfills)
    // exist there. 'browser' makes esbuild refuse any Node built-in at build time instead of
    // leaving a require() that would throw when the window opens.
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['electron'],
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const imports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
  const unexpected = imports.filter((p) => p !== 'electron');
  if (unexpected.length > 0) throw new Error(`preload : imports non groupés ${unexpected.join(', ')}`);
}

export async function buildAll() {
  const started = Date.now();
  fs.rmSync(path.join(root, 'dist', 'main'), { recursive: true, force: true });
  fs.rmSync(path.join(root, 'dist', 'preload'), { recursive: true, force: true });
  await Promise.all([buildMain(), buildPreload(), buildVaultWorker(), buildMailParseWorker()]);
  // Stop esbuild's helper process now rather than leaving it to the parent's exit.
  await esbuild.stop();
  await buildRenderer();
  for (const file of ['dist/main/main.cjs', 'dist/main/vaultWorker.cjs', 'dist/main/mailParseWorker.cjs', 'dist/preload/preload.cjs', 'dist/renderer/index.html']) {
    if (!fs.existsSync(path.join(root, file))) throw new Error(`build : ${file} absent`);
  }
  if (fs.readFileSync(path.join(root, 'dist/main/main.cjs'), 'utf8').includes('WebSocketServer')) {
    throw new Error('build : dist/main/main.cjs contient WebSocketServer (hôte web)');
  }
  process.stdout.write(`build : dist/main, dist/preload, dist/renderer (${Date.now() - started} ms)\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  buildAll().catch((error) => {
    process.stderr.write(`build : échec — ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
