import { Fragment, useEffect, useRef, useState } from 'react';
import { invoke, on } from '../api/client.js';
import { useTranslation } from 'react-i18next';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { useAppInfo } from '../hooks/useAppInfo.js';
import { CsvImport } from '../patients/CsvImport.js';
import { PatientFile } from '../patients/PatientFile.js';
import { PatientForm } from '../patients/PatientForm.js';
import { PatientList } from '../patients/PatientList.js';
import '../styles/patients.css';

type View = { kind: 'list' } | { kind: 'new' } | { kind: 'import' } | { kind: 'file'; id: number };

/**
 * Patients — identities and INS: the list (search), a new patient, the CSV import and the
 * patient file with its verification. Views are local: the route stays `#/patients`.
 */
export function PatientsScreen() {
  const { t } = useTranslation();
  const info = useAppInfo();
  const [view, setView] = useState<View>({ kind: 'list' });
  const [query, setQuery] = useState('');
  // Back from a file, the form or the import: focus returns to the search box.
  const [returned, setReturned] = useState(false);
  const list = () => {
    setReturned(true);
    setView({ kind: 'list' });
  };
  const open = (id: number) => setView({ kind: 'file', id });

  // The shell stays mounted under the lock. Another professional signing in must not find the
  // previous one's patient on screen: everything here starts afresh for a different card holder.
  const [generation, setGeneration] = useState(0);
  const holder = useRef<string | null>(null);
  useEffect(() => {
    const off = on('card.changed', (card) => {
      if (card.state !== 'signed-in') return;
      const previous = holder.current;
      holder.current = card.practitioner.idNat;
      if (previous !== null && previous !== card.practitioner.idNat) {
        setView({ kind: 'list' });
        setQuery('');
        setReturned(false);
        setGeneration((g) => g + 1);
      }
    });
    invoke('card.getState', {}).then(
      (card) => {
        if (card.state === 'signed-in') holder.current ??= card.practitioner.idNat;
      },
      () => undefined,
    );
    return off;
  }, []);

  return (
    <Fragment key={generation}>
      <ScreenTitle>{t('screens.patients.title')}</ScreenTitle>
      {view.kind === 'list' && <PatientList onOpen={open} onNew={() => setView({ kind: 'new' })} onImport={() => setView({ kind: 'import' })} query={query} onQuery={setQuery} focusSearch={returned} />}
      {view.kind === 'new' && <PatientForm mode={info?.mode} onCreated={(p) => open(p.id)} onCancel={list} />}
      {view.kind === 'import' && <CsvImport onBack={list} onOpen={open} />}
      {view.kind === 'file' && <PatientFile key={view.id} id={view.id} onBack={list} onOpen={open} />}
    </Fragment>
  );
}
