import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { TraitFieldView } from '../../../shared/api/index.js';
import { MainText } from './common.js';
import type { TypedTraits } from './format.js';

/**
 * The identity fields shared by "Nouveau patient" and "Modifier l’identité": the five strict
 * traits and the used names, each with its label, hint and error beside it. Inputs are
 * uncontrolled (read with FormData on submit); `values` prefills them.
 */

export type FormField = TraitFieldView | 'ins' | 'oid';
export type Problems = Partial<Record<FormField, { text: string; fromMain: boolean }>>;

const ORDER: readonly FormField[] = ['birthName', 'firstNames', 'sex', 'birthDate', 'birthPlace', 'usedName', 'usedFirstName', 'ins', 'oid'];

/** Where the fields of one form live: ids under `base`, test ids under `testIdPrefix`. */
export interface FieldsScope {
  readonly base: string;
  readonly testIdPrefix: string;
  readonly problems: Problems;
}

export const fieldId = (scope: Pick<FieldsScope, 'base'>, f: FormField) => `${scope.base}-${f}`;
const errorId = (scope: FieldsScope, f: FormField) => `${scope.base}-${f}-error`;
const hintId = (scope: FieldsScope, f: FormField) => `${scope.base}-${f}-hint`;
/** The element that takes focus for a field (the first radio button of the sex). */
const focusTarget = (scope: Pick<FieldsScope, 'base'>, f: FormField) => (f === 'sex' ? `${fieldId(scope, 'sex')}-F` : fieldId(scope, f));

export function describedBy(scope: FieldsScope, f: FormField, hint = false): string | undefined {
  return [hint ? hintId(scope, f) : '', scope.problems[f] ? errorId(scope, f) : ''].filter(Boolean).join(' ') || undefined;
}

/** The problems of a form; `show` sets them and, after the render that shows them, focuses the first. */
export function useProblems(base: string, form: RefObject<HTMLFormElement | null>) {
  const [problems, setProblems] = useState<Problems>({});
  const show = (next: Problems): void => {
    setProblems(next);
    const first = ORDER.find((f) => next[f] !== undefined);
    if (first !== undefined) {
      // After the render that shows the messages, so the field is announced with its error.
      requestAnimationFrame(() => form.current?.querySelector<HTMLElement>(`#${CSS.escape(focusTarget({ base }, first))}`)?.focus());
    }
  };
  return { problems, show };
}

/** The problems of a refusal from main, field by field. */
export function problemsOf(refusal: { problems?: readonly { field: TraitFieldView; message: string }[] | undefined; field?: 'ins' | 'oid' | undefined; message: string }): Problems {
  const next: Problems = {};
  for (const p of refusal.problems ?? []) next[p.field] = { text: p.message, fromMain: true };
  if (refusal.field !== undefined) next[refusal.field] = { text: refusal.message, fromMain: true };
  return next;
}

export function FormSummary({ scope }: { scope: FieldsScope }) {
  const { t } = useTranslation();
  const count = Object.keys(scope.problems).length;
  if (count === 0) return null;
  return (
    <div role="alert" className="form-summary" data-testid={`${scope.testIdPrefix}-summary`}>
      <p>{t('patients.form.summary', { count })}</p>
    </div>
  );
}

export function FieldError({ scope, field }: { scope: FieldsScope; field: FormField }) {
  const problem = scope.problems[field];
  if (problem === undefined) return null;
  return (
    <p id={errorId(scope, field)} className="field-error" data-testid={`${scope.testIdPrefix}-error-${field}`}>
      {problem.fromMain ? <MainText>{problem.text}</MainText> : problem.text}
    </p>
  );
}

type HintedField = 'firstNames' | 'birthDate' | 'birthPlace' | 'ins';

export function TextField({
  scope,
  field,
  required,
  hint,
  maxLength,
  defaultValue,
}: {
  scope: FieldsScope;
  field: Exclude<FormField, 'sex' | 'oid'>;
  required?: boolean | undefined;
  hint?: boolean | undefined;
  maxLength?: number | undefined;
  defaultValue?: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={fieldId(scope, field)}>
        {t(`patients.fields.${field}`)}
        {required && <span className="required-mark"> {t('patients.form.required')}</span>}
      </label>
      <input
        id={fieldId(scope, field)}
        name={field}
        type="text"
        required={required}
        aria-required={required || undefined}
        aria-invalid={scope.problems[field] ? true : undefined}
        aria-describedby={describedBy(scope, field, hint)}
        maxLength={maxLength ?? 200}
        defaultValue={defaultValue}
        autoComplete="off"
        spellCheck={false}
        data-testid={`${scope.testIdPrefix}-${field}`}
      />
      {hint && (
        <p id={hintId(scope, field)} className="field-note">
          {t(`patients.form.hints.${field as HintedField}`)}
        </p>
      )}
      <FieldError scope={scope} field={field} />
    </div>
  );
}

function SexField({ scope, defaultValue }: { scope: FieldsScope; defaultValue?: string | undefined }) {
  const { t } = useTranslation();
  return (
    <fieldset className="field radio-group" aria-describedby={describedBy(scope, 'sex')}>
      <legend>
        {t('patients.fields.sex')}
        <span className="required-mark"> {t('patients.form.required')}</span>
      </legend>
      {(['F', 'M'] as const).map((s) => (
        <label key={s} className="radio-field" htmlFor={`${fieldId(scope, 'sex')}-${s}`}>
          <input
            id={`${fieldId(scope, 'sex')}-${s}`}
            type="radio"
            name="sex"
            value={s}
            defaultChecked={defaultValue === undefined ? undefined : defaultValue === s}
            aria-invalid={scope.problems.sex ? true : undefined}
            data-testid={`${scope.testIdPrefix}-sex-${s}`}
          />
          {t(`patients.sex.${s}`)}
        </label>
      ))}
      <FieldError scope={scope} field="sex" />
    </fieldset>
  );
}

/** The five strict traits, as on the identity document. */
export function StrictTraitFields({ scope, values }: { scope: FieldsScope; values?: TypedTraits | undefined }) {
  const { t } = useTranslation();
  return (
    <fieldset className="form-group">
      <legend>{t('patients.form.strictLegend')}</legend>
      <TextField scope={scope} field="birthName" required defaultValue={values?.birthName} />
      <TextField scope={scope} field="firstNames" required hint defaultValue={values?.firstNames} />
      <SexField scope={scope} defaultValue={values?.sex} />
      <TextField scope={scope} field="birthDate" required hint maxLength={10} defaultValue={values?.birthDate} />
      <TextField scope={scope} field="birthPlace" hint maxLength={5} defaultValue={values?.birthPlace} />
    </fieldset>
  );
}

/** Used name and used first name (optional, free to change whatever the status). */
export function UsedNameFields({ scope, values }: { scope: FieldsScope; values?: TypedTraits | undefined }) {
  const { t } = useTranslation();
  return (
    <fieldset className="form-group">
      <legend>{t('patients.form.usedLegend')}</legend>
      <TextField scope={scope} field="usedName" defaultValue={values?.usedName} />
      <TextField scope={scope} field="usedFirstName" defaultValue={values?.usedFirstName} />
    </fieldset>
  );
}
