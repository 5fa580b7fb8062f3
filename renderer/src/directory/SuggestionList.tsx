import type { DirectoryEntryView } from '../../../shared/api/index.js';
import type { DirectoryCombobox } from './useDirectoryCombobox.js';

interface Props {
  readonly id: string;
  readonly label: string;
  readonly combobox: DirectoryCombobox;
}

/** The listbox of a directory combobox: name, then profession and city, then the address. */
export function SuggestionList({ id, label, combobox }: Props) {
  const { entries, open, active, optionId, pick, setActive } = combobox;
  return (
    <ul id={id} role="listbox" aria-label={label} className="directory-suggestions" hidden={!open}>
      {entries.map((entry: DirectoryEntryView, i) => (
        <li
          key={entry.address}
          id={optionId(i)}
          role="option"
          aria-selected={i === active}
          className="directory-suggestion"
          // The field keeps the focus (and its text) while an option is clicked.
          onMouseDown={(event) => event.preventDefault()}
          onMouseMove={() => i !== active && setActive(i)}
          onClick={() => pick(entry)}
        >
          <span className="suggestion-name">{entry.displayName}</span>
          <span className="suggestion-meta">{[entry.profession, entry.specialty, entry.organisation, entry.city].filter((p) => p !== null && p !== '').join(' · ')}</span>
          <span className="suggestion-address">{entry.address}</span>
        </li>
      ))}
    </ul>
  );
}
