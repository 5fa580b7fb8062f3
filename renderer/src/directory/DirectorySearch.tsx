import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryEntryView } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';
import { formatCount } from './format.js';
import { SuggestionList } from './SuggestionList.js';
import { useDirectoryCombobox } from './useDirectoryCombobox.js';

interface Props {
  /** Entries in the directory (0: nothing to search yet). */
  readonly count: number;
}

const LIMIT = 50;
type Criteria = { name: string; rpps: string; profession: string; city: string };
const NO_CRITERIA: Criteria = { name: '', rpps: '', profession: '', city: '' };
type Results = { kind: 'none' } | { kind: 'need-criteria' } | { kind: 'busy' } | { kind: 'done'; entries: readonly DirectoryEntryView[] } | { kind: 'error'; code: ApiCallError['code'] };

/** An address that may wrap after « @ » and dots only, never inside a word. */
function BreakableAddress({ address }: { address: string }) {
  const parts = address.split(/(?<=[@.])/);
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {i > 0 && <wbr />}
          {part}
        </span>
      ))}
    </>
  );
}

function EntryFacts({ entry }: { entry: DirectoryEntryView }) {
  const { t } = useTranslation();
  const rows: [string, string | null][] = [
    [t('directory.search.colName'), `${entry.displayName}${entry.type ? ` (${t(`directory.type.${entry.type}`)})` : ''}`],
    [t('directory.search.colProfession'), [entry.profession, entry.specialty].filter((p) => p !== null).join(' — ') || null],
    [t('directory.search.colOrganisation'), entry.organisation],
    [t('directory.search.colCity'), entry.city],
    [t('directory.search.colAddress'), entry.address],
    [t('directory.search.colRpps'), entry.rpps],
  ];
  return (
    <dl className="facts directory-facts" data-testid="directory-chosen">
      {rows
        .filter((row): row is [string, string] => row[1] !== null && row[1] !== '')
        .map(([label, text]) => (
          <div key={label} className="directory-fact">
            <dt>{label}</dt>
            <dd>{text}</dd>
          </div>
        ))}
    </dl>
  );
}

/**
 * Réglages › Annuaire Santé › search: a quick search that suggests as one types (the same
 * combobox as the compose's recipients), and a search by criteria (name, RPPS, profession,
 * city), combined, whose results fill a table. Everything reads the vault: it works offline.
 */
