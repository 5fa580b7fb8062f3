import fs from 'node:fs';
import { z } from 'zod';
import { idleLockMinutesSchema, localeSchema } from '../../shared/api/index.js';
import type { Logger } from './logger.js';

/**
 * Machine-wide policy written by hospital IT (`/etc/caducee/policies.json` on Linux, the same
 * JSON shape elsewhere). A key present here wins over the user's setting and is shown locked.
 * An unreadable policy file is an error, not an empty policy: IT must know it did not apply.
 */
export const machinePolicySchema = z
  .object({
    locale: localeSchema.optional(),
    idleLockMinutes: idleLockMinutesSchema.optional(),
  })
  .strict();
export type MachinePolicy = z.infer<typeof machinePolicySchema>;

export class PolicyFileError extends Error {
  override name = 'PolicyFileError';
}

export function loadMachinePolicy(file: string | undefined, log: Logger): MachinePolicy {
  if (!file || !fs.existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    log.error('policy.unreadable', { file, error: error instanceof Error ? error.name : 'unknown' });
    throw new PolicyFileError(`Fichier de stratégie illisible : ${file}`);
  }
  const parsed = machinePolicySchema.safeParse(raw);
  if (!parsed.success) {
    log.error('policy.invalid', { file, fields: parsed.error.issues.map((i) => i.path.join('.')).join(',') });
    throw new PolicyFileError(`Fichier de stratégie non conforme : ${file}`);
  }
  log.info('policy.loaded', { file, keys: Object.keys(parsed.data).join(',') });
  return parsed.data;
}

export function defaultPolicyPath(platform: NodeJS.Platform): string | undefined {
  switch (platform) {
    case 'linux':
      return '/etc/caducee/policies.json';
    case 'darwin':
      return '/Library/Application Support/Caducee/policies.json';
    case 'win32':
      return process.env['ProgramData'] ? `${process.env['ProgramData']}\\Caducee\\policies.json` : undefined;
    default:
      return undefined;
  }
}
