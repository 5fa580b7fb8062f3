import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What a packaged Caducée contains, checked with the real electron-builder. No Electron binary
 * can be downloaded here, so it packs around a stand-in file (`--dir`, electronDist), with the
 * fuses off (flipping them needs the real binary's sentinel): enough to check the `files`
 * globs and the archive's contents.
 */
const root = path.resolve(import.meta.dirname, '..', '..', '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

describe('packaged application', () => {
  it('ships the bundles and the native addons only — never the web host', () => {
    expect(fs.existsSync(path.join(root, 'dist', 'main', 'main.cjs')), 'lancez `npm run build` d’abord').toBe(true);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-pack-'));
    const standIn = path.join(tmp, 'electron-dist');
    fs.mkdirSync(path.join(standIn, 'locales'), { recursive: true });
    fs.writeFileSync(path.join(standIn, 'electron'), '', { mode: 0o755 });
    fs.writeFileSync(path.join(standIn, 'locales', 'fr.pak'), '');
    const out = path.join(tmp, 'out');
    // The same configuration, less the fuses block (indented lines after `electronFuses:`).
    const config = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8').replace(/^electronFuses:\n(?:[ #].*\n|\n)*/m, '');
    expect(config).not.toContain('runAsNode');
    const configFile = path.join(root, `.electron-builder.test-${process.pid}.yml`);
    fs.writeFileSync(configFile, config);
    try {
      execFileSync(
        bin('electron-builder'),
        ['--dir', '--linux', '--config', configFile, `-c.electronDist=${standIn}`, `-c.directories.output=${out}`, '-c.npmRebuild=false', '--publish', 'never'],
        { cwd: root, stdio: 'pipe', env: { ...process.env, CI: 'true' } },
      );
    } finally {
      fs.rmSync(configFile, { force: true });
    }
    const asar = path.join(out, 'linux-unpacked', 'resources', 'app.asar');
    const listing = execFileSync(bin('asar'), ['list', asar], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const own = listing.filter((f) => !f.startsWith('/node_modules'));
    expect(own.every((f) => f === '/package.json' || f.startsWith('/dist'))).toBe(true);
    expect(own).toContain('/dist/main/main.cjs');
    expect(own).toContain('/dist/preload/preload.cjs');
    expect(own).toContain('/dist/renderer/index.html');
    // Worker threads start from a file path: outside the archive (asarUnpack).
    const unpacked = path.join(out, 'linux-unpacked', 'resources', 'app.asar.unpacked', 'dist', 'main');
    for (const worker of ['vaultWorker.cjs', 'mailParseWorker.cjs']) expect(fs.existsSync(path.join(unpacked, worker)), worker).toBe(true);
    const packages = new Set(listing.filter((f) => f.startsWith('/node_modules/')).map((f) => f.split('/')[2]));
    expect(packages.has('pkcs11js')).toBe(true);
    for (const devOnly of ['ws', 'electron', 'vite', 'playwright-core', 'zod', 'react']) expect(packages.has(devOnly)).toBe(false);
    const main = fs.readFileSync(path.join(root, 'dist', 'main', 'main.cjs'), 'utf8');
    expect(main).not.toContain('WebSocketServer');
    expect(main).not.toContain('startWebHost');
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
