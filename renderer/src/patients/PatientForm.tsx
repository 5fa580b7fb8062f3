import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { IdentityDocumentView, Mode, PatientView } from '../../../shared/api/index.js';
import { identityDocumentSchema } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';
import { FailureAlert, failureOf, ViewHeading, type Failure } from './common.js';
import { FRENCH_DATE, OID_OF } from './format.js';
import { describedBy, FieldError, FormSummary, fieldId, problemsOf, StrictTraitFields, TextField, UsedNameFields, useProblems, type FieldsScope, type Problems } from './TraitFields.js';

interface Props {
  readonly mode: Mode | undefined;
  readonly onCreated: (patient: PatientView) => void;
  readonly onCancel: () => void;
}

/**
 * "Nouveau patient": the five strict traits (as on the identity document), the used names, an
 * INS if the patient brings one (stored unverified), and the document checked now, if any.
 * Every problem is shown beside its field and summed up in an alert; focus goes to the first.
 */
export function PatientForm({ mode, onCreated, onCancel }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const { problems, show } = useProblems(id, form);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [pending, setPending] = useState(false);
  const kinds = mode === 'demo' ? (['demo'] as const) : (['nir', 'nia'] as const);

  const scope: FieldsScope = { base: id, testIdPrefix: 'patient-form', problems };

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (pending) return;
    const data = new FormData(event.currentTarget);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    setFailure(null);
    const local: Problems = {};
    const birthDate = value('birthDate');
    if (!FRENCH_DATE.test(birthDate)) local.birthDate = { text: t('patients.form.dateFormat'), fromMain: false };
    const insValue = value('ins');
    if (Object.keys(local).length > 0) {
      show(local);
      return;
    }
    const document = identityDocumentSchema.safeParse(value('document'));
    const optional = (name: string) => (value(name) === '' ? {} : { [name]: value(name) });
    setPending(true);
    invoke('patients.create', {
      traits: { birthName: value('birthName'), firstNames: value('firstNames'), sex: value('sex'), birthDate, ...optional('birthPlace'), ...optional('usedName'), ...optional('usedFirstName') },
      ins: insValue === '' ? null : { value: insValue, oid: value('oid') },
      identityDocument: document.success ? (document.data satisfies IdentityDocumentView) : null,
    })
      .then(
        (result) => {
          if (result.ok) {
            onCreated(result.patient);
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

  return (
    <section aria-labelledby={`${id}-title`}>
      <ViewHeading>
        <span id={`${id}-title`}>{t('patients.form.title')}</span>
      </ViewHeading>
      <p className="field-note">{t('patients.form.intro')}</p>
      <form ref={form} className="patient-form" onSubmit={onSubmit} noValidate data-testid="patient-form">
        <FormSummary scope={scope} />
        {count === 0 && <FailureAlert failure={failure} testId="patient-form-failure" />}

        <StrictTraitFields scope={scope} />
        <UsedNameFields scope={scope} />

        <fieldset className="form-group">
          <legend>{t('patients.form.insLegend')}</legend>
          <p className="field-note">{t('patients.form.insIntro')}</p>
          <TextField scope={scope} field="ins" hint maxLength={30} />
          <div className="field">
            <label htmlFor={fieldId(scope, 'oid')}>{t('patients.fields.oid')}</label>
            <select id={fieldId(scope, 'oid')} name="oid" aria-invalid={problems.oid ? true : undefined} aria-describedby={describedBy(scope, 'oid')} data-testid="patient-form-oid">
              {kinds.map((k) => (
                <option key={k} value={OID_OF[k]}>
                  {t(`patients.insKind.${k}`)}
                </option>
              ))}
            </select>
            <FieldError scope={scope} field="oid" />
          </div>
        </fieldset>

        <fieldset className="form-group">
          <legend>{t('patients.form.documentLegend')}</legend>
          <div className="field field-wide">
            <label htmlFor={`${id}-doc`}>{t('patients.form.documentLabel')}</label>
            <select id={`${id}-doc`} name="document" defaultValue="" aria-describedby={`${id}-doc-hint`} data-testid="patient-form-document">
              <option value="">{t('patients.form.documentNone')}</option>
              {identityDocumentSchema.options.map((d) => (
                <option key={d} value={d}>
                  {t(`patients.documents.${d}`)}
                </option>
              ))}
            </select>
            <p id={`${id}-doc-hint`} className="field-note">
              {t('patients.form.documentHint')}
            </p>
          </div>
        </fieldset>

        <div className="button-row">
          <button type="submit" className="button button-primary" aria-disabled={pending || undefined} data-testid="patient-form-submit">
            {pending ? t('patients.form.saving') : t('patients.form.submit')}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            {t('patients.form.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
