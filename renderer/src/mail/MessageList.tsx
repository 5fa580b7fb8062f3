import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailSummaryView } from '../../../shared/api/index.js';
import { MessageRow } from './MessageRow.js';
import type { WindowCache } from './windowCache.js';

interface Props {
  readonly cache: WindowCache<MailSummaryView>;
  readonly label: string;
  /** Sent and drafts show recipients instead of senders. */
  readonly recipients: boolean;
  readonly openId: number | null;
  readonly onOpen: (message: MailSummaryView) => void;
}

/** Rows are as tall as three lines of text at the user's font size (measured once). */
function rowHeightPx(): number {
  const rem = Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  return Math.round(rem * 4.75);
}

/**
 * The message list, virtualized: only the rows in view (and a few around) are in the DOM, and
 * only their pages are fetched. A listbox: Tab lands on it, ↑/↓, Page ↑/↓, Début/Fin move the
 * active row, Entrée (or a click) opens it; the opened one is `aria-selected`.
 */
export function MessageList({ cache, label, recipients, openId, onOpen }: Props) {
  const { t, i18n } = useTranslation();
  const baseId = useId();
  const scroller = useRef<HTMLDivElement>(null);
  const [rowHeight] = useState(rowHeightPx);
  const [active, setActive] = useState(0);
  const count = cache.total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 6,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  const invalidations = cache.invalidations;
  useEffect(() => {
    if (count > 0) cache.ensure(first, last);
  }, [cache, first, last, count, invalidations]);

  // A new list (another folder, a search) starts at the top.
  useLayoutEffect(() => {
    setActive(0);
    scroller.current?.scrollTo({ top: 0 });
  }, [cache]);

  useEffect(() => {
    if (active > 0 && active >= count) setActive(Math.max(0, count - 1));
  }, [active, count]);

  const move = (index: number) => {
    const next = Math.max(0, Math.min(count - 1, index));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const perPage = Math.max(1, Math.floor((scroller.current?.clientHeight ?? rowHeight * 8) / rowHeight) - 1);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (count === 0) return;
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + perPage),
      PageUp: () => move(active - perPage),
      Home: () => move(0),
      End: () => move(count - 1),
      Enter: () => {
        const message = cache.get(active);
        if (message) onOpen(message);
      },
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  const rowId = (index: number) => `${baseId}-row-${index}`;
  const activeShown = items.some((item) => item.index === active);
  return (
    <div
      ref={scroller}
      className="mail-list"
      role="listbox"
      aria-label={label}
      tabIndex={0}
      aria-activedescendant={count > 0 && activeShown ? rowId(active) : undefined}
      onKeyDown={onKeyDown}
      data-testid="mail-list"
      data-total={count}
    >
      <div role="presentation" className="mail-list-inner" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        {items.map((item) => {
          const message = cache.get(item.index);
          return (
            <MessageRow
              key={item.key}
              id={rowId(item.index)}
              index={item.index}
              count={count}
              top={item.start}
              height={item.size}
              message={message}
              active={item.index === active}
              opened={message !== undefined && message.id === openId}
              recipients={recipients}
              locale={i18n.language}
              loadingLabel={t('mail.list.loading')}
              onClick={() => {
                setActive(item.index);
                if (message) onOpen(message);
              }}
            />
          );
        })}
      </div>
    </div>
  );
}
