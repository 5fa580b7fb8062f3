import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientView } from '../../../shared/api/index.js';
import { ApiCallError, invoke } from '../api/client.js';

export interface ChosenPatient {
  readonly id: number;
  readonly label: string;
}

export const patientLabel = (p: PatientView): string =>
  `${(p.traits.usedName ?? p.traits.birthName).toUpperCase()} ${p.traits.usedFirstName ?? p.traits.firstNames[0] ?? ''} · ${p.traits.birthDate.split('-').reverse().join('/')}`.trim();

/** « Patient concerné » : a search in the registry (`patients.search`), one patient chosen or none. */
export function ComposePatient({ id, value, onChange }: { readonly id: string; readonly value: ChosenPatient | null; readonly onChange: (value: ChosenPatient | null) => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<readonly PatientView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = (event?: FormEvent | KeyboardEvent) => {
    event?.preventDefault();
    if (query.trim() === '') return;
    setError(null);
    invoke('patients.search', { query: query.trim() }).then(
      ({ patients }) => setResults(patients),
      (caught: unknown) => setError(t(`errors.${caught instanceof ApiCallError ? caught.code : 'INTERNAL'}`)),
    );
  };

  if (value) {
    return (
      <div className="field field-wide">
        <p className="compose-patient-chosen" id={`${id}-chosen`}>
          {t('mail.compose.patientChosen')} <strong data-testid="compose-patient-chosen">{value.label}</strong>{' '}
          <button type="button" className="button button-small" onClick={() => onChange(null)} data-testid="compose-patient-remove">
            {t('mail.compose.patientRemove')}
          </button>
        </p>
      </div>
    );
  }
  return (
    <div className="field field-wide">
      <label htmlFor={id}>{t('mail.compose.patient')}</label>
      <div className="compose-patient-search">
        <input
          id={id}
          type="search"
          autoComplete="off"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            // Enter searches instead of sending the whole message.
            if (event.key === 'Enter') search(event);
          }}
          aria-describedby={`${id}-note`}
          data-testid="compose-patient-query"
        />
        <button type="button" className="button button-small" onClick={() => search()} data-testid="compose-patient-search">
          {t('mail.compose.patientSearch')}
        </button>
      </div>
      <p id={`${id}-note`} className="field-note">
        {t('mail.compose.patientNote')}
      </p>
      <div role="status">
        {results !== null && results.length === 0 && <p className="field-note">{t('mail.compose.patientNone')}</p>}
      </div>
      {results !== null && results.length > 0 && (
        <ul className="compose-patient-results" aria-label={t('mail.compose.patientResults')}>
          {results.slice(0, 10).map((patient) => (
            <li key={patient.id}>
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  onChange({ id: patient.id, label: patientLabel(patient) });
                  setResults(null);
                  setQuery('');
                }}
                data-testid="compose-patient-option"
              >
                {patientLabel(patient)}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div role="alert">{error && <p className="field-error">{error}</p>}</div>
    </div>
  );
}
