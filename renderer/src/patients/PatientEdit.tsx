import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientView } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';
import { FailureAlert, failureOf, type Failure } from './common.js';
import { changedTraits, FRENCH_DATE, STRICT_TRAITS, typedTraits, type TypedTraits } from './format.js';
import { FormSummary, problemsOf, StrictTraitFields, UsedNameFields, useProblems, type FieldsScope, type Problems } from './TraitFields.js';

interface Props {
  /** The file as the user saw it when opening the form: its version goes with the change. */
  readonly patient: PatientView;
  readonly onSaved: (patient: PatientView) => void;
  readonly onCancel: () => void;
  /** After a version conflict: fetch the file again (the form then starts afresh). */
  readonly onReload: () => void;
}

/** Identities whose strict traits come from INSi: only the used names change by hand. */
export const strictTraitsLocked = (patient: PatientView) => patient.status === 'recuperee' || patient.status === 'qualifiee';

/**
 * "Modifier l’identité": the same fields as a new patient, prefilled. Only the changed fields
 * are sent, with the version the user saw. Before saving, the form says what a strict-trait
 * change does to the status (a validated identity goes back to provisional). For an identity
 * obtained from INSi the strict traits are shown read-only, with the reason.
 */
export function PatientEdit({ patient: current, onSaved, onCancel, onReload }: Props) {
  const { t } = useTranslation();
  // The file as it was when the form opened: a change made meanwhile (INSi, another window) is
  // not merged silently into what the user is typing; saving then meets a version conflict.
  const [patient] = useState(current);
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const { problems, show } = useProblems(id, form);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [conflict, setConflict] = useState(false);
  const [pending, setPending] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [strictChanges, setStrictChanges] = useState<readonly string[]>([]);
  const locked = strictTraitsLocked(patient);
  const values = typedTraits(patient.traits);
  const scope: FieldsScope = { base: id, testIdPrefix: 'patient-edit', problems };

  useEffect(() => {
    heading.current?.focus();
  }, []);

  /** What the form holds now (the strict traits only when they may change). */
  const typed = (): Partial<TypedTraits> => {
    const data = form.current === null ? new FormData() : new FormData(form.current);
    const value = (name: keyof TypedTraits) => String(data.get(name) ?? '').trim();
    const used = { usedName: value('usedName'), usedFirstName: value('usedFirstName') };
    if (locked) return used;
    return { birthName: value('birthName'), firstNames: value('firstNames'), sex: value('sex'), birthDate: value('birthDate'), birthPlace: value('birthPlace'), ...used };
  };

  const onChange = (): void => {
    setNotice(null);
    if (locked) return;
    const patch = changedTraits(patient.traits, typed());
    const fields = STRICT_TRAITS.filter((f) => patch[f] !== undefined).map((f) => t(`patients.history.fields.${f}`));
    setStrictChanges((previous) => (previous.join('|') === fields.join('|') ? previous : fields));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (pending) return;
    setFailure(null);
    setNotice(null);
    const now = typed();
    const local: Problems = {};
    if (now.birthDate !== undefined && !FRENCH_DATE.test(now.birthDate)) local.birthDate = { text: t('patients.form.dateFormat'), fromMain: false };
    show(local);
    if (Object.keys(local).length > 0) return;
    const patch = changedTraits(patient.traits, now);
    if (Object.keys(patch).length === 0) {
      setNotice(t('patients.edit.nothing'));
      return;
    }
    setPending(true);
    invoke('patients.edit', { id: patient.id, version: patient.version, traits: patch })
      .then(
        (result) => {
          if (result.ok) {
            onSaved(result.patient);
            return;
          }
          if (result.code === 'version-conflict') {
            setConflict(true);
            return;
          }
          setFailure({ kind: 'refusal', refusal: result });
          show(problemsOf(result));
        },
        (error: unknown) => setFailure(failureOf(error)),
      )
      .finally(() => setPending(false));
  };

  const count = Object.keys(problems).length;
  const warningId = `${id}-strict-warning`;
  const warning =
    strictChanges.length === 0
      ? null
      : t(patient.status === 'validee' ? 'patients.edit.warnValidee' : 'patients.edit.warnProvisoire', {
          fields: strictChanges.join(', '),
          status: t('patients.status.provisoire'),
        });

  return (
    <div className="patient-edit" data-testid="patient-edit">
      <h4 ref={heading} tabIndex={-1} className="subsection-title" id={`${id}-title`}>
        {t('patients.edit.title')}
      </h4>
      <p className="field-note">{t('patients.edit.intro')}</p>
      <form ref={form} className="patient-form" aria-labelledby={`${id}-title`} onSubmit={onSubmit} onChange={onChange} noValidate data-testid="patient-edit-form">
        <FormSummary scope={scope} />
        {count === 0 && <FailureAlert failure={failure} testId="patient-edit-failure" />}
        {conflict && (
          <div role="alert" className="edit-conflict" data-testid="patient-edit-conflict">
            <p>{t('patients.edit.conflict')}</p>
            <button type="button" className="button" onClick={onReload} data-testid="patient-edit-reload">
              {t('patients.edit.reload')}
            </button>
          </div>
        )}

        {locked ? (
          <fieldset className="form-group" aria-describedby={`${id}-locked`} data-testid="patient-edit-locked">
            <legend>{t('patients.form.strictLegend')}</legend>
            <p id={`${id}-locked`} className="locked-reason">
              {t('patients.edit.lockedReason', { status: t(`patients.status.${patient.status}`) })}
            </p>
            <dl className="facts">
              <dt>{t('patients.fields.birthName')}</dt>
              <dd>{values.birthName}</dd>
              <dt>{t('patients.fields.firstNames')}</dt>
              <dd>{values.firstNames}</dd>
              <dt>{t('patients.fields.sex')}</dt>
              <dd>{t(`patients.sex.${patient.traits.sex}`)}</dd>
              <dt>{t('patients.fields.birthDate')}</dt>
              <dd>{values.birthDate}</dd>
              <dt>{t('patients.fields.birthPlace')}</dt>
              <dd>{patient.traits.birthPlace ?? t('patients.file.unknown')}</dd>
            </dl>
          </fieldset>
        ) : (
          <>
            {patient.status === 'validee' && <p className="field-note">{t('patients.edit.valideeNote')}</p>}
            <StrictTraitFields scope={scope} values={values} />
          </>
        )}
        <UsedNameFields scope={scope} values={values} />

        <div aria-live="polite" className="collapse-empty" data-testid="patient-edit-strict-warning-region">
          {warning !== null && (
            <p id={warningId} className="edit-warning" data-testid="patient-edit-strict-warning">
              <strong>{t('patients.edit.warnTitle')}</strong> {warning}
            </p>
          )}
        </div>
        <p role="status" className="field-feedback collapse-empty" data-testid="patient-edit-notice">
          {notice}
        </p>

        <div className="button-row">
          <button type="submit" className="button button-primary" aria-disabled={pending || undefined} aria-describedby={warning === null ? undefined : warningId} data-testid="patient-edit-submit">
            {pending ? t('patients.form.saving') : t('patients.edit.submit')}
          </button>
          <button type="button" className="button" onClick={onCancel} data-testid="patient-edit-cancel">
            {t('patients.form.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
