import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostConfigSchema } from '../host/config.js';
import { appLayout, closeWithin, electronHostConfig, resolveMode } from './launchConfig.js';

describe('resolveMode', () => {
  it('is demo unless the configuration says normal', () => {
    expect(resolveMode(undefined)).toEqual({ mode: 'demo' });
    expect(resolveMode('')).toEqual({ mode: 'demo' });
    expect(resolveMode('demo')).toEqual({ mode: 'demo' });
    expect(resolveMode('normal')).toEqual({ mode: 'normal' });
  });
  it('falls back to demo on an unknown value, and says which', () => {
    expect(resolveMode('NORMAL')).toEqual({ mode: 'demo', ignored: 'NORMAL' });
    expect(resolveMode('prod')).toEqual({ mode: 'demo', ignored: 'prod' });
  });
});

describe('electronHostConfig', () => {
  it('builds a valid electron host config trusting the app origin only', () => {
    const config = electronHostConfig({ mode: 'demo', dataDir: '/home/u/.config/Caducée', appVersion: '0.1.0', platform: 'linux' });
    expect(hostConfigSchema.parse(config)).toMatchObject({
      hostKind: 'electron',
      mode: 'demo',
      trustedOrigins: ['app://caducee'],
      policyFile: '/etc/caducee/policies.json',
    });
  });
  it('omits the policy file where the platform has none', () => {
    expect(electronHostConfig({ mode: 'normal', dataDir: '/d', appVersion: '1', platform: 'aix' })).not.toHaveProperty('policyFile');
  });
  it('takes the endpoints of the deployment file in normal mode only', () => {
    const deployment = { mode: 'normal' as const, psc: { issuer: 'https://psc.example/realm', clientId: 'caducee' }, directory: { downloadUrl: 'https://annuaire.example/x.zip' } };
    const normal = hostConfigSchema.parse(electronHostConfig({ mode: 'normal', dataDir: '/d', appVersion: '1', platform: 'linux', deployment }));
    expect(normal.psc).toEqual(deployment.psc);
    expect(normal.directory).toEqual(deployment.directory);
    const demo = hostConfigSchema.parse(electronHostConfig({ mode: 'demo', dataDir: '/d', appVersion: '1', platform: 'linux', deployment }));
    expect(demo.psc).toBeUndefined();
    expect(demo.directory).toEqual({});
  });
});

describe('appLayout', () => {
  it('finds the bundles under the app path (folder or app.asar)', () => {
    const asar = path.join('/opt', 'Caducée', 'resources', 'app.asar');
    expect(appLayout(asar)).toEqual({
      rendererDir: path.join(asar, 'dist', 'renderer'),
      preload: path.join(asar, 'dist', 'preload', 'preload.cjs'),
      vaultWorker: path.join(`${asar}.unpacked`, 'dist', 'main', 'vaultWorker.cjs'),
      mailParseWorker: path.join(`${asar}.unpacked`, 'dist', 'main', 'mailParseWorker.cjs'),
    });
    const folder = path.join('/home', 'dev', 'caducee');
    expect(appLayout(folder).vaultWorker).toBe(path.join(folder, 'dist', 'main', 'vaultWorker.cjs'));
  });
});

describe('closeWithin', () => {
  it('reports a clean close', async () => {
    await expect(closeWithin(async () => undefined, 1000)).resolves.toBe('closed');
  });
  it('gives up on a close that hangs', async () => {
    await expect(closeWithin(() => new Promise<void>(() => undefined), 20)).resolves.toBe('timeout');
  });
  it('never rejects, even when close throws synchronously or rejects', async () => {
    await expect(closeWithin(() => Promise.reject(new Error('x')), 1000)).resolves.toBe('failed');
    await expect(
      closeWithin(() => {
        throw new Error('sync');
      }, 1000),
    ).resolves.toBe('failed');
  });
});
