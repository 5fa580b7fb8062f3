import path from 'node:path';
import type { Mode } from '../../shared/api/index.js';
import type { HostConfig } from '../host/config.js';
import { endpointsFor, type DeploymentConfig } from '../host/deploymentConfig.js';
import { defaultPolicyPath } from '../policy/machinePolicy.js';
import { APP_ORIGIN } from './appOrigin.js';

/**
 * Start-up decisions of the Electron shell, as pure functions of facts main.ts reads from
 * Electron (`app.getPath`, `app.getVersion`, …). No 'electron' import: tested in plain Node.
 */

/**
 * Demo unless the configuration explicitly says normal: a machine with no configuration, or
 * with a value nobody recognises, must never reach real endpoints.
 */
export function resolveMode(value: string | undefined): { mode: Mode; ignored?: string } {
  if (value === undefined || value === '' || value === 'demo') return { mode: 'demo' };
  if (value === 'normal') return { mode: 'normal' };
  return { mode: 'demo', ignored: value.slice(0, 20) };
}

export interface LaunchFacts {
  readonly mode: Mode;
  readonly dataDir: string;
  readonly appVersion: string;
  readonly platform: NodeJS.Platform;
  /** The machine's deployment file (`loadDeploymentConfig`): endpoints of this workstation. */
  readonly deployment?: DeploymentConfig;
}

export function electronHostConfig(facts: LaunchFacts): HostConfig {
  const policyFile = defaultPolicyPath(facts.platform);
  return {
    mode: facts.mode,
    hostKind: 'electron',
    dataDir: facts.dataDir,
    appVersion: facts.appVersion,
    platform: facts.platform,
    ...(policyFile ? { policyFile } : {}),
    // Only the app's own top-level document may call the bridge.
    trustedOrigins: [APP_ORIGIN],
    ...endpointsFor(facts.mode, facts.deployment ?? {}),
  };
}

/** Where the built pieces sit under `app.getAppPath()` (the project folder, or app.asar). */
export function appLayout(appPath: string): { rendererDir: string; preload: string; vaultWorker: string; mailParseWorker: string } {
  // A worker thread is loaded from disk: inside a package it sits in app.asar.unpacked.
  const unpacked = appPath.endsWith('.asar') ? `${appPath}.unpacked` : appPath;
  return {
    rendererDir: path.join(appPath, 'dist', 'renderer'),
    preload: path.join(appPath, 'dist', 'preload', 'preload.cjs'),
    vaultWorker: path.join(unpacked, 'dist', 'main', 'vaultWorker.cjs'),
    mailParseWorker: path.join(unpacked, 'dist', 'main', 'mailParseWorker.cjs'),
  };
}

/**
 * Runs `close` but gives up after `ms`: a hung service must not keep a zombie window-less
 * process holding the vault open. Never rejects.
 */
export async function closeWithin(close: () => Promise<void>, ms: number): Promise<'closed' | 'timeout' | 'failed'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(close)
        .then(
          () => 'closed' as const,
          () => 'failed' as const,
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
