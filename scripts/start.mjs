// `npm start`: builds, then opens Caducée in Electron when its binary is on this machine;
// otherwise starts the web host (same services, same renderer, in a browser tab on 127.0.0.1).
// Never require('electron') here: in plain Node it tries to download the binary.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** node_modules/electron/path.txt names the binary inside node_modules/electron/dist/. */
function electronBinary() {
  const dir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const binary = path.join(dir, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(binary) ? binary : null;
}

function run(command, args, env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  // Ctrl+C reaches the child through the terminal's process group as well; forwarding is for
  // signals sent to this process alone (kill <pid>). Both children stop idempotently.
  const forward = (signal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('error', (error) => {
    process.stderr.write(`Impossible de lancer ${command} : ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1)));
}

await buildAll();

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const env = { ...process.env, npm_package_version: process.env.npm_package_version ?? pkg.version };
// A stray ELECTRON_RUN_AS_NODE would turn the app into a bare Node interpreter.
delete env.ELECTRON_RUN_AS_NODE;

const binary = electronBinary();
if (binary) {
  run(binary, [root], env);
} else {
  process.stdout.write("Electron est absent sur ce poste : l'hôte web démarre à la place.\n");
  // tsx as a Node loader: one process, so signals reach the web host directly.
  run(process.execPath, ['--import', 'tsx', path.join('electron', 'host', 'webHostMain.ts')], env);
}
