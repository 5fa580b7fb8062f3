import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryStatusView } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import { announcedStep, formatBytes, formatCount, formatDateTime, percentOf } from './format.js';
import type { DirectoryStatusState } from './useDirectoryStatus.js';

interface Props {
  readonly state: DirectoryStatusState;
}

type Problem = { kind: 'none' } | { kind: 'busy' } | { kind: 'error'; code: ApiCallError['code'] };

/**
 * Réglages › Annuaire Santé: what is there (count, date, source), the update from the
 * configured address or from a file, a progress bar in bytes (and lines read), cancel, the
 * result. The polite summary speaks at each phase and quarter, not at every event.
 */
export function DirectoryImport({ state }: Props) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const locale = i18n.language;
  const [problem, setProblem] = useState<Problem>({ kind: 'none' });
  const firstButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const status: DirectoryStatusView | null = state.kind === 'ready' ? state.status : null;
  const job = status?.import;
  const running = job?.state === 'running';

  // The cancel button goes away with the import: focus must not fall to the page's top.
  const cancelHadFocus = useRef(false);
  useEffect(() => {
    if (!running && cancelHadFocus.current) {
      cancelHadFocus.current = false;
      firstButton.current?.focus();
    }
  }, [running]);

  const start = (source: 'download' | 'file'): void => {
    if (running) {
      setProblem({ kind: 'busy' });
      return;
    }
    setProblem({ kind: 'none' });
    invoke('directory.import', { source }).then(
      ({ started }) => {
        if (!started && source === 'download') setProblem({ kind: 'busy' });
      },
      (error: unknown) => setProblem({ kind: 'error', code: error instanceof ApiCallError ? error.code : 'INTERNAL' }),
    );
  };
  const cancel = (): void => {
    invoke('directory.cancelImport', {}).catch((error: unknown) => setProblem({ kind: 'error', code: error instanceof ApiCallError ? error.code : 'INTERNAL' }));
  };

  const phaseLabel = job?.phase ? t(`directory.phase.${job.phase}`) : '';
  const percent = job ? percentOf(job.bytesDone, job.bytesTotal) : null;
  const step = announcedStep(percent);
  const summary = (() => {
    if (!job) return '';
    if (job.state === 'running') {
      return percent === null || step === 0 ? t('directory.live.started', { phase: phaseLabel }) : t('directory.live.percent', { phase: phaseLabel, percent: step * 25 });
    }
    if (job.state === 'done') return t('directory.result.done', { lines: formatCount(job.lines, locale), rejected: formatCount(job.rejected, locale) });
    if (job.state === 'cancelled') return t('directory.result.cancelled');
    return '';
  })();

  return (
    <section className="panel directory-panel" aria-labelledby={`${id}-h`} data-testid="directory-settings">
      <h2 id={`${id}-h`}>{t('directory.settings.title')}</h2>
      <p className="field-note">{t('directory.settings.note')}</p>

      {status && status.count > 0 && status.importedAt !== null ? (
        <dl className="facts directory-facts">
          <dt>{t('directory.settings.count')}</dt>
          <dd data-testid="directory-count">{formatCount(status.count, locale)}</dd>
          <dt>{t('directory.settings.importedAt')}</dt>
          <dd>{formatDateTime(status.importedAt, locale)}</dd>
          <dt>{t('directory.settings.source')}</dt>
          <dd className="directory-source">{status.source}</dd>
        </dl>
      ) : (
        state.kind === 'ready' && <p data-testid="directory-none">{t('directory.settings.none')}</p>
      )}

      {status && (
        <div className="button-row">
          {status.downloadConfigured && (
            <button type="button" ref={firstButton} className="button button-primary" data-testid="directory-download" aria-disabled={running || undefined} onClick={() => start('download')}>
              {t('directory.settings.download')}
            </button>
          )}
          {status.filePickerAvailable && (
            <button type="button" ref={status.downloadConfigured ? undefined : firstButton} className="button" data-testid="directory-file" aria-disabled={running || undefined} onClick={() => start('file')}>
              {t('directory.settings.file')}
            </button>
          )}
          {running && (
            <button
              type="button"
              ref={cancelButton}
              className="button"
              data-testid="directory-cancel"
              onClick={cancel}
              onFocus={() => (cancelHadFocus.current = true)}
              onBlur={() => (cancelHadFocus.current = false)}
            >
              {t('directory.settings.cancel')}
            </button>
          )}
        </div>
      )}
      {status && !status.downloadConfigured && !status.filePickerAvailable && <p className="field-note">{t('directory.settings.noSource')}</p>}

      {running && job && (
        <div className="directory-progress" data-testid="directory-progress">
          <label id={`${id}-phase`} htmlFor={`${id}-bar`}>
            {phaseLabel}
          </label>
          <progress id={`${id}-bar`} data-testid="directory-progress-bar" max={job.bytesTotal ?? undefined} value={job.bytesTotal === null ? undefined : Math.min(job.bytesDone, job.bytesTotal)} />
          <p className="directory-progress-figures" data-testid="directory-progress-figures">
            {job.bytesTotal === null
              ? t('directory.progress.bytesUnknown', { done: formatBytes(job.bytesDone, locale) })
              : t('directory.progress.bytes', { done: formatBytes(job.bytesDone, locale), total: formatBytes(job.bytesTotal, locale) })}
            {job.phase === 'import' && (
              <>
                <br />
                {t('directory.progress.lines', { lines: formatCount(job.lines, locale), rejected: formatCount(job.rejected, locale) })}
              </>
            )}
          </p>
        </div>
      )}

      <p role="status" aria-live="polite" className={job?.state === 'done' ? 'field-feedback' : 'field-feedback directory-summary-running'} data-testid="directory-summary">
        {summary}
      </p>
      {job?.state === 'failed' && job.message !== null && (
        <p role="alert" className="field-error" data-testid="directory-failure">
          {job.message}
        </p>
      )}
      {problem.kind === 'busy' && <p className="field-note">{t('directory.settings.busy')}</p>}
      {problem.kind === 'error' && (
        <p role="alert" className="field-error">
          {t(`errors.${problem.code}`)}
        </p>
      )}
      {state.kind === 'failed' && (
        <p role="alert" className="field-error">
          {t(`errors.${state.code}`)}
        </p>
      )}
    </section>
  );
}