export function DirectorySearch({ count }: Props) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [quick, setQuick] = useState('');
  const [chosen, setChosen] = useState<DirectoryEntryView | null>(null);
  const [criteria, setCriteria] = useState<Criteria>(NO_CRITERIA);
  const [results, setResults] = useState<Results>({ kind: 'none' });

  const onPick = useCallback((entry: DirectoryEntryView) => {
    setChosen(entry);
    // The card below shows the choice; the field is ready for the next search.
    setQuick('');
  }, []);
  const combobox = useDirectoryCombobox({ listId: `${id}-quick-list`, text: quick, onPick });

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const given = Object.fromEntries(Object.entries(criteria).filter(([, v]) => v.trim() !== '')) as Partial<Criteria>;
    if (Object.keys(given).length === 0) {
      setResults({ kind: 'need-criteria' });
      return;
    }
    setResults({ kind: 'busy' });
    invoke('directory.search', { query: '', limit: LIMIT, ...given }).then(
      ({ entries }) => setResults({ kind: 'done', entries }),
      (error: unknown) => setResults({ kind: 'error', code: error instanceof ApiCallError ? error.code : 'INTERNAL' }),
    );
  };

  const field = (key: keyof Criteria, inputMode?: 'numeric') => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{t(`directory.search.${key}`)}</label>
      <input
        id={`${id}-${key}`}
        type="text"
        autoComplete="off"
        inputMode={inputMode}
        data-testid={`directory-search-${key}`}
        value={criteria[key]}
        onChange={(event) => setCriteria({ ...criteria, [key]: event.target.value })}
      />
    </div>
  );

  const locale = i18n.language;
  return (
    <section className="panel directory-panel" aria-labelledby={`${id}-h`} data-testid="directory-search">
      <h2 id={`${id}-h`}>{t('directory.search.title')}</h2>
      {count === 0 && <p className="field-note">{t('directory.search.empty')}</p>}

      <div className="field field-wide">
        <label htmlFor={`${id}-quick`}>{t('directory.search.quick')}</label>
        <div className="recipient-entry">
          <input
            id={`${id}-quick`}
            type="text"
            role="combobox"
            autoComplete="off"
            spellCheck={false}
            aria-autocomplete="list"
            aria-expanded={combobox.open}
            aria-controls={`${id}-quick-list`}
            aria-activedescendant={combobox.open && combobox.active >= 0 ? combobox.optionId(combobox.active) : undefined}
            aria-describedby={`${id}-quick-hint`}
            data-testid="directory-quick"
            value={quick}
            onChange={(event) => setQuick(event.target.value)}
            onKeyDown={combobox.onKeyDown}
            onBlur={combobox.close}
          />
          <SuggestionList id={`${id}-quick-list`} label={t('directory.recipients.suggestions')} combobox={combobox} />
        </div>
        <p id={`${id}-quick-hint`} className="field-note">
          {t('directory.search.quickHint')}
        </p>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {quick.trim().length >= 2 && combobox.searched ? (combobox.entries.length > 0 ? t('directory.recipients.count', { count: combobox.entries.length }) : t('directory.recipients.noSuggestion')) : ''}
      </p>
      {chosen && (
        <div className="directory-chosen" role="group" aria-label={t('directory.search.chosen')}>
          <EntryFacts entry={chosen} />
        </div>
      )}

      <h3 id={`${id}-criteria`} className="directory-subtitle">
        {t('directory.search.criteria')}
      </h3>
      <form role="search" aria-labelledby={`${id}-criteria`} className="directory-criteria" onSubmit={submit}>
        {field('name')}
        {field('rpps', 'numeric')}
        {field('profession')}
        {field('city')}
        <button type="submit" className="button button-primary" data-testid="directory-search-submit">
          {t('directory.search.submit')}
        </button>
      </form>

      <p role="status" className="directory-count" data-testid="directory-search-status">
        {results.kind === 'need-criteria' && t('directory.search.needCriteria')}
        {results.kind === 'done' && (results.entries.length === 0 ? t('directory.search.noResult') : t('directory.search.count', { count: formatCount(results.entries.length, locale) }))}
        {results.kind === 'done' && results.entries.length >= LIMIT && ` ${t('directory.search.limited', { count: LIMIT })}`}
      </p>
      {results.kind === 'error' && (
        <p role="alert" className="field-error">
          {t(`errors.${results.code}`)}
        </p>
      )}
      {results.kind === 'done' && results.entries.length > 0 && (
        <div className="directory-table-wrap">
          <table className="patients-table directory-table" data-testid="directory-results">
            <caption className="visually-hidden">{t('directory.search.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('directory.search.colName')}</th>
                <th scope="col">{t('directory.search.colProfession')}</th>
                <th scope="col">{t('directory.search.colOrganisation')}</th>
                <th scope="col">{t('directory.search.colCity')}</th>
                <th scope="col">{t('directory.search.colAddress')}</th>
              </tr>
            </thead>
            <tbody>
              {results.entries.map((entry) => (
                <tr key={entry.address}>
                  <th scope="row">
                    {entry.displayName}
                    {entry.rpps !== null && (
                      <span className="directory-rpps">
                        {t('directory.search.colRpps')} {entry.rpps}
                      </span>
                    )}
                  </th>
                  <td>{[entry.profession, entry.specialty].filter((p) => p !== null).join(' — ')}</td>
                  <td>{entry.organisation}</td>
                  <td>{entry.city}</td>
                  <td className="directory-address">
                    <BreakableAddress address={entry.address} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
