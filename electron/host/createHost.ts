import path from 'node:path';
import type { Status } from '../../shared/api/index.js';
import { ServiceError } from '../../shared/api/index.js';
import type { CardProvider } from '../card/provider.js';
import { createDemoInsi } from '../demo/demoInsi.js';
import { consoleSink, createLogger, createRotatingFileSink, teeSink, type Logger } from '../policy/logger.js';
import { loadMachinePolicy } from '../policy/machinePolicy.js';
import { logDir, profileDir } from '../policy/paths.js';
import { createSettingsStore } from '../policy/settingsStore.js';
import type { Sealer } from '../vault/keys/keyring.js';
import { exportAuditTrail } from './auditExport.js';
import { createCardHandlers } from './cardHandlers.js';
import { createCardSetup } from './cardSetup.js';
import { hostConfigSchema, type HostConfig } from './config.js';
import { createEventBus, type EventBus } from './eventBus.js';
import { createIdleLock } from './idleLock.js';
import { createDirectoryHandlers, type PickFile } from './directoryHandlers.js';
import { accountFromConfig } from './mailAccount.js';
import { changeFlag } from './mailFlagChange.js';
import { createMailHandlers } from './mailHandlers.js';
import { createMailSession } from './mailSession.js';
import { createOutboxHandlers } from './outboxHandlers.js';
import { createPscHandlers } from './pscHandlers.js';
import { createPscSessionHost, type OpenAuthWindow, type PscSessionHost } from './pscSession.js';
import { createOutboxSession } from './outboxSession.js';
import { createPatientHandlers } from './patientHandlers.js';
import { createRouter, type Handlers, type Router } from './router.js';
import { createVaultSession } from './vaultSession.js';

export interface Host {
  readonly router: Router;
  readonly events: EventBus;
  readonly log: Logger;
  /** Pro Santé Connect (the web host's `/psc/callback` route completes sign-ins through it). */
  readonly psc: PscSessionHost;
  /** Resolves once the card watcher made its first pass (tests wait on it, never on sleeps). */
  readonly ready: Promise<void>;
  /** Stops every service; resolves once pending work is safely stored and the vault closed. */
  close(): Promise<void>;
}

/** What only the caller can provide: OS services (Electron) or test doubles of a peer. */
export interface HostDeps {
  /** The OS keystore (Electron's safeStorage); absent in the web host. */
  readonly sealer?: Sealer;
  /** Replaces the configured PKCS#11 module (fault-injecting wrapper in tests). */
  readonly cardProvider?: CardProvider;
  /** The bundled vault worker (packaged app); default: the TypeScript worker through tsx. */
  readonly vaultWorkerFile?: string;
  /** The bundled mail parse worker (packaged app); default: the TypeScript worker through tsx. */
  readonly mailParseWorkerFile?: string;
  /** Pro Santé Connect's authorization window (Electron); the web host redirects to itself. */
  readonly openAuthWindow?: OpenAuthWindow;
  /** An OS file picker (Electron). */
  readonly pickFile?: PickFile;
}

/**
 * The composition root: builds every service from plain Node, without Electron, so the same
 * product runs in the Electron shell, in the web host and in integration tests.
 */
