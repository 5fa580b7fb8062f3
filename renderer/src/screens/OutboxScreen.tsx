import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../components/EmptyState.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import type { StatusView } from '../hooks/useStatus.js';
import { isFinished } from '../outbox/jobState.js';
import { OutboxJobItem } from '../outbox/OutboxJobItem.js';
import { useOutbox } from '../outbox/useOutbox.js';
import '../outbox/outbox.css';

/**
 * Envois en attente — what still has to leave (to send, sending, new try planned, to check,
 * action needed, unreadable), each with its actions; then the most recent finished ones (sent,
 * cancelled: the last 20 main returns), so the user sees each item leave. Re-read on every
 * `outbox.changed`.
 */
export function OutboxScreen({ status }: { status: StatusView }) {
  const { t } = useTranslation();
  const { state, refresh } = useOutbox();
  const listHeading = useRef<HTMLHeadingElement>(null);
  const [notice, setNotice] = useState('');
  const view = state.kind === 'ready' ? state.view : null;
  // The list and the status bar come from the same outbox; either may arrive first.
  const offline = view?.connectivity === 'offline' || (status.kind === 'ready' && status.status.network === 'offline');
  const waiting = view?.jobs.filter((job) => !isFinished(job.state)) ?? [];
  const finished = view?.jobs.filter((job) => isFinished(job.state)) ?? [];
  const cancelled = () => {
    setNotice(t('outbox.cancelled'));
    listHeading.current?.focus();
  };

  return (
    <>
      <ScreenTitle>{t('screens.outbox.title')}</ScreenTitle>
      <div role="status" className="outbox-live">
        {offline && view?.configured !== false && (
          <p className="outbox-offline" data-testid="outbox-offline">
            {t('outbox.offline')}
          </p>
        )}
      </div>
      {state.kind === 'failed' && (
        <p role="alert" className="field-error" data-testid="outbox-error">
          {t(`errors.${state.code}`)}
        </p>
      )}
      {view && !view.configured && (
        <div className="panel outbox-not-configured" data-testid="outbox-not-configured">
          <h2>{t('outbox.notConfiguredTitle')}</h2>
          <p>{t('outbox.notConfiguredBody')}</p>
        </div>
      )}
      {view && waiting.length === 0 && (
        <div data-testid="outbox-empty">
          <EmptyState title={t('screens.outbox.emptyTitle')} body={t('screens.outbox.emptyBody')} />
        </div>
      )}
      {waiting.length > 0 && (
        <section className="panel" aria-labelledby="outbox-list-title">
          <h2 id="outbox-list-title" ref={listHeading} tabIndex={-1} data-testid="outbox-count">
            {t('screens.outbox.pendingTitle', { count: waiting.length })}
          </h2>
          <p className="field-note">{t('outbox.listNote')}</p>
          <ul className="outbox-list" data-testid="outbox-list">
            {waiting.map((job) => (
              <OutboxJobItem key={job.id} job={job} onChanged={refresh} onCancelled={cancelled} />
            ))}
          </ul>
        </section>
      )}
      {finished.length > 0 && (
        <section className="panel" aria-labelledby="outbox-finished-title">
          <h2 id="outbox-finished-title">{t('outbox.finishedTitle')}</h2>
          <ul className="outbox-list" data-testid="outbox-finished-list">
            {finished.map((job) => (
              <OutboxJobItem key={job.id} job={job} onChanged={refresh} onCancelled={cancelled} testId="outbox-finished-job" />
            ))}
          </ul>
        </section>
      )}
      <p role="status" className="visually-hidden" data-testid="outbox-notice">
        {notice}
      </p>
    </>
  );
}
