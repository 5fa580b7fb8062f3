import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryEntryView, PatientView } from '../../../shared/api/index.js';
import { identityDocumentSchema } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';
import { FailureAlert, failureOf, StatusBadge, ViewHeading, type Failure } from './common.js';
import { frenchDate, fullName, groupedIns, historyValue, insKind, maskedIns } from './format.js';
import { InsiVerification } from './InsiVerification.js';
import { MergePanel } from './MergePanel.js';
import { PatientEdit } from './PatientEdit.js';

interface Props {
  readonly id: number;
  readonly onBack: () => void;
  readonly onOpen: (id: number) => void;
}

type Loaded = { kind: 'loading' } | { kind: 'failed'; failure: Failure } | { kind: 'ready'; patient: PatientView; history: readonly HistoryEntryView[] };

/**
 * The patient file: identity with its status and what the status allows, the INS (masked until
 * asked), the verification (INSi, identity document), merging a duplicate, and the history of
 * who changed what. Whenever the identity is not qualified, a banner says the INS will not leave
 * the workstation.
 */
export function PatientFile({ id, onBack, onOpen }: Props) {
  const { t, i18n } = useTranslation();
  const hid = useId();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });
  const [revealIns, setRevealIns] = useState(false);
  const [document, setDocument] = useState('');
  const [docFailure, setDocFailure] = useState<Failure | null>(null);
  const [docDone, setDocDone] = useState<string | null>(null);
  // The edit form replaces the identity list; `editKey` starts it afresh after a reload.
  const [editing, setEditing] = useState(false);
  const [editKey, setEditKey] = useState(0);
  const [edited, setEdited] = useState<string | null>(null);
  const identityHeading = useRef<HTMLHeadingElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const focusAfterEdit = useRef<'heading' | 'button' | null>(null);

  const fetchFile = useCallback(
    () =>
      invoke('patients.get', { id }).then(
        (result) => setLoaded(result.ok ? { kind: 'ready', patient: result.patient, history: result.history } : { kind: 'failed', failure: { kind: 'refusal', refusal: result } }),
        (error: unknown) => setLoaded({ kind: 'failed', failure: failureOf(error) }),
      ),
    [id],
  );
  const reload = useCallback(() => void fetchFile(), [fetchFile]);
  useEffect(reload, [reload]);

  // Leaving the edit form: focus goes back to the identity (after save) or to "Modifier".
  useEffect(() => {
    if (editing || focusAfterEdit.current === null) return;
    (focusAfterEdit.current === 'heading' ? identityHeading.current : editButton.current)?.focus();
    focusAfterEdit.current = null;
  }, [editing]);

  const dateTime = (ms: number) => new Date(ms).toLocaleString(i18n.language.startsWith('fr') ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });

  const back = (
    <button type="button" className="button button-small" onClick={onBack} data-testid="patient-file-back">
      {t('patients.file.back')}
    </button>
  );
  if (loaded.kind === 'loading') {
    return (
      <section>
        {back}
        <p role="status">{t('patients.file.loading')}</p>
      </section>
    );
  }
  if (loaded.kind === 'failed') {
    return (
      <section>
        {back}
        <FailureAlert failure={loaded.failure} testId="patient-file-failure" />
      </section>
    );
  }

  const { patient, history } = loaded;
  const tr = patient.traits;
  const kind = patient.ins === null ? null : insKind(patient.ins.oid);

  const startEdit = (): void => {
    setEdited(null);
    setEditing(true);
  };
  const cancelEdit = (): void => {
    focusAfterEdit.current = 'button';
    setEditing(false);
  };
  const saved = (updated: PatientView): void => {
    // The new values at once; the history follows with the reload.
    setLoaded((l) => (l.kind === 'ready' ? { ...l, patient: updated } : l));
    setEdited(t('patients.edit.saved', { status: t(`patients.status.${updated.status}`) }));
    focusAfterEdit.current = 'heading';
    setEditing(false);
    reload();
  };
  // After a version conflict: the form starts afresh once the current file is here.
  const reloadForEdit = (): void => {
    void fetchFile().then(() => setEditKey((k) => k + 1));
  };

  const recordDocument = (): void => {
    const parsed = identityDocumentSchema.safeParse(document);
    setDocDone(null);
    if (!parsed.success) {
      setDocFailure({ kind: 'refusal', refusal: { ok: false, code: 'document-missing', message: t('patients.verify.documentMissing') } });
      return;
    }
    setDocFailure(null);
    invoke('patients.recordDocumentCheck', { id: patient.id, version: patient.version, document: parsed.data }).then(
      (result) => {
        if (!result.ok) {
          setDocFailure({ kind: 'refusal', refusal: result });
          return;
        }
        setDocDone(t('patients.verify.documentDone', { status: t(`patients.status.${result.patient.status}`) }));
        reload();
      },
      (error: unknown) => setDocFailure(failureOf(error)),
    );
  };

  return (
    <article aria-labelledby={`${hid}-title`} data-testid="patient-file">
      {back}
      <ViewHeading testId="patient-file-title">
        <span id={`${hid}-title`}>{t('patients.file.title', { name: fullName(tr) })}</span>
      </ViewHeading>

      {!patient.canShareIns && (
        <div className="ins-warning" data-testid="ins-not-shared-warning">
          <strong>{t('patients.file.notQualifiedTitle')}</strong> {t('patients.file.notQualifiedBody')}
        </div>
      )}

      <section className="panel" aria-labelledby={`${hid}-status`}>
        <h3 id={`${hid}-status`}>{t('patients.file.statusTitle')}</h3>
        <p className="status-line">
          <StatusBadge status={patient.status} testId="patient-status" />
        </p>
        <p data-testid="patient-status-meaning">{t(`patients.statusMeaning.${patient.status}`)}</p>
      </section>

      <section className="panel" aria-labelledby={`${hid}-identity`}>
        <div className="panel-heading">
          <h3 id={`${hid}-identity`} ref={identityHeading} tabIndex={-1}>
            {t('patients.file.identityTitle')}
          </h3>
          {!editing && (
            <button ref={editButton} type="button" className="button button-small" onClick={startEdit} aria-describedby={`${hid}-identity`} data-testid="patient-edit-open">
              {t('patients.edit.open')}
            </button>
          )}
        </div>
        <p role="status" className="field-feedback collapse-empty" data-testid="patient-edit-feedback">
          {editing ? null : edited}
        </p>
        {editing ? (
          <PatientEdit key={editKey} patient={patient} onSaved={saved} onCancel={cancelEdit} onReload={reloadForEdit} />
        ) : (
          <dl className="facts" data-testid="patient-identity">
            <dt>{t('patients.fields.birthName')}</dt>
            <dd>{tr.birthName}</dd>
            <dt>{t('patients.fields.firstNames')}</dt>
            <dd>{tr.firstNames.join(' ')}</dd>
            <dt>{t('patients.fields.sex')}</dt>
            <dd>{t(`patients.sex.${tr.sex}`)}</dd>
            <dt>{t('patients.fields.birthDate')}</dt>
            <dd>{frenchDate(tr.birthDate)}</dd>
            <dt>{t('patients.fields.birthPlace')}</dt>
            <dd>{tr.birthPlace ?? t('patients.file.unknown')}</dd>
            <dt>{t('patients.fields.usedName')}</dt>
            <dd>{tr.usedName ?? t('patients.file.none')}</dd>
            <dt>{t('patients.fields.usedFirstName')}</dt>
            <dd>{tr.usedFirstName ?? t('patients.file.none')}</dd>
            <dt>{t('patients.fields.ins')}</dt>
            <dd>
              {patient.ins === null ? (
                t('patients.file.noIns')
              ) : (
                <span className="ins-value">
                  <span data-testid="patient-ins" className="ins-digits">
                    {revealIns ? groupedIns(patient.ins) : maskedIns(patient.ins)}
                  </span>
                  {!revealIns && <span className="visually-hidden"> {t('patients.file.insMaskedNote')}</span>}{' '}
                  <button type="button" className="button button-small" onClick={() => setRevealIns((v) => !v)} data-testid="patient-ins-toggle">
                    {revealIns ? t('patients.file.hideIns') : t('patients.file.showIns')}
                  </button>
                </span>
              )}
            </dd>
            {kind !== null && (
              <>
                <dt>{t('patients.fields.oid')}</dt>
                <dd>{t(`patients.insKind.${kind}`)}</dd>
              </>
            )}
            <dt>{t('patients.file.insiAt')}</dt>
            <dd>{patient.insiAt === null ? t('patients.file.never') : dateTime(patient.insiAt)}</dd>
            <dt>{t('patients.file.document')}</dt>
            <dd>
              {patient.documentKind === null
                ? t('patients.file.never')
                : `${identityDocumentSchema.safeParse(patient.documentKind).success ? t(`patients.documents.${patient.documentKind as 'passeport'}`) : patient.documentKind}${patient.documentCheckedAt === null ? '' : ` — ${dateTime(patient.documentCheckedAt)}`}`}
            </dd>
          </dl>
        )}
      </section>

      <section className="panel" aria-labelledby={`${hid}-verify`}>
        <h3 id={`${hid}-verify`}>{t('patients.verify.title')}</h3>
        <InsiVerification patient={patient} onRecorded={reload} />

        <h4 className="subsection-title">{t('patients.verify.documentTitle')}</h4>
        <p className="field-note">{t('patients.verify.documentIntro')}</p>
        <div className="field field-wide">
          <label htmlFor={`${hid}-doc`}>{t('patients.verify.documentLabel')}</label>
          <div className="search-row">
            <select id={`${hid}-doc`} value={document} onChange={(e) => setDocument(e.target.value)} data-testid="document-select">
              <option value="">{t('patients.form.documentNone')}</option>
              {identityDocumentSchema.options.map((d) => (
                <option key={d} value={d}>
                  {t(`patients.documents.${d}`)}
                </option>
              ))}
            </select>
            <button type="button" className="button" onClick={recordDocument} data-testid="document-record">
              {t('patients.verify.documentRecord')}
            </button>
          </div>
        </div>
        <FailureAlert failure={docFailure} testId="document-failure" />
        <p role="status" className="field-feedback" data-testid="document-feedback">
          {docDone}
        </p>
      </section>

      <MergePanel patient={patient} onMerged={(keptId) => (keptId === patient.id ? reload() : onOpen(keptId))} />

      <section className="panel" aria-labelledby={`${hid}-history`}>
        <h3 id={`${hid}-history`}>{t('patients.history.title')}</h3>
        <table className="patients-table history-table" data-testid="patient-history">
          <caption className="visually-hidden">{t('patients.history.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('patients.history.at')}</th>
              <th scope="col">{t('patients.history.actor')}</th>
              <th scope="col">{t('patients.history.action')}</th>
              <th scope="col">{t('patients.history.field')}</th>
              <th scope="col">{t('patients.history.old')}</th>
              <th scope="col">{t('patients.history.new')}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.id}>
                <td>{dateTime(h.at)}</td>
                <td>{h.actor}</td>
                <td>{actionLabel(t, h.action)}</td>
                <td>{h.field === null ? '' : fieldLabel(t, h.field)}</td>
                <td>{shownValue(t, h.field, h.oldValue, revealIns)}</td>
                <td>{shownValue(t, h.field, h.newValue, revealIns)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}

type T = ReturnType<typeof useTranslation>['t'];
const ACTIONS = ['create', 'import', 'edit', 'insi', 'document-check', 'merge-kept', 'merge-retired'] as const;
const FIELDS = ['birthName', 'firstNames', 'sex', 'birthDate', 'birthPlace', 'usedName', 'usedFirstName', 'ins', 'status', 'document', 'insi', 'merged_into', 'merged_from', 'moved'] as const;
const STATUSES = ['provisoire', 'recuperee', 'validee', 'qualifiee'] as const;

/** A history value as people read it: statuses and documents named, dates in French, INS masked unless shown. */
function shownValue(t: T, field: string | null, value: string | null, reveal: boolean): string {
  if (value === null) return '';
  if (field === 'status' && (STATUSES as readonly string[]).includes(value)) return t(`patients.status.${value as (typeof STATUSES)[number]}`);
  if (field === 'document' && identityDocumentSchema.safeParse(value).success) return t(`patients.documents.${value as 'passeport'}`);
  if (field === 'birthDate') return frenchDate(value);
  if (field === 'sex' && (value === 'F' || value === 'M')) return t(`patients.sex.${value}`);
  return historyValue(field, value, reveal);
}

function actionLabel(t: T, action: string): string {
  return (ACTIONS as readonly string[]).includes(action) ? t(`patients.history.actions.${action as (typeof ACTIONS)[number]}`) : action;
}
function fieldLabel(t: T, field: string): string {
  return (FIELDS as readonly string[]).includes(field) ? t(`patients.history.fields.${field as (typeof FIELDS)[number]}`) : field;
}
