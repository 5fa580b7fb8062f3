import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MergeProposalView, PatientView } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';
import { FailureAlert, failureOf, StatusBadge, type Failure } from './common.js';
import { frenchDate } from './format.js';

type Proposal = Extract<MergeProposalView, { ok: true }>;

/**
 * Merging a duplicate into this file, in two explicit steps: find the other file and ask for a
 * summary (main returns what would change and a single-use token), then tick "same person" and
 * confirm. Nothing merges on a single click.
 */
export function MergePanel({ patient, onMerged }: { patient: PatientView; onMerged: (keptId: number) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState('');
  const [candidates, setCandidates] = useState<readonly PatientView[] | null>(null);
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [sure, setSure] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const search = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setFailure(null);
    setProposal(null);
    if (query.trim() === '') return;
    invoke('patients.search', { query: query.trim().slice(0, 200) }).then(
      ({ patients }) => setCandidates(patients.filter((p) => p.id !== patient.id)),
      (error: unknown) => setFailure(failureOf(error)),
    );
  };

  const propose = (retiredId: number): void => {
    setFailure(null);
    setSure(false);
    invoke('patients.proposeMerge', { keptId: patient.id, retiredId }).then(
      (result) => (result.ok ? setProposal(result) : setFailure({ kind: 'refusal', refusal: result })),
      (error: unknown) => setFailure(failureOf(error)),
    );
  };

  const confirm = (): void => {
    if (proposal === null) return;
    if (!sure) {
      setFailure({ kind: 'refusal', refusal: { ok: false, code: 'merge-not-confirmed', message: t('patients.merge.notSure') } });
      return;
    }
    invoke('patients.confirmMerge', { token: proposal.token }).then(
      (result) => {
        setProposal(null);
        setCandidates(null);
        if (!result.ok) {
          setFailure({ kind: 'refusal', refusal: result });
          return;
        }
        setDone(t('patients.merge.done', { messages: result.movedMessages, documents: result.movedDocuments }));
        onMerged(result.keptId);
      },
      (error: unknown) => setFailure(failureOf(error)),
    );
  };

  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid="merge-panel">
      <h3 id={`${id}-h`}>{t('patients.merge.title')}</h3>
      <p className="field-note">{t('patients.merge.intro')}</p>
      <form role="search" onSubmit={search} aria-labelledby={`${id}-label`}>
        <div className="field field-wide">
          <label id={`${id}-label`} htmlFor={`${id}-q`}>
            {t('patients.merge.searchLabel')}
          </label>
          <div className="search-row">
            <input id={`${id}-q`} type="search" value={query} maxLength={200} autoComplete="off" onChange={(e) => setQuery(e.target.value)} data-testid="merge-search-input" />
            <button type="submit" className="button">
              {t('patients.list.searchButton')}
            </button>
          </div>
        </div>
      </form>
      {candidates !== null && (
        <p role="status" className="field-note">
          {t('patients.list.count', { count: candidates.length })}
        </p>
      )}
      {candidates !== null && candidates.length > 0 && proposal === null && (
        <ul className="merge-candidates">
          {candidates.map((c) => (
            <li key={c.id}>
              <span>
                {c.traits.birthName} {c.traits.firstNames.join(' ')} — {frenchDate(c.traits.birthDate)} <StatusBadge status={c.status} />
              </span>{' '}
              <button type="button" className="button button-small" onClick={() => propose(c.id)} data-testid="merge-propose">
                {t('patients.merge.propose', { name: `${c.traits.birthName} ${c.traits.firstNames[0] ?? ''}` })}
              </button>
            </li>
          ))}
        </ul>
      )}
      {proposal !== null && (
        <div className="merge-summary" data-testid="merge-summary">
          <h4 className="subsection-title">{t('patients.merge.summaryTitle')}</h4>
          <p>{t('patients.merge.summaryBody', { kept: `${proposal.kept.traits.birthName} ${proposal.kept.traits.firstNames.join(' ')}`, retired: `${proposal.retired.traits.birthName} ${proposal.retired.traits.firstNames.join(' ')}` })}</p>
          {proposal.warnings.length > 0 && (
            <ul className="merge-warnings">
              {proposal.warnings.map((w) => (
                <li key={w}>{t(`patients.merge.warnings.${w}`)}</li>
              ))}
            </ul>
          )}
          {proposal.differences.length > 0 ? (
            <table className="patients-table">
              <caption>{t('patients.merge.differences')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('patients.verify.trait')}</th>
                  <th scope="col">{t('patients.merge.kept')}</th>
                  <th scope="col">{t('patients.merge.retired')}</th>
                </tr>
              </thead>
              <tbody>
                {proposal.differences.map((d) => (
                  <tr key={d.field}>
                    <th scope="row">{t(`patients.fields.${d.field}`)}</th>
                    <td>{d.kept ?? ''}</td>
                    <td>{d.retired ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{t('patients.merge.noDifference')}</p>
          )}
          <label className="checkbox-field" htmlFor={`${id}-sure`}>
            <input id={`${id}-sure`} type="checkbox" checked={sure} onChange={(e) => setSure(e.target.checked)} data-testid="merge-sure" />
            {t('patients.merge.sure')}
          </label>
          <div className="button-row">
            <button type="button" className="button button-primary" onClick={confirm} aria-disabled={!sure || undefined} data-testid="merge-confirm">
              {t('patients.merge.confirm')}
            </button>
            <button type="button" className="button" onClick={() => setProposal(null)}>
              {t('patients.merge.cancel')}
            </button>
          </div>
        </div>
      )}
      <FailureAlert failure={failure} testId="merge-failure" />
      <p role="status" className="field-feedback">
        {done}
      </p>
    </section>
  );
}
