import type { Logger } from '../policy/logger.js';

/**
 * Per-peer reachability, learned from real failures (refused connections, DNS, TLS, timeouts),
 * not from the OS flag. An offline peer is probed with backoff + jitter; the first probe that
 * answers brings it back and the queue resumes by itself.
 */
export interface Connectivity {
  isOffline(peer: string): boolean;
  offlinePeers(): string[];
  nextProbeAt(): number | null;
  markOffline(peer: string): void;
  /** Probe every offline peer now (OS network change, user pressed "réessayer"). */
  probeNow(): void;
  stop(): void;
}

export function createConnectivity(options: {
  probe: (peer: string) => Promise<void>;
  onChange: () => void;
  log: Logger;
  random: () => number;
  now: () => number;
  baseMs?: number;
  maxMs?: number;
}): Connectivity {
  const baseMs = options.baseMs ?? 1_000;
  const maxMs = options.maxMs ?? 60_000;
  const peers = new Map<string, { failures: number; timer: NodeJS.Timeout | null; at: number; probing: boolean }>();
  let stopped = false;

  const schedule = (peer: string) => {
    const p = peers.get(peer);
    if (p === undefined || stopped) return;
    const exp = Math.min(maxMs, baseMs * 2 ** Math.min(p.failures, 16));
    const delay = Math.round(exp / 2 + (options.random() * exp) / 2);
    if (p.timer !== null) clearTimeout(p.timer);
    p.at = options.now() + delay;
    p.timer = setTimeout(() => void probe(peer), delay);
  };
  const probe = async (peer: string) => {
    const p = peers.get(peer);
    if (p === undefined || p.probing || stopped) return;
    p.probing = true;
    if (p.timer !== null) clearTimeout(p.timer);
    p.timer = null;
    try {
      await options.probe(peer);
      peers.delete(peer);
      options.log.info('outbox.online', { peer });
      options.onChange();
    } catch {
      p.failures += 1;
      p.probing = false;
      schedule(peer);
      options.onChange();
    }
  };

  return {
    isOffline: (peer) => peers.has(peer),
    offlinePeers: () => [...peers.keys()],
    nextProbeAt() {
      const times = [...peers.values()].filter((p) => p.timer !== null).map((p) => p.at);
      return times.length === 0 ? null : Math.min(...times);
    },
    markOffline(peer) {
      if (peers.has(peer) || stopped) return;
      peers.set(peer, { failures: 0, timer: null, at: 0, probing: false });
      options.log.warn('outbox.offline', { peer });
      schedule(peer);
      options.onChange();
    },
    probeNow() {
      for (const peer of peers.keys()) void probe(peer);
    },
    stop() {
      stopped = true;
      for (const p of peers.values()) if (p.timer !== null) clearTimeout(p.timer);
    },
  };
}
