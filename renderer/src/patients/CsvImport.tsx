import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportReportView } from '../../../shared/api/index.js';
import { MAX_CSV_CHARS } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';
import { FailureAlert, failureOf, MainText, ViewHeading, type Failure } from './common.js';

/** CSV import: the file is read here, main checks every line and reports what it refused and why. */
export function CsvImport({ onBack, onOpen }: { onBack: () => void; onOpen: (id: number) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [report, setReport] = useState<ImportReportView | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (pending) return;
    setFailure(null);
    setReport(null);
    const file = input.current?.files?.[0];
    const local = (message: string) => setFailure({ kind: 'refusal', refusal: { ok: false, code: 'file', message } });
    if (file === undefined) return local(t('patients.import.noFile'));
    if (file.size > MAX_CSV_CHARS) return local(t('patients.import.tooLarge'));
    setPending(true);
    try {
      const csv = await file.text();
      if (csv.length === 0 || csv.length > MAX_CSV_CHARS) return local(t('patients.import.tooLarge'));
      const result = await invoke('patients.importCsv', { csv });
      if (result.ok) setReport(result.report);
      else setFailure({ kind: 'refusal', refusal: result });
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setPending(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`}>
      <button type="button" className="button button-small" onClick={onBack}>
        {t('patients.file.back')}
      </button>
      <ViewHeading>
        <span id={`${id}-title`}>{t('patients.import.title')}</span>
      </ViewHeading>
      <p className="field-note">{t('patients.import.intro')}</p>
      <form onSubmit={(e) => void onSubmit(e)} className="panel import-form" noValidate>
        <div className="field field-wide">
          <label htmlFor={`${id}-file`}>{t('patients.import.fileLabel')}</label>
          <input ref={input} id={`${id}-file`} type="file" accept=".csv,text/csv" aria-describedby={`${id}-hint`} data-testid="import-file" />
          <p id={`${id}-hint`} className="field-note">
            {t('patients.import.hint')}
          </p>
        </div>
        <div className="button-row">
          <button type="submit" className="button button-primary" aria-disabled={pending || undefined} data-testid="import-submit">
            {pending ? t('patients.import.importing') : t('patients.import.submit')}
          </button>
        </div>
      </form>
      <FailureAlert failure={failure} testId="import-failure" />
      <div role="status" data-testid="import-status">
        {report !== null && <p className="import-summary">{t('patients.import.summary', { total: report.total, imported: report.imported.length, refused: report.refused.length })}</p>}
      </div>
      {report !== null && (
        <div className="panel" data-testid="import-report">
          {report.fileProblem !== null && (
            <p role="alert" className="field-error">
              <MainText>{report.fileProblem}</MainText>
            </p>
          )}
          {report.ignoredColumns.length > 0 && <p>{t('patients.import.ignored', { columns: report.ignoredColumns.join(', ') })}</p>}
          {report.refused.length > 0 && (
            <table className="patients-table">
              <caption>{t('patients.import.refusedCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('patients.import.line')}</th>
                  <th scope="col">{t('patients.import.reasons')}</th>
                </tr>
              </thead>
              <tbody>
                {report.refused.slice(0, 500).map((r) => (
                  <tr key={r.line}>
                    <td>{r.line}</td>
                    <td>
                      <MainText>{r.reasons.join(' ')}</MainText>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.imported.length > 0 && (
            <>
              <h3 className="subsection-title">{t('patients.import.importedTitle')}</h3>
              <ul className="import-imported">
                {report.imported.slice(0, 200).map((i) => (
                  <li key={i.line}>
                    <button type="button" className="link-button" onClick={() => onOpen(i.patientId)}>
                      {t('patients.import.openLine', { line: i.line })}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
