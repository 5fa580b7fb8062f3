import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../shared/api/index.js';
import { silentLogger } from './logger.js';
import { PolicyFileError, loadMachinePolicy } from './machinePolicy.js';
import { createSettingsStore } from './settingsStore.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-settings-'));

describe('settings store', () => {
  it('defaults to French and persists a change across restarts', () => {
    const dir = tmp();
    const store = createSettingsStore(dir, {}, silentLogger);
    expect(store.get()).toEqual({ locale: 'fr', idleLockMinutes: 15, lockedKeys: [] });
    store.update({ locale: 'en' });
    expect(createSettingsStore(dir, {}, silentLogger).get().locale).toBe('en');
    expect(fs.statSync(path.join(dir, 'settings.json')).mode & 0o077).toBe(0);
  });

  it('lets machine policy win and refuses to change a locked key', () => {
    const dir = tmp();
    const store = createSettingsStore(dir, { locale: 'en' }, silentLogger);
    expect(store.get()).toEqual({ locale: 'en', idleLockMinutes: 15, lockedKeys: ['locale'] });
    expect(() => store.update({ locale: 'fr' })).toThrow(ServiceError);
    expect(fs.existsSync(path.join(dir, 'settings.json'))).toBe(false);
  });

  it('takes the idle-lock delay from machine policy when it is fixed there', () => {
    const dir = tmp();
    const store = createSettingsStore(dir, { idleLockMinutes: 5 }, silentLogger);
    expect(store.get()).toMatchObject({ idleLockMinutes: 5, lockedKeys: ['idleLockMinutes'] });
    expect(() => store.update({ idleLockMinutes: 60 })).toThrow(ServiceError);
    expect(createSettingsStore(tmp(), {}, silentLogger).update({ idleLockMinutes: 30 }).idleLockMinutes).toBe(30);
  });

  it('sets a corrupt settings file aside and starts from defaults', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'settings.json'), '{not json');
    expect(createSettingsStore(dir, {}, silentLogger).get().locale).toBe('fr');
    expect(fs.readdirSync(dir).some((f) => f.startsWith('settings.json.broken-'))).toBe(true);
  });
});

describe('machine policy', () => {
  it('is empty when no file exists', () => {
    expect(loadMachinePolicy(path.join(tmp(), 'none.json'), silentLogger)).toEqual({});
  });

  it('reads a valid policy file', () => {
    const file = path.join(tmp(), 'policies.json');
    fs.writeFileSync(file, JSON.stringify({ locale: 'fr' }));
    expect(loadMachinePolicy(file, silentLogger)).toEqual({ locale: 'fr' });
  });

  it('refuses an unreadable or unknown policy instead of ignoring it', () => {
    const file = path.join(tmp(), 'policies.json');
    fs.writeFileSync(file, '{');
    expect(() => loadMachinePolicy(file, silentLogger)).toThrow(PolicyFileError);
    fs.writeFileSync(file, JSON.stringify({ locale: 'de' }));
    expect(() => loadMachinePolicy(file, silentLogger)).toThrow(PolicyFileError);
    fs.writeFileSync(file, JSON.stringify({ unknownKey: true }));
    expect(() => loadMachinePolicy(file, silentLogger)).toThrow(PolicyFileError);
  });
});
