import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiCallError, invoke } from '../api/client.js';

type State =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'done'; fileName: string; count: number }
  | { kind: 'error'; code: ApiCallError['code'] };

/**
 * Réglages › Journal d’audit: exports the hash-chained trail, verified and signed with the
 * card's signature key, for the establishment's DPO or an inspection.
 */
export function AuditExport() {
  const { t } = useTranslation();
  const id = useId();
  const [state, setState] = useState<State>({ kind: 'idle' });

  const onExport = (): void => {
    setState({ kind: 'busy' });
    invoke('audit.export', {}).then(
      ({ fileName, count }) => setState({ kind: 'done', fileName, count }),
      (error: unknown) => setState({ kind: 'error', code: error instanceof ApiCallError ? error.code : 'INTERNAL' }),
    );
  };

  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('settings.audit.legend')}</h2>
      <p className="field-note">{t('settings.audit.note')}</p>
      <button type="button" className="button" data-testid="audit-export" onClick={onExport} disabled={state.kind === 'busy'}>
        {t('settings.audit.export')}
      </button>
      <p role="status" className="field-feedback" data-testid="audit-export-status">
        {state.kind === 'busy' && t('settings.audit.busy')}
        {state.kind === 'done' && t('settings.audit.done', { count: state.count, fileName: state.fileName })}
      </p>
      {state.kind === 'error' && (
        <p role="alert" className="field-error">
          {t(`errors.${state.code}`)}
        </p>
      )}
    </section>
  );
}
