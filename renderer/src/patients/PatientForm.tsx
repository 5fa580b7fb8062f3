import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { IdentityDocumentView, Mode, PatientView, TraitFieldView } from '../../../shared/api/index.js';
import { identityDocumentSchema } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';
import { FailureAlert, failureOf, MainText, ViewHeading, type Failure } from './common.js';
import { FRENCH_DATE, OID_OF } from './format.js';

type Field = TraitFieldView | 'ins' | 'oid';
type Problems = Partial<Record<Field, { text: string; fromMain: boolean }>>;

interface Props {
  readonly mode: Mode | undefined;
  readonly onCreated: (patient: PatientView) => void;
  readonly onCancel: () => void;
}

const ORDER: readonly Field[] = ['birthName', 'firstNames', 'sex', 'birthDate', 'birthPlace', 'usedName', 'usedFirstName', 'ins', 'oid'];

/**
 * "Nouveau patient": the five strict traits (as on the identity document), the used names, an
 * INS if the patient brings one (stored unverified), and the document checked now, if any.
 * Every problem is shown beside its field and summed up in an alert; focus goes to the first.
 */
export function PatientForm({ mode, onCreated, onCancel }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  const [problems, setProblems] = useState<Problems>({});
  const [failure, setFailure] = useState<Failure | null>(null);
  const [pending, setPending] = useState(false);
  const kinds = mode === 'demo' ? (['demo'] as const) : (['nir', 'nia'] as const);

  const fieldId = (f: Field) => `${id}-${f}`;
  const errorId = (f: Field) => `${id}-${f}-error`;

  const show = (next: Problems): void => {
    setProblems(next);
    const first = ORDER.find((f) => next[f] !== undefined);
    if (first !== undefined) {
      // After the render that shows the messages, so the field is announced with its error.
      requestAnimationFrame(() => form.current?.querySelector<HTMLElement>(`#${CSS.escape(first === 'sex' ? `${fieldId('sex')}-M` : fieldId(first))}`)?.focus());
    }
  };

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
          const next: Problems = {};
          for (const p of result.problems ?? []) next[p.field] = { text: p.message, fromMain: true };
          if (result.field !== undefined) next[result.field] = { text: result.message, fromMain: true };
          setFailure({ kind: 'refusal', refusal: result });
          show(next);
        },
        (error: unknown) => setFailure(failureOf(error)),
      )
      .finally(() => setPending(false));
  };

  const count = Object.keys(problems).length;
  const described = (f: Field, hint?: boolean) => [hint ? `${fieldId(f)}-hint` : '', problems[f] ? errorId(f) : ''].filter(Boolean).join(' ') || undefined;
  const fieldError = (f: Field) =>
    problems[f] && (
      <p id={errorId(f)} className="field-error" data-testid={`patient-form-error-${f}`}>
        {problems[f].fromMain ? <MainText>{problems[f].text}</MainText> : problems[f].text}
      </p>
    );
  const text = (f: Exclude<Field, 'sex' | 'oid'>, opts: { required?: boolean; hint?: boolean; maxLength?: number; autoComplete?: string } = {}) => (
    <div className="field">
      <label htmlFor={fieldId(f)}>
        {t(`patients.fields.${f}`)}
        {opts.required && <span className="required-mark"> {t('patients.form.required')}</span>}
      </label>
      <input
        id={fieldId(f)}
        name={f}
        type="text"
        required={opts.required}
        aria-required={opts.required || undefined}
        aria-invalid={problems[f] ? true : undefined}
        aria-describedby={described(f, opts.hint)}
        maxLength={opts.maxLength ?? 200}
        autoComplete="off"
        spellCheck={false}
        data-testid={`patient-form-${f}`}
      />
      {opts.hint && (
        <p id={`${fieldId(f)}-hint`} className="field-note">
          {t(`patients.form.hints.${f as 'firstNames' | 'birthDate' | 'birthPlace' | 'ins'}`)}
        </p>
      )}
      {fieldError(f)}
    </div>
  );

  return (
    <section aria-labelledby={`${id}-title`}>
      <ViewHeading>
        <span id={`${id}-title`}>{t('patients.form.title')}</span>
      </ViewHeading>
      <p className="field-note">{t('patients.form.intro')}</p>
      <form ref={form} className="patient-form" onSubmit={onSubmit} noValidate data-testid="patient-form">
        {count > 0 && (
          <div role="alert" className="form-summary" data-testid="patient-form-summary">
            <p>{t('patients.form.summary', { count })}</p>
          </div>
        )}
        {count === 0 && <FailureAlert failure={failure} testId="patient-form-failure" />}

        <fieldset className="form-group">
          <legend>{t('patients.form.strictLegend')}</legend>
          {text('birthName', { required: true })}
          {text('firstNames', { required: true, hint: true })}
          <fieldset className="field radio-group" aria-describedby={described('sex')}>
            <legend>
              {t('patients.fields.sex')}
              <span className="required-mark"> {t('patients.form.required')}</span>
            </legend>
            {(['F', 'M'] as const).map((s) => (
              <label key={s} className="radio-field" htmlFor={`${fieldId('sex')}-${s}`}>
                <input id={`${fieldId('sex')}-${s}`} type="radio" name="sex" value={s} data-testid={`patient-form-sex-${s}`} />
                {t(`patients.sex.${s}`)}
              </label>
            ))}
            {fieldError('sex')}
          </fieldset>
          {text('birthDate', { required: true, hint: true, maxLength: 10 })}
          {text('birthPlace', { hint: true, maxLength: 5 })}
        </fieldset>

        <fieldset className="form-group">
          <legend>{t('patients.form.usedLegend')}</legend>
          {text('usedName')}
          {text('usedFirstName')}
        </fieldset>

        <fieldset className="form-group">
          <legend>{t('patients.form.insLegend')}</legend>
          <p className="field-note">{t('patients.form.insIntro')}</p>
          {text('ins', { hint: true, maxLength: 30 })}
          <div className="field">
            <label htmlFor={fieldId('oid')}>{t('patients.fields.oid')}</label>
            <select id={fieldId('oid')} name="oid" aria-invalid={problems.oid ? true : undefined} aria-describedby={described('oid')} data-testid="patient-form-oid">
              {kinds.map((k) => (
                <option key={k} value={OID_OF[k]}>
                  {t(`patients.insKind.${k}`)}
                </option>
              ))}
            </select>
            {fieldError('oid')}
          </div>
        </fieldset>

        <fieldset className="form-group">
          <legend>{t('patients.form.documentLegend')}</legend>
          <div className="field field-wide">
            <label htmlFor={fieldId('birthName') + '-doc'}>{t('patients.form.documentLabel')}</label>
            <select id={fieldId('birthName') + '-doc'} name="document" defaultValue="" aria-describedby={`${id}-doc-hint`} data-testid="patient-form-document">
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
