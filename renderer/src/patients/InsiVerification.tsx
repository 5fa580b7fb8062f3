import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InsiLookupResult, PatientView, TraitFieldView } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';
import { FailureAlert, failureOf, MainText, type Failure } from './common.js';
import { frenchDate, insKind, maskedIns } from './format.js';

type Answer = Extract<InsiLookupResult, { ok: true }>;
type State = { kind: 'idle' } | { kind: 'asking' } | { kind: 'answer'; answer: Answer } | { kind: 'confirming'; answer: Answer };

const ROWS: readonly Exclude<TraitFieldView, 'usedName' | 'usedFirstName'>[] = ['birthName', 'firstNames', 'sex', 'birthDate', 'birthPlace'];

/**
 * The identity check with INSi: ask (with the file's strict traits), show INSi's traits beside
 * the file's, and record only when the user says "C'est bien ce patient". The answer stays in
 * main behind a single-use token; the screen only ever holds what it displays.
 */
export function InsiVerification({ patient, onRecorded }: { patient: PatientView; onRecorded: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [failure, setFailure] = useState<Failure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const comparisonRef = useRef<HTMLHeadingElement>(null);

  const ask = (): void => {
    setFailure(null);
    setDone(null);
    setState({ kind: 'asking' });
    invoke('patients.insiLookup', { id: patient.id }).then(
      (result) => {
        if (!result.ok) {
          setState({ kind: 'idle' });
          setFailure({ kind: 'refusal', refusal: result });
          return;
        }
        setState({ kind: 'answer', answer: result });
        requestAnimationFrame(() => comparisonRef.current?.focus());
      },
      (error: unknown) => {
        setState({ kind: 'idle' });
        setFailure(failureOf(error));
      },
    );
  };

  const confirm = (answer: Answer): void => {
    if (answer.token === null) return;
    setState({ kind: 'confirming', answer });
    invoke('patients.insiConfirm', { id: patient.id, version: patient.version, token: answer.token }).then(
      (result) => {
        setState({ kind: 'idle' });
        if (!result.ok) {
          setFailure({ kind: 'refusal', refusal: result });
          return;
        }
        setDone(t('patients.verify.recorded', { status: t(`patients.status.${result.patient.status}`) }));
        onRecorded();
      },
      (error: unknown) => {
        setState({ kind: 'answer', answer });
        setFailure(failureOf(error));
      },
    );
  };

  const local = patient.traits;
  const value = (field: (typeof ROWS)[number], traits: { firstNames: readonly string[]; birthName: string; sex: 'M' | 'F'; birthDate: string; birthPlace: string | null }) => {
    switch (field) {
      case 'firstNames':
        return traits.firstNames.join(' ');
      case 'sex':
        return t(`patients.sex.${traits.sex}`);
      case 'birthDate':
        return frenchDate(traits.birthDate);
      case 'birthPlace':
        return traits.birthPlace ?? t('patients.file.unknown');
      default:
        return traits.birthName;
    }
  };

  const answer = state.kind === 'answer' || state.kind === 'confirming' ? state.answer : null;
  const identity = answer?.identity ?? null;

  return (
    <div className="insi-verification">
      <h4 className="subsection-title">{t('patients.verify.insiTitle')}</h4>
      <p className="field-note">{patient.ins === null ? t('patients.verify.insiIntroSearch') : t('patients.verify.insiIntroVerify')}</p>
      <button type="button" className="button button-primary" onClick={ask} aria-disabled={state.kind === 'asking' || undefined} data-testid="insi-lookup">
        {state.kind === 'asking' ? t('patients.verify.asking') : t('patients.verify.ask')}
      </button>
      <FailureAlert failure={failure} testId="insi-failure" />
      <p role="status" className="field-feedback" data-testid="insi-feedback">
        {state.kind === 'asking' ? t('patients.verify.asking') : done}
      </p>

      {answer !== null && (
        <div className="insi-answer" data-testid="insi-answer" data-code={answer.code}>
          <h5 ref={comparisonRef} tabIndex={-1} className="subsection-title">
            {t('patients.verify.answerTitle', { code: answer.code })}
          </h5>
          {identity === null ? (
            <p role="alert" className="field-error" data-testid="insi-no-identity">
              {t(answer.operation === 'verification' ? 'patients.verify.notConfirmed' : answer.code === '02' ? 'patients.verify.several' : 'patients.verify.none')} <MainText>{answer.label}</MainText>
            </p>
          ) : (
            <>
              <table className="patients-table insi-comparison" data-testid="insi-comparison">
                <caption>{t('patients.verify.comparisonCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('patients.verify.trait')}</th>
                    <th scope="col">{t('patients.verify.local')}</th>
                    <th scope="col">{t('patients.verify.insi')}</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <th scope="row">{t('patients.fields.ins')}</th>
                    <td>{patient.ins === null ? t('patients.file.noIns') : maskedIns(patient.ins)}</td>
                    <td>
                      {maskedIns(identity.ins)} ({t(`patients.insKind.${insKind(identity.ins.oid)}`)})
                    </td>
                  </tr>
                  {ROWS.map((field) => {
                    const differs = answer.differences.includes(field);
                    return (
                      <tr key={field} className={differs ? 'differs' : undefined} data-testid={`insi-row-${field}`}>
                        <th scope="row">
                          {t(`patients.fields.${field}`)}
                          {differs && <span className="differs-mark"> — {t('patients.verify.differs')}</span>}
                        </th>
                        <td>{value(field, local)}</td>
                        <td>{value(field, identity.traits)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <p className="field-note" id={`${id}-consequence`}>
                {answer.differences.length > 0 ? t('patients.verify.consequenceDiffers') : t('patients.verify.consequenceSame')}
              </p>
              <div className="button-row">
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => confirm(answer)}
                  aria-disabled={state.kind === 'confirming' || undefined}
                  aria-describedby={`${id}-consequence`}
                  data-testid="insi-confirm"
                >
                  {t('patients.verify.confirm')}
                </button>
                <button type="button" className="button" onClick={() => setState({ kind: 'idle' })} data-testid="insi-reject">
                  {t('patients.verify.reject')}
                </button>
              </div>
            </>
          )}
        </div>
      )}
    </div>
  );
}
