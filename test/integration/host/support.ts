import type { CallResult, CardView } from '../../../shared/api/index.js';
import { createHost, type Host } from '../../../electron/host/createHost.js';
import type { HostConfig } from '../../../electron/host/config.js';
import type { TestCard } from '../../peers/softhsm/createTestCard.js';

/** Shared by the host integration tests: the app's own caller, a host on a SoftHSM2 card, waits. */
export const appCaller = { origin: 'app://caducee', isMainFrame: true } as const;

/** A normal-mode host whose card is the SoftHSM2 test card (SOFTHSM2_CONF set here). */
export function hostOnTestCard(card: TestCard, dataDir: string, extra: Partial<HostConfig> = {}): Host {
  process.env['SOFTHSM2_CONF'] = card.softhsmConf;
  return createHost({
    mode: 'normal',
    hostKind: 'web',
    dataDir,
    appVersion: 'test',
    platform: 'linux',
    trustedOrigins: [appCaller.origin],
    card: { modulePath: card.modulePath, anchorFolders: [card.anchorsDir], crlSources: [card.crlPath], rescan: true, pollIntervalMs: 200 },
    ...extra,
  });
}

/** Calls a method as the renderer would; throws on a refused call (with its code). */
export async function callHost<T = unknown>(host: Host, method: string, input: unknown): Promise<T> {
  const result: CallResult = await host.router.call(method, input, appCaller);
  if (!result.ok) throw new Error(`${method}: ${result.error.code}`);
  return result.value as T;
}

/** Polls `read` until `ok`; fails after `timeoutMs` with what it last read. Returns the value and the wait. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return { value, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`not reached after ${timeoutMs} ms: ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for a card state; returns how long it took (ms). */
export async function waitForCardState(host: Host, state: CardView['state'], timeoutMs = 5_000): Promise<number> {
  return (await until(() => callHost<CardView>(host, 'card.getState', {}), (v) => v.state === state, timeoutMs)).ms;
}
