import { useEffect, useMemo, useReducer } from 'react';
import type { MailSummaryView } from '../../../shared/api/index.js';
import { invoke } from '../api/client.js';
import { WindowCache } from './windowCache.js';

export type ListSource = { readonly kind: 'folder'; readonly folder: string } | { readonly kind: 'search'; readonly query: string };

/** What the search asks for at most (the contract's cap): the best 200, newest first. */
export const SEARCH_LIMIT = 200;

function fetcherOf(source: ListSource) {
  if (source.kind === 'folder') {
    return (offset: number, limit: number) => invoke('mail.list', { folder: source.folder, offset, limit });
  }
  return async (offset: number, limit: number) => {
    const { items } = await invoke('mail.search', { query: source.query, limit: SEARCH_LIMIT });
    return { total: items.length, items: items.slice(offset, offset + limit) };
  };
}

/** One page cache per list shown (a folder, or one search), re-rendering as pages arrive. */
export function useMessageWindow(source: ListSource | null): WindowCache<MailSummaryView> | null {
  const key = source === null ? '' : source.kind === 'folder' ? `f:${source.folder}` : `s:${source.query}`;
  // The key says everything the cache depends on.
  const cache = useMemo(() => (source === null ? null : new WindowCache(fetcherOf(source), { pageSize: source.kind === 'search' ? SEARCH_LIMIT : 100 })), [key]);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!cache) return;
    const off = cache.subscribe(rerender);
    // The first page, so the count is known before the list is measured.
    cache.ensure(0, 0);
    return off;
  }, [cache]);
  return cache;
}
