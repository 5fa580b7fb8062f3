/**
 * Pro Santé Connect tokens stay in memory (issue 7 point 2): during a full sign-in, a refresh
 * and a sign-out, nothing in the process writes a file, and no file under the profile folder
 * or the temp folder holds a token or the authorization code. The PSC module imports nothing
 * that can write either.
 */
import fs, { writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPscClient } from '../../../electron/psc/index.js';
import { loginWithTestAccount, startLocalPsc, TEST_REDIRECT_URI, type LocalPsc } from '../../peers/oidc/localProvider.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const WRITERS = [
  'writeFile',
  'writeFileSync',
  'appendFile',
  'appendFileSync',
  'createWriteStream',
  'open',
  'openSync',
  'copyFile',
  'copyFileSync',
  'rename',
  'renameSync',
  'mkdir',
  'mkdirSync',
  'symlink',
  'symlinkSync',
] as const;
const PROMISE_WRITERS = ['writeFile', 'appendFile', 'open', 'copyFile', 'rename', 'mkdir'] as const;

/** Wraps every fs function that can create or change a file; returns the calls and an undo. */
function watchFsWrites(): { calls: string[]; restore(): void } {
  const calls: string[] = [];
  const undo: Array<() => void> = [];
  const wrap = (target: Record<string, unknown>, name: string, label: string) => {
    const original = target[name];
    if (typeof original !== 'function') return;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const [file, flags] = args;
      const readOnly = name.startsWith('open') && (flags === undefined || flags === 'r' || flags === fs.constants.O_RDONLY);
      if (!readOnly) calls.push(`${label}(${String(file)})`);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    undo.push(() => {
      target[name] = original;
    });
  };
  for (const name of WRITERS) wrap(fs as unknown as Record<string, unknown>, name, `fs.${name}`);
  for (const name of PROMISE_WRITERS) wrap(fs.promises as unknown as Record<string, unknown>, name, `fs.promises.${name}`);
  syncBuiltinESMExports();
  return {
    calls,
    restore() {
      for (const u of undo) u();
      syncBuiltinESMExports();
    },
  };
}

function filesChangedSince(dir: string, since: number, depth = 3): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    try {
      if (entry.isDirectory() && depth > 0) out.push(...filesChangedSince(full, since, depth - 1));
      else if (entry.isFile()) {
        const stat = fs.statSync(full);
        if (stat.mtimeMs >= since && stat.size < 5_000_000) out.push(full);
      }
    } catch {
      // vanished or unreadable: not ours
    }
  }
  return out;
}

describe('Pro Santé Connect tokens are never written to disk', () => {
  let psc: LocalPsc;
  let profile: string;
  beforeAll(async () => {
    psc = await startLocalPsc({ port: 0, accounts: { jeanne: { idNat: '810100000017', givenName: 'Jeanne', familyName: 'HÉBERT-TEST' } }, accessTokenTtlSeconds: 30 });
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-psc-profile-'));
  });
  afterAll(async () => {
    await psc?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  it('writes no file during sign-in, refresh and sign-out, and leaves no token behind', async () => {
    const started = Date.now() - 1000;
    const secrets: string[] = [];
    const watch = watchFsWrites();
    const savedEnv = { HOME: process.env.HOME, XDG_DATA_HOME: process.env.XDG_DATA_HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    process.env.HOME = profile;
    process.env.XDG_DATA_HOME = path.join(profile, 'data');
    process.env.XDG_CONFIG_HOME = path.join(profile, 'config');
    try {
      // The watch sees writes made through named imports too (the canary proves it).
      writeFileSync(path.join(profile, 'canary'), 'x');
      expect(watch.calls).toEqual([`fs.writeFileSync(${path.join(profile, 'canary')})`]);
      watch.calls.length = 0;
      const client = createPscClient({
        issuer: psc.issuer,
        clientId: psc.clientId,
        redirectUri: TEST_REDIRECT_URI,
        refreshMarginSeconds: 60,
        resource: psc.mailAudience,
      });
      const pending = await client.beginSignIn();
      const callback = await loginWithTestAccount(pending.authorizationUrl, 'jeanne');
      secrets.push(new URL(callback).searchParams.get('code') ?? 'missing-code');
      const session = await client.completeSignIn(callback, { expectedIdNat: '810100000017' });
      secrets.push(await session.accessToken()); // JWT for the mail audience
      secrets.push(await session.accessToken()); // refreshed
      await client.signOut();
    } finally {
      watch.restore();
      Object.assign(process.env, savedEnv);
      for (const [k, v] of Object.entries(savedEnv)) if (v === undefined) delete process.env[k];
    }

    expect(watch.calls).toEqual([]);
    expect(secrets.every((s) => s.length > 20)).toBe(true);
    const candidates = [...filesChangedSince(profile, started), ...filesChangedSince(os.tmpdir(), started, 2)];
    for (const file of candidates) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'latin1');
      } catch {
        continue;
      }
      for (const secret of secrets) expect(text.includes(secret), `${file} holds a PSC secret`).toBe(false);
    }
  });

  it('the PSC module imports nothing that writes (fs, the vault, databases, Electron storage)', () => {
    const dir = path.join(root, 'electron/psc');
    const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(0);
    for (const file of sources) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const imports = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const spec of imports) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/^(node:)?fs(\/|$)|vault|sqlite|^electron$|keytar|safeStorage/);
      }
    }
  });
});
