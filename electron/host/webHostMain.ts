import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modeSchema } from '../../shared/api/index.js';
import { cardConfigSchema, pscConfigSchema } from './config.js';
import { endpointsFor, loadDeploymentConfig } from './deploymentConfig.js';
import { startWebHost } from './webHost.js';

/** Normal mode on a workstation or a test card: CADUCEE_PKCS11_MODULE, CADUCEE_TRUST_DIRS and
 * CADUCEE_CRL_SOURCES (both separated by the OS path delimiter), CADUCEE_CARD_RESCAN=1 (SoftHSM2). */
function cardConfigFromEnv(env: NodeJS.ProcessEnv) {
  const list = (value: string | undefined) => (value ? value.split(path.delimiter).filter(Boolean) : undefined);
  const anchorFolders = list(env['CADUCEE_TRUST_DIRS']);
  return cardConfigSchema.parse({
    ...(env['CADUCEE_PKCS11_MODULE'] ? { modulePath: env['CADUCEE_PKCS11_MODULE'] } : {}),
    ...(anchorFolders ? { anchorFolders } : {}),
    crlSources: list(env['CADUCEE_CRL_SOURCES']) ?? [],
    rescan: env['CADUCEE_CARD_RESCAN'] === '1',
  });
}

/** Pro Santé Connect: CADUCEE_PSC_ISSUER and CADUCEE_PSC_CLIENT_ID (both, or none), optional
 * CADUCEE_PSC_DISCOVERY_URL, CADUCEE_PSC_SCOPE, CADUCEE_PSC_ACR. The redirect URI is the web
 * host's own `http://127.0.0.1:<port>/psc/callback` (webHost.ts). */
function pscConfigFromEnv(env: NodeJS.ProcessEnv) {
  if (!env['CADUCEE_PSC_ISSUER'] && !env['CADUCEE_PSC_CLIENT_ID']) return undefined;
  return pscConfigSchema.parse({
    issuer: env['CADUCEE_PSC_ISSUER'],
    clientId: env['CADUCEE_PSC_CLIENT_ID'],
    ...(env['CADUCEE_PSC_DISCOVERY_URL'] ? { discoveryUrl: env['CADUCEE_PSC_DISCOVERY_URL'] } : {}),
    ...(env['CADUCEE_PSC_SCOPE'] ? { scope: env['CADUCEE_PSC_SCOPE'] } : {}),
    ...(env['CADUCEE_PSC_ACR'] ? { acrValues: env['CADUCEE_PSC_ACR'] } : {}),
  });
}

/**
 * `npm start` where no Electron binary is available: the same app in a browser tab, for
 * development and trainers' demos on this machine only (127.0.0.1).
 * Environment: CADUCEE_MODE (demo by default), CADUCEE_DATA_DIR, CADUCEE_WEB_PORT (default 5219),
 * CADUCEE_POLICY_FILE, and for the card the variables read by cardConfigFromEnv.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const env = process.env;
// CADUCEE_DEPLOYMENT_FILE: the same deployment file as the Electron shell (mode, endpoints).
const deployment = loadDeploymentConfig(env['CADUCEE_DEPLOYMENT_FILE']);
const mode = modeSchema.parse(env['CADUCEE_MODE'] ?? deployment.mode ?? 'demo');
const dataHome = env['XDG_DATA_HOME'] ?? path.join(os.homedir(), '.local', 'share');
const dataDir = env['CADUCEE_DATA_DIR'] ?? path.join(dataHome, 'caducee-web');
const port = Number(env['CADUCEE_WEB_PORT'] ?? 5219);
// The demo profile never reaches real endpoints (ARCHITECTURE.md §7).
const endpoints = endpointsFor(mode, deployment);
const psc = mode === 'normal' ? (pscConfigFromEnv(env) ?? endpoints.psc) : undefined;

const web = await startWebHost({
  rendererDir: path.join(root, 'dist', 'renderer'),
  port,
  hostConfig: {
    mode,
    dataDir,
    appVersion: env['npm_package_version'] ?? '0.0.0',
    platform: process.platform,
    ...(env['CADUCEE_POLICY_FILE'] ? { policyFile: env['CADUCEE_POLICY_FILE'] } : {}),
    logToConsole: env['CADUCEE_LOG_CONSOLE'] === '1',
    ...endpoints,
    card: endpoints.card ?? cardConfigFromEnv(env),
    ...(psc ? { psc } : {}),
  },
});

process.stdout.write(
  [
    '',
    `Caducée — hôte web (${mode === 'demo' ? 'démonstration' : 'mode normal'})`,
    `Ouvrez cette adresse dans Chromium ou Firefox sur ce poste :`,
    `  ${web.url}`,
    `Données : ${dataDir}`,
    'Ctrl+C pour arrêter.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  web.host.log.info('webhost.signal', { signal });
  void web.close().then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
