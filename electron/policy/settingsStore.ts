import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ServiceError, idleLockMinutesSchema, localeSchema, type Settings } from '../../shared/api/index.js';
import type { Logger } from './logger.js';
import type { MachinePolicy } from './machinePolicy.js';

/**
 * The user's own settings (no health data, no secret: those live in the vault). Stored as JSON
 * in the profile folder, written atomically so a crash never leaves half a file.
 */
const storedSettingsSchema = z.object({ locale: localeSchema.default('fr'), idleLockMinutes: idleLockMinutesSchema.default(15) });
type StoredSettings = z.infer<typeof storedSettingsSchema>;
type SettingKey = keyof StoredSettings;

export interface SettingsStore {
  get(): Settings;
  update(patch: { readonly [K in SettingKey]?: StoredSettings[K] | undefined }): Settings;
}

export function createSettingsStore(profileDir: string, policy: MachinePolicy, log: Logger): SettingsStore {
  const file = path.join(profileDir, 'settings.json');
  let stored = read();

  function read(): StoredSettings {
    if (!fs.existsSync(file)) return storedSettingsSchema.parse({});
    try {
      return storedSettingsSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch (error) {
      // Keep the broken file for support and start from defaults: settings hold nothing precious.
      log.warn('settings.unreadable', { error: error instanceof Error ? error.name : 'unknown' });
      fs.renameSync(file, `${file}.broken-${Date.now()}`);
      return storedSettingsSchema.parse({});
    }
  }

  function lockedKeys(): SettingKey[] {
    return (Object.keys(policy) as SettingKey[]).filter((key) => policy[key] !== undefined);
  }

  function effective(): Settings {
    return {
      locale: policy.locale ?? stored.locale,
      idleLockMinutes: policy.idleLockMinutes ?? stored.idleLockMinutes,
      lockedKeys: lockedKeys(),
    };
  }

  return {
    get: effective,
    update(patch) {
      const locked = lockedKeys().filter((key) => patch[key] !== undefined);
      if (locked.length > 0) throw new ServiceError('POLICY_LOCKED', `locked by machine policy: ${locked.join(',')}`);
      stored = { ...stored, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      fs.mkdirSync(profileDir, { recursive: true, mode: 0o700 });
      const tmp = `${file}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(stored, null, 2), { mode: 0o600 });
      fs.renameSync(tmp, file);
      return effective();
    },
  };
}
