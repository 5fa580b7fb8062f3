import type { z } from 'zod';
import type { OutboxJobSummary, OutboxState } from '../vault/repo/outboxJobs.js';

export type { OutboxJobSummary, OutboxState };

/**
 * A failure as the queue understands it. Mail and DMP clients throw their own error classes;
 * anything with these fields is understood (`toJobFailure`), anything else is `transient`.
 */
export interface JobFailure {
  readonly kind: 'transient' | 'permanent' | 'needs-user';
  readonly code: string;
  /** French, for the "Envois en attente" screen. Never a server's own text. */
  readonly userMessage: string;
  /** The network or the server is unreachable: pause the peer, do not count the attempt. */
  readonly offline?: boolean;
  /** The server may hold the effect already: check it before any resend. */
  readonly mayHaveReached?: boolean;
  readonly retryAfterMs?: number | undefined;
}

export interface JobContext {
  readonly id: number;
  readonly attempts: number;
  /** The previous attempt may have reached the server (crash, broken connection). */
  readonly checkServer: boolean;
  /** When that attempt was marked `sending`: start of the server's settle window. */
  readonly claimedAt: number | null;
}

export type JobResult =
  | { readonly outcome: 'done'; readonly messageFolder?: string; readonly alreadyOnServer?: boolean; readonly note?: { code: string; message: string } }
  /** Not yet known (the server may still be filing its copy): look again at `at`. */
  | { readonly outcome: 'recheck'; readonly at: number }
  /**
   * Checked, not there, settle window over: send again. Goes back to `pending` first, so the
   * new `sending` (and its settle window) is committed before the resend leaves.
   */
  | { readonly outcome: 'resend' };

export interface JobKind<P = unknown> {
  readonly kind: string;
  readonly schema: z.ZodType<P>;
  /** Connectivity domain: jobs of an offline peer wait, the others go on. */
  readonly peer: string;
  /** At most one job in flight per order key, oldest first (a DMP replacement after its original). */
  readonly ordered: boolean;
  readonly needsCard: boolean;
  readonly concurrency: number;
  run(payload: P, ctx: JobContext): Promise<JobResult>;
  /** Cheap reachability check while the peer is offline (connect + authenticate). */
  probe(): Promise<void>;
  close?(): Promise<void>;
}

export interface NewJob {
  readonly kind: string;
  readonly key: string;
  readonly orderKey?: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly notBefore?: number;
  readonly message?: import('../vault/repo/messages.js').NewMessage;
}

export interface OutboxStatus {
  /** For the status bar: `offline` as soon as one peer is unreachable. */
  readonly connectivity: 'online' | 'offline';
  readonly offlinePeers: readonly string[];
  readonly nextProbeAt: number | null;
  readonly waitingForCard: boolean;
  readonly pausedKinds: readonly string[];
  readonly inFlight: number;
  readonly counts: Readonly<Partial<Record<OutboxState, number>>>;
}

export type OutboxEvent =
  | { readonly type: 'job'; readonly id: number; readonly state: OutboxState }
  | { readonly type: 'status'; readonly status: OutboxStatus };

export function toJobFailure(error: unknown): JobFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Partial<Record<keyof JobFailure, unknown>>;
  if ((e.kind === 'transient' || e.kind === 'permanent' || e.kind === 'needs-user') && typeof e.code === 'string' && typeof e.userMessage === 'string') {
    return {
      kind: e.kind,
      code: e.code,
      userMessage: e.userMessage,
      offline: e.offline === true,
      mayHaveReached: e.mayHaveReached === true,
      retryAfterMs: typeof e.retryAfterMs === 'number' ? e.retryAfterMs : undefined,
    };
  }
  // An unexpected exception in a handler: assume the worst (it may have sent), retry later.
  return { kind: 'transient', code: 'internal', userMessage: 'Erreur interne pendant l’envoi : nouvel essai automatique.', mayHaveReached: true };
}
