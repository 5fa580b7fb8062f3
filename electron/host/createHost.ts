import type { Status } from '../../shared/api/index.js';
import { consoleSink, createLogger, createRotatingFileSink, teeSink, type Logger } from '../policy/logger.js';
import { loadMachinePolicy } from '../policy/machinePolicy.js';
import { logDir, profileDir } from '../policy/paths.js';
import { createSettingsStore } from '../policy/settingsStore.js';
import { hostConfigSchema, type HostConfig } from './config.js';
import { createEventBus, type EventBus } from './eventBus.js';
import { createRouter, type Handlers, type Router } from './router.js';

export interface Host {
  readonly router: Router;
  readonly events: EventBus;
  readonly log: Logger;
  /** Stops every service; resolves once pending work is safely stored. */
  close(): Promise<void>;
}

/**
 * The composition root: builds every service from plain Node, without Electron, so the same
 * product runs in the Electron shell, in the web host and in integration tests.
 */
export function createHost(input: HostConfig): Host {
  const config = hostConfigSchema.parse(input);
  const fileSink = createRotatingFileSink(logDir(config.dataDir));
  const log = createLogger(config.logToConsole ? teeSink(fileSink, consoleSink) : fileSink);
  const policy = loadMachinePolicy(config.policyFile, log);
  const settings = createSettingsStore(profileDir(config.dataDir, config.mode), policy, log);
  const events = createEventBus();

  // Card, network and outbox services feed this as they arrive (issues 3–5).
  const status: Status = { card: { state: 'no-reader' }, network: 'unknown', pendingJobs: 0 };

  const handlers: Handlers = {
    'app.getInfo': async () => ({
      name: 'Caducée',
      version: config.appVersion,
      mode: config.mode,
      hostKind: config.hostKind,
      platform: config.platform,
    }),
    'status.get': async () => status,
    'settings.get': async () => settings.get(),
    'settings.update': async (patch) => {
      const next = settings.update(patch);
      events.emit('settings.changed', next);
      return next;
    },
    'diagnostics.reportRendererError': async ({ name, frames }) => {
      log.error('renderer.crash', { name, frames: frames.join(' | ') });
      return {};
    },
  };

  const router = createRouter(handlers, { trustedOrigins: new Set(config.trustedOrigins), log });
  log.info('host.started', { mode: config.mode, hostKind: config.hostKind, version: config.appVersion });

  return {
    router,
    events,
    log,
    async close() {
      log.info('host.stopped');
    },
  };
}
