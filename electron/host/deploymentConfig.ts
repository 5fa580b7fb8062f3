import fs from 'node:fs';
import { z } from 'zod';
import { modeSchema } from '../../shared/api/index.js';
import { cardConfigSchema, directoryConfigSchema, insiConfigSchema, mailConfigSchema, pscConfigSchema } from './config.js';

/**
 * The machine-wide deployment file written by hospital IT next to the policy file
 * (`/etc/caducee/deployment.json` on Linux): the mode and every endpoint of this workstation
 * (CPS module and trust, INSi, MSSanté mailbox, Pro Santé Connect, Annuaire Santé). No
 * endpoint is compiled in: what is not configured here says « non configuré » in the app.
 * Demo mode ignores the endpoints (fictitious data never meets a real server).
 *
 * An unreadable or invalid file stops start-up with the file named: a workstation must not
 * run half-configured while IT believes its settings applied.
 */
export const deploymentConfigSchema = z
  .object({
    mode: modeSchema.optional(),
    card: cardConfigSchema.optional(),
    identityMode: z.enum(['production', 'qualification']).optional(),
    insi: insiConfigSchema.optional(),
    mail: mailConfigSchema.optional(),
    psc: pscConfigSchema.optional(),
    directory: directoryConfigSchema.optional(),
  })
  .strict();
export type DeploymentConfig = z.output<typeof deploymentConfigSchema>;

export class DeploymentFileError extends Error {
  override name = 'DeploymentFileError';
}

export function defaultDeploymentPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): string | undefined {
  switch (platform) {
    case 'linux':
      return '/etc/caducee/deployment.json';
    case 'darwin':
      return '/Library/Application Support/Caducee/deployment.json';
    case 'win32':
      return env['ProgramData'] ? `${env['ProgramData']}\\Caducee\\deployment.json` : undefined;
    default:
      return undefined;
  }
}

/** Absent file: nothing deployed (demo, or « non configuré » everywhere). */
export function loadDeploymentConfig(file: string | undefined): DeploymentConfig {
  if (!file || !fs.existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new DeploymentFileError(`Fichier de déploiement illisible : ${file}`);
  }
  const parsed = deploymentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    // Field paths only: values may hold addresses or secrets.
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(racine)').join(', ');
    throw new DeploymentFileError(`Fichier de déploiement non conforme (${fields}) : ${file}`);
  }
  return parsed.data;
}

/** The endpoint part of a host configuration, for the mode the host runs in. */
export function endpointsFor(mode: 'normal' | 'demo', deployment: DeploymentConfig): Pick<DeploymentConfig, 'card' | 'identityMode' | 'insi' | 'mail' | 'psc' | 'directory'> {
  if (mode === 'demo') return {};
  const { mode: _mode, ...endpoints } = deployment;
  return Object.fromEntries(Object.entries(endpoints).filter(([, v]) => v !== undefined));
}
