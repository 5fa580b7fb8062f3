import { EventEmitter } from 'node:events';
import type { Logger } from '../policy/logger.js';
import { CardError, withTimeout } from './errors.js';
import type { CardProvider, TokenSummary } from './provider.js';

/**
 * Watches readers and cards by polling (default every 500 ms): C_GetSlotList(true) and
 * C_GetTokenInfo on each slot; a slot whose token changed serial counts as removed then
 * inserted. A token that stops answering C_GetTokenInfo counts as removed.
 *
 * Why polling and not C_WaitForSlotEvent: SoftHSM2 answers CKF_DONT_BLOCK with "no event"
 * forever (measured, 2.6.1), and a blocking wait needs a thread of its own that C_Finalize
 * must interrupt. Polling behaves the same on every module. The Cryptolib CPS polls its
 * readers itself (`tpc_polling_time`, 2 s by default on Windows).
 *
 * SoftHSM2 only discovers tokens at C_Initialize: with `rescan: true` the watcher asks the
 * provider to re-initialise the library (C_Finalize + C_Initialize) before each poll, which
 * the provider does only while no slot is logged in. A token removed on disk is still noticed
 * while signed in (C_GetTokenInfo fails). Leave `rescan` off for the Cryptolib CPS.
 *
 * Events: 'inserted' (TokenSummary), 'removed' ({ slotId, serial }), 'readers' (count),
 * 'error' (CardError; polling goes on).
 */

export interface CardWatcherOptions {
  readonly provider: CardProvider;
  readonly log: Logger;
  readonly intervalMs?: number;
  /** Bound on one poll (default 3 s). */
  readonly pollTimeoutMs?: number;
  readonly rescan?: boolean;
}

export interface RemovedEvent {
  readonly slotId: string;
  readonly serial: string;
}

export interface CardWatcher {
  start(): Promise<void>;
  stop(): void;
  /** Polls now (coalesced with a poll in flight). */
  poll(): Promise<void>;
  tokens(): readonly TokenSummary[];
  readerCount(): number;
  on(event: 'inserted', listener: (token: TokenSummary) => void): void;
  on(event: 'removed', listener: (event: RemovedEvent) => void): void;
  on(event: 'readers', listener: (count: number) => void): void;
  on(event: 'error', listener: (error: CardError) => void): void;
}

export function createCardWatcher(options: CardWatcherOptions): CardWatcher {
  const { provider, log } = options;
  const intervalMs = options.intervalMs ?? 500;
  const pollTimeoutMs = options.pollTimeoutMs ?? 3_000;
  const emitter = new EventEmitter();
  emitter.on('error', () => undefined); // never an unhandled 'error' event
  let known = new Map<string, TokenSummary>();
  let readers = -1;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let running = false;

  async function pollOnce(): Promise<void> {
    if (options.rescan && provider.rescan) await provider.rescan();
    const slots = await provider.listSlots();
    const tokens = await provider.listTokens();
    if (slots.length !== readers) {
      readers = slots.length;
      emitter.emit('readers', readers);
    }
    const next = new Map(tokens.map((t) => [t.slotId, t]));
    for (const [slotId, old] of known) {
      const now = next.get(slotId);
      if (!now || now.serial !== old.serial) {
        log.info('card.watch.removed', { slot: slotId });
        emitter.emit('removed', { slotId, serial: old.serial } satisfies RemovedEvent);
      }
    }
    for (const [slotId, token] of next) {
      const old = known.get(slotId);
      if (!old || old.serial !== token.serial) {
        log.info('card.watch.inserted', { slot: slotId });
        emitter.emit('inserted', token);
      }
    }
    known = next;
  }

  function poll(): Promise<void> {
    if (inFlight) return inFlight;
    inFlight = withTimeout(pollOnce(), pollTimeoutMs, 'card poll')
      .catch((error: unknown) => {
        const cardError = error instanceof CardError ? error : new CardError('card-error', `poll: ${error instanceof Error ? error.name : 'unknown'}`);
        log.warn('card.watch.poll_failed', { code: cardError.code });
        emitter.emit('error', cardError);
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      void poll().finally(schedule);
    }, intervalMs);
    timer.unref?.();
  }

  return {
    async start() {
      if (running) return;
      running = true;
      await poll();
      schedule();
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    poll,
    tokens: () => [...known.values()],
    readerCount: () => Math.max(readers, 0),
    on(event: string, listener: (...args: never[]) => void) {
      emitter.on(event, listener as (...args: unknown[]) => void);
    },
  };
}
