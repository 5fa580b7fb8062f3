import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientView } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';
import { FailureAlert, failureOf, StatusBadge, type Failure } from './common.js';
import { frenchDate } from './format.js';

interface Props {
  readonly onOpen: (id: number) => void;
  readonly onNew: () => void;
  readonly onImport: () => void;
  /** The last search, kept while the user looks at a file and comes back. */
  readonly query: string;
  readonly onQuery: (query: string) => void;
  /** Coming back from another view: focus goes to the search box. */
  readonly focusSearch: boolean;
}

type Results = { kind: 'idle' } | { kind: 'searching' } | { kind: 'done'; query: string; patients: readonly PatientView[] };

/** The patient list: one search box (name, JJ/MM/AAAA, INS), the results in a table. */
export function PatientList({ onOpen, onNew, onImport, query, onQuery, focusSearch }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState(query);
  const [results, setResults] = useState<Results>({ kind: 'idle' });
  const [failure, setFailure] = useState<Failure | null>(null);
  const initialQuery = useRef(query);
  const searchInput = useRef<HTMLInputElement>(null);
  const focusOnMount = useRef(focusSearch);

  const search = (q: string): void => {
    const trimmed = q.trim();
    onQuery(trimmed);
    setFailure(null);
    if (trimmed === '') {
      setResults({ kind: 'idle' });
      return;
    }
    setResults({ kind: 'searching' });
    invoke('patients.search', { query: trimmed.slice(0, 200) }).then(
      ({ patients }) => setResults({ kind: 'done', query: trimmed, patients }),
      (error: unknown) => {
        setResults({ kind: 'idle' });
        setFailure(failureOf(error));
      },
    );
  };
  // Coming back from a file: the previous search is run again (the file may have changed).
  useEffect(() => {
    if (initialQuery.current !== '') search(initialQuery.current);
    if (focusOnMount.current) searchInput.current?.focus();
  }, []);

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    search(text);
  };

  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="visually-hidden">
        {t('patients.list.title')}
      </h2>
      <div className="button-row patients-actions">
        <button type="button" className="button button-primary" onClick={onNew} data-testid="patients-new">
          {t('patients.list.new')}
        </button>
        <button type="button" className="button" onClick={onImport} data-testid="patients-import">
          {t('patients.list.import')}
        </button>
      </div>

      <form role="search" className="patients-search" onSubmit={onSubmit} aria-labelledby={`${id}-label`}>
        <div className="field field-wide">
          <label id={`${id}-label`} htmlFor={`${id}-q`}>
            {t('patients.list.searchLabel')}
          </label>
          <div className="search-row">
            <input
              ref={searchInput}
              id={`${id}-q`}
              type="search"
              value={text}
              maxLength={200}
              autoComplete="off"
              spellCheck={false}
              aria-describedby={`${id}-hint`}
              onChange={(e) => setText(e.target.value)}
              data-testid="patients-search-input"
            />
            <button type="submit" className="button button-primary" data-testid="patients-search-submit">
              {t('patients.list.searchButton')}
            </button>
          </div>
          <p id={`${id}-hint`} className="field-note">
            {t('patients.list.searchHint')}
          </p>
        </div>
      </form>

      <FailureAlert failure={failure} />
      <p role="status" className="patients-count" data-testid="patients-count">
        {results.kind === 'searching' && t('patients.list.searching')}
        {results.kind === 'done' && t('patients.list.count', { count: results.patients.length })}
      </p>

      {results.kind === 'done' && results.patients.length > 0 && (
        <table className="patients-table" data-testid="patients-results">
          <caption className="visually-hidden">{t('patients.list.caption', { query: results.query })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('patients.fields.birthName')}</th>
              <th scope="col">{t('patients.fields.firstNames')}</th>
              <th scope="col">{t('patients.fields.usedName')}</th>
              <th scope="col">{t('patients.fields.birthDate')}</th>
              <th scope="col">{t('patients.fields.sex')}</th>
              <th scope="col">{t('patients.fields.status')}</th>
            </tr>
          </thead>
          <tbody>
            {results.patients.map((p) => (
              <tr key={p.id} data-testid="patients-row">
                <th scope="row">
                  <button type="button" className="link-button" onClick={() => onOpen(p.id)} aria-label={t('patients.list.open', { name: `${p.traits.birthName} ${p.traits.firstNames.join(' ')}` })}>
                    {p.traits.birthName}
                  </button>
                </th>
                <td>{p.traits.firstNames.join(' ')}</td>
                <td>{p.traits.usedName ?? ''}</td>
                <td>{frenchDate(p.traits.birthDate)}</td>
                <td>{t(`patients.sex.${p.traits.sex}`)}</td>
                <td>
                  <StatusBadge status={p.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {results.kind === 'idle' && failure === null && <p className="field-note">{t('patients.list.idle')}</p>}
    </section>
  );
}
