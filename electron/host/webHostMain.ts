import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modeSchema } from '../../shared/api/index.js';
import { cardConfigSchema } from './config.js';
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

/**
 * `npm start` where no Electron binary is available: the same app in a browser tab, for
 * development and trainers' demos on this machine only (127.0.0.1).
 * Environment: CADUCEE_MODE (demo by default), CADUCEE_DATA_DIR, CADUCEE_WEB_PORT (default 5219),
 * CADUCEE_POLICY_FILE, and for the card the variables read by cardConfigFromEnv.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const env = process.env;
const mode = modeSchema.parse(env['CADUCEE_MODE'] ?? 'demo');
const dataHome = env['XDG_DATA_HOME'] ?? path.join(os.homedir(), '.local', 'share');
const dataDir = env['CADUCEE_DATA_DIR'] ?? path.join(dataHome, 'caducee-web');
const port = Number(env['CADUCEE_WEB_PORT'] ?? 5219);

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
    card: cardConfigFromEnv(env),
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
