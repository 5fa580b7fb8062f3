import { DirectoryImport } from './DirectoryImport.js';
import { DirectorySearch } from './DirectorySearch.js';
import { useDirectoryStatus } from './useDirectoryStatus.js';
import './directory.css';

/** Réglages › Annuaire Santé: the directory's state and update, then its search. */
export function DirectorySection() {
  const { state } = useDirectoryStatus();
  return (
    <>
      <DirectoryImport state={state} />
      <DirectorySearch count={state.kind === 'ready' ? state.status.count : 0} />
    </>
  );
}
