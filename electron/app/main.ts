import { app, dialog, type BrowserWindow } from 'electron';
import { createHost, type Host } from '../host/createHost.js';
import { defaultDeploymentPath, loadDeploymentConfig } from '../host/deploymentConfig.js';
import { appLayout, closeWithin, electronHostConfig, resolveMode } from './launchConfig.js';
import { filePicker } from './filePicker.js';
import { installApplicationMenu } from './menu.js';
import { osKeystoreSealer } from './osKeystore.js';
import { pscAuthWindow } from './pscWindow.js';
import { registerAppScheme, serveRenderer } from './protocol.js';
import { wireIpc } from './ipc.js';
import { installSecurityPolicy } from './security.js';
import { focusWindow, openMainWindow } from './window.js';

/**
 * Entry point of the Electron main process (bundled to dist/main/main.cjs). Lifecycle only:
 * the services are built by createHost(), the same composition root as the web host's.
 */
const SHUTDOWN_TIMEOUT_MS = 10_000;

function start(): void {
  // One instance per user session: two processes on one vault and one outbox would race.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  // Before ready: every renderer sandboxed (even one created without our options), and the
  // app:// scheme privileged.
  app.enableSandbox();
  registerAppScheme();

  let host: Host | undefined;
  let mainWindow: BrowserWindow | undefined;
  let unwireIpc: (() => void) | undefined;

  app.on('second-instance', () => focusWindow(mainWindow));

  const devTools = !app.isPackaged;
  const { rendererDir, preload, vaultWorker, mailParseWorker } = appLayout(app.getAppPath());

  const openWindow = () => {
    if (!host) return;
    mainWindow = openMainWindow({ preload, devTools, log: host.log });
    mainWindow.on('closed', () => {
      mainWindow = undefined;
    });
  };

  app
    .whenReady()
    .then(() => {
      // IT's deployment file sets the mode and endpoints; CADUCEE_MODE (trainers) may override the mode.
      const deployment = loadDeploymentConfig(process.env['CADUCEE_DEPLOYMENT_FILE'] ?? defaultDeploymentPath(process.platform));
      const { mode, ignored } = resolveMode(process.env['CADUCEE_MODE'] ?? deployment.mode);
      const sealer = osKeystoreSealer();
      host = createHost(
        electronHostConfig({
          mode,
          dataDir: app.getPath('userData'),
          appVersion: app.getVersion(),
          platform: process.platform,
          deployment,
        }),
        {
          vaultWorkerFile: vaultWorker,
          mailParseWorkerFile: mailParseWorker,
          ...(sealer ? { sealer } : {}),
          openAuthWindow: pscAuthWindow(() => ({ parent: mainWindow, log: host?.log })),
          pickFile: filePicker(() => mainWindow),
        },
      );
      host.log.info('app.keystore', { backend: sealer?.backend ?? 'none' });
      if (ignored !== undefined) host.log.warn('app.mode-ignored', { value: ignored, mode });
      installSecurityPolicy({ log: host.log, allowDevTools: devTools });
      serveRenderer(rendererDir);
      unwireIpc = wireIpc(host);
      installApplicationMenu({ devTools, isMac: process.platform === 'darwin' });
      openWindow();
    })
    .catch((error: unknown) => {
      // A policy file that cannot be read, a data folder that cannot be written: do not run
      // half-configured. The message names a file at most (no health data exists yet): shown
      // to the user, who must call IT, rather than a silent exit; also logged when possible.
      host?.log.error('app.start-failed', { error: error instanceof Error ? error.name : typeof error });
      const message = `Caducée n'a pas pu démarrer : ${error instanceof Error ? error.message : String(error)}`;
      process.stderr.write(`${message}\n`);
      dialog.showErrorBox('Caducée', message);
      app.exit(1);
    });

  // macOS keeps apps alive without windows; Caducée quits everywhere so the vault never stays
  // open behind a closed window.
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (!mainWindow) openWindow();
    else focusWindow(mainWindow);
  });

  // Graceful shutdown: hold the quit once, let the services store pending work (bounded),
  // then exit for real.
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !host) return;
    closing = true;
    event.preventDefault();
    const current = host;
    unwireIpc?.();
    void closeWithin(() => current.close(), SHUTDOWN_TIMEOUT_MS).then((outcome) => {
      if (outcome !== 'closed') current.log.error('app.shutdown-incomplete', { outcome });
      app.exit(outcome === 'closed' ? 0 : 1);
    });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => app.quit());
  }
}

start();
