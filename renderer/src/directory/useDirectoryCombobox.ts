import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import type { DirectoryEntryView } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';
import { MIN_QUERY } from './recipients.js';

/** Typing pauses shorter than this ask nothing (one query per word, not per letter). */
export const DEBOUNCE_MS = 200;
const LIMIT = 8;

export interface DirectoryCombobox {
  readonly entries: readonly DirectoryEntryView[];
  readonly open: boolean;
  /** Index of the highlighted option, -1 for none. */
  readonly active: number;
  /** True once a search for the current text came back (for the "no suggestion" line). */
  readonly searched: boolean;
  readonly optionId: (index: number) => string;
  readonly onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void;
  readonly pick: (entry: DirectoryEntryView) => void;
  readonly setActive: (index: number) => void;
  readonly close: () => void;
}

/**
 * The ARIA 1.2 combobox behaviour over `directory.search`, shared by the recipient field and the
 * quick search: debounced queries (answers to an older text are dropped), ↓/↑ move the
 * highlight (aria-activedescendant, focus stays in the field), Enter picks it, Esc closes.
 * `onEnter` gets Enter when no option is highlighted (a typed address).
 */
export function useDirectoryCombobox(options: { listId: string; text: string; onPick: (entry: DirectoryEntryView) => void; onEnter?: () => boolean }): DirectoryCombobox {
  const { listId, text, onPick, onEnter } = options;
  const [entries, setEntries] = useState<readonly DirectoryEntryView[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [searched, setSearched] = useState(false);

  useEffect(() => {
    const query = text.trim();
    setSearched(false);
    if (query.length < MIN_QUERY) {
      setEntries([]);
      setOpen(false);
      setActive(-1);
      return undefined;
    }
    let stale = false;
    const timer = setTimeout(() => {
      invoke('directory.search', { query, limit: LIMIT }).then(
        (result) => {
          if (stale) return;
          setEntries(result.entries);
          setOpen(result.entries.length > 0);
          setActive(-1);
          setSearched(true);
        },
        () => {
          // Locked or unavailable: no suggestion; a typed address still works.
          if (stale) return;
          setEntries([]);
          setOpen(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [text]);

  const close = useCallback(() => {
    setOpen(false);
    setActive(-1);
  }, []);

  const pick = useCallback(
    (entry: DirectoryEntryView) => {
      close();
      onPick(entry);
    },
    [close, onPick],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    const n = entries.length;
    switch (event.key) {
      case 'ArrowDown':
        if (n === 0) return;
        event.preventDefault();
        if (!open) setOpen(true);
        setActive((i) => (i + 1) % n);
        return;
      case 'ArrowUp':
        if (n === 0) return;
        event.preventDefault();
        if (!open) setOpen(true);
        setActive((i) => (i <= 0 ? n - 1 : i - 1));
        return;
      case 'Enter': {
        const entry = open && active >= 0 ? entries[active] : undefined;
        if (entry) {
          event.preventDefault();
          pick(entry);
        } else if (onEnter?.() === true) event.preventDefault();
        return;
      }
      case 'Escape':
        if (open) {
          event.preventDefault();
          close();
        }
        return;
      default:
    }
  };

  return { entries, open: open && entries.length > 0, active, searched, optionId: (i) => `${listId}-option-${i}`, onKeyDown, pick, setActive, close };
}
