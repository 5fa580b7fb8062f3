import type { Logger } from '../policy/logger.js';
import type { OutboxJobRow, OutboxSettlement } from '../vault/repo/outboxJobs.js';
import { nextDelayMs, type RetryPolicy } from './backoff.js';
import type { JobFailure, JobKind, JobResult } from './types.js';

export const INVALID_MESSAGE = 'Données de cet envoi illisibles (version précédente ?) : mis de côté, à vérifier.';
const EXHAUSTED = 'Échecs répétés : envoi à vérifier.';

/** What a handler's answer means for the stored job. */
export function settleResult(job: OutboxJobRow, kind: JobKind, log: Logger, result: JobResult): OutboxSettlement {
  if (result.outcome === 'recheck') {
    // Not an attempt: the server's copy may simply not be filed yet.
    return { id: job.id, state: 'retry-wait', nextAttemptAt: result.at, attemptsDelta: -1, checkServer: true };
  }
  if (result.outcome === 'resend') {
    log.info('outbox.resend-after-check', { id: job.id, kind: kind.kind });
    return { id: job.id, state: 'pending', checkServer: false, attemptsDelta: -1 };
  }
  if (result.alreadyOnServer === true) log.info('outbox.found-on-server', { id: job.id, kind: kind.kind });
  return {
    id: job.id,
    state: 'done',
    checkServer: false,
    errorCode: result.note?.code ?? null,
    errorMessage: result.note?.message ?? null,
    ...(result.messageFolder === undefined ? {} : { messageFolder: result.messageFolder }),
  };
}

/**
 * What a failure means: offline → back to `pending`, the attempt not counted (the peer is
 * paused and probed instead); needs-user → `needs-user` (the kind pauses); permanent →
 * `needs-review`; transient → `retry-wait` with backoff, or `needs-review` once the attempts
 * are spent. A failure that may have reached the server keeps the server check armed.
 */
export function settleFailure(job: OutboxJobRow, f: JobFailure, ctx: { startedAt: number; now: number; retry: RetryPolicy; random: () => number }): OutboxSettlement {
  const base = {
    id: job.id,
    errorCode: f.code,
    errorMessage: f.userMessage,
    checkServer: job.checkServer || f.mayHaveReached === true,
    ...(f.mayHaveReached === true ? { sentAt: ctx.startedAt } : {}),
  };
  if (f.offline === true) return { ...base, state: 'pending', nextAttemptAt: ctx.now, attemptsDelta: -1 };
  if (f.kind === 'needs-user') return { ...base, state: 'needs-user', attemptsDelta: -1 };
  if (f.kind === 'permanent') return { ...base, state: 'needs-review' };
  if (job.attempts >= ctx.retry.maxAttempts) return { ...base, state: 'needs-review', errorMessage: `${EXHAUSTED} ${f.userMessage}` };
  return { ...base, state: 'retry-wait', nextAttemptAt: ctx.now + nextDelayMs(job.attempts, ctx.retry, ctx.random, f.retryAfterMs) };
}
