import type { TFunction } from 'i18next';
import type { OutboxJobView, OutboxStateView } from '../../../shared/api/index.js';

/** Sent or cancelled: nothing left to do. */
export function isFinished(state: OutboxStateView): boolean {
  return state === 'done' || state === 'cancelled';
}

/** What the user may do with a job in this state (mirrors the vault's own guards). */
export function canRetry(state: OutboxStateView): boolean {
  return state === 'pending' || state === 'retry-wait' || state === 'needs-review' || state === 'needs-user';
}

export function canCancel(state: OutboxStateView): boolean {
  return canRetry(state) || state === 'invalid';
}

/** HH:MM in the interface's language (24 h in French). */
export function clockTime(epochMs: number, language: string): string {
  return new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(epochMs));
}

/** The job's state in words: « à envoyer », « nouvel essai prévu à 14:05 »… */
export function stateLabel(t: TFunction, job: Pick<OutboxJobView, 'state' | 'nextAttemptAt'>, language: string): string {
  if (job.state === 'retry-wait') return t('outbox.states.retry-wait', { time: clockTime(job.nextAttemptAt, language) });
  return t(`outbox.states.${job.state}`);
}