export function createHost(input: HostConfig, deps: HostDeps = {}): Host {
  const config = hostConfigSchema.parse(input);
  const fileSink = createRotatingFileSink(logDir(config.dataDir));
  const log = createLogger(config.logToConsole ? teeSink(fileSink, consoleSink) : fileSink);
  const policy = loadMachinePolicy(config.policyFile, log);
  const profile = profileDir(config.dataDir, config.mode);
  const settings = createSettingsStore(profile, policy, log);
  const events = createEventBus();

  const { service: card, virtualCard } = createCardSetup({
    mode: config.mode,
    profileDir: profile,
    platform: config.platform as NodeJS.Platform,
    card: config.card,
    log,
    ...(deps.cardProvider ? { provider: deps.cardProvider } : {}),
  });
  const vault = createVaultSession({
    profileDir: profile,
    card,
    log,
    ...(deps.sealer ? { sealer: deps.sealer } : {}),
    ...(deps.vaultWorkerFile ? { workerFile: deps.vaultWorkerFile } : {}),
  });
  const idle = createIdleLock({ minutes: () => settings.get().idleLockMinutes, log, lock: () => card.signOut() });

  const status: Status = { card: { state: 'no-reader' }, network: 'unknown', pendingJobs: 0 };
  const psc = createPscSessionHost({
    config: config.psc,
    hostKind: config.hostKind,
    log,
    events,
    card,
    ...(deps.openAuthWindow ? { openAuthWindow: deps.openAuthWindow } : {}),
  });
  const account = config.mail ? accountFromConfig(config.mail, { pscAccessToken: () => psc.accessToken() }) : undefined;
  const insMode = config.mode === 'demo' ? 'demo' : config.identityMode;
  const mail = createMailSession({
    account,
    authKind: config.mail?.auth.type ?? null,
    mode: config.mode,
    insMode,
    log,
    events,
    psc,
    // Declared below; called only once the session runs.
    onOnline: () => outbox.current()?.networkChanged(),
    ...(deps.mailParseWorkerFile ? { parse: { workerFile: deps.mailParseWorkerFile } } : {}),
  });
  const outbox = createOutboxSession({
    mail: config.mail,
    account,
    mode: config.mode,
    log,
    isCardPresent: () => card.getState().state === 'signed-in',
    imapFlags: { store: (p) => mail.replayFlag(p), probe: () => mail.probe() },
    onSent: async (p) => {
      const open = vault.current();
      if (p.replyToRowId === undefined || !open) return;
      const folder = await changeFlag({ vault: open, mail, outbox }, p.replyToRowId, '\\Answered', true);
      if (folder !== null) mail.changed([folder]);
    },
    onJobDone: () => {
      mail.changed(['Outbox', config.mail?.sentFolder ?? 'Sent']);
      mail.sentSoon();
    },
    onChange: ({ active, connectivity }) => {
      events.emit('outbox.changed', { active, connectivity });
      if (status.pendingJobs === active && status.network === connectivity) return;
      status.pendingJobs = active;
      status.network = connectivity;
      events.emit('status.changed', { ...status });
    },
  });
  const cardHandlers = createCardHandlers({
    card,
    vault,
    events,
    log,
    idle,
    virtualCard,
    onSessionOpened: async () => {
      const open = vault.current();
      if (open) await Promise.all([outbox.start(open), mail.start(open)]);
    },
  });
  const outboxHandlers = createOutboxHandlers({ outbox, vault });
  const mailHandlers = createMailHandlers({
    mail,
    outbox,
    vault,
    card,
    log,
    mode: config.mode,
    insMode,
    appVersion: config.appVersion,
    xdm: config.mail?.xdm,
    remoteContentAllowLoopbackHttp: config.mailRemoteContentAllowLoopbackHttp,
  });
  const directoryHandlers = createDirectoryHandlers({ vault, events, log, config: config.directory, tempDir: path.join(profile, 'tmp'), ...(deps.pickFile ? { pickFile: deps.pickFile } : {}) });
  const pscHandlers = createPscHandlers({ psc });
  // Demo: fictitious identities under the demo OID only, from an in-process INSi double.
  const patientHandlers = createPatientHandlers({
    card,
    vault,
    log,
    mode: config.mode === 'demo' ? 'demo' : config.identityMode,
    insi:
      config.mode === 'demo'
        ? { kind: 'service', service: createDemoInsi() }
        : config.insi
          ? { kind: 'client', config: config.insi, appVersion: config.appVersion }
          : { kind: 'none' },
  });
  card.on('state', (state) => {
    if (state.state !== 'signed-in') {
      idle.stop();
      // Card out, signed out or idle: the outbox stops (jobs in flight end first), then the key
      // leaves memory; queued work stays in the closed vault.
      const reason = state.state === 'absent' ? 'card-removed' : 'signed-out';
      void Promise.all([outbox.stop(), mail.stop()])
        .then(() => vault.close(reason))
        .catch((error: unknown) => log.error('vault.close-failed', { error: error instanceof Error ? error.name : 'unknown' }));
    }
    if (status.card.state !== state.state) {
      status.card = { state: state.state };
      events.emit('status.changed', { ...status });
    }
  });

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
    ...cardHandlers,
    ...patientHandlers,
    ...outboxHandlers,
    ...mailHandlers,
    ...directoryHandlers,
    ...pscHandlers,
    'demo.setCardInserted': async ({ inserted }) => {
      if (!virtualCard) throw new ServiceError('UNAVAILABLE', 'demo card control outside demo mode');
      if (inserted) virtualCard.insert();
      else virtualCard.remove();
      await card.poll();
      return {};
    },
    'audit.export': async () => {
      const state = card.getState();
      if (state.state !== 'signed-in') throw new ServiceError('LOCKED', 'audit export while locked');
      return exportAuditTrail({ card, vault, exportsDir: path.join(profile, 'exports'), actor: state.profile.idNat, log });
    },
    'session.activity': async () => {
      idle.touch();
      return {};
    },
    'diagnostics.reportRendererError': async ({ name, frames }) => {
      log.error('renderer.crash', { name, frames: frames.join(' | ') });
      return {};
    },
  };

  const router = createRouter(handlers, { trustedOrigins: new Set(config.trustedOrigins), log });
  const ready = card.start().catch((error: unknown) => {
    log.error('card.start-failed', { error: error instanceof Error ? error.name : 'unknown' });
  });
  log.info('host.started', { mode: config.mode, hostKind: config.hostKind, version: config.appVersion });

  return {
    router,
    events,
    log,
    psc,
    ready,
    async close() {
      idle.stop();
      await Promise.all([outbox.stop().catch(() => undefined), mail.stop().catch(() => undefined), psc.close().catch(() => undefined)]);
      await card.stop().catch(() => undefined);
      await vault.close('shutdown');
      log.info('host.stopped');
    },
  };
}
