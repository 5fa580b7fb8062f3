/**
 * The pages of one message list (a folder, newest first), fetched as the virtualized list
 * scrolls: only the pages around what is shown are asked for, each once at a time, and at most
 * `maxPages` are kept (the farthest from the last request go first). Pure logic: the fetch is
 * given, so the unit tests count calls.
 */
export interface WindowPage<T> {
  readonly total: number;
  readonly items: readonly T[];
}

export type FetchWindow<T> = (offset: number, limit: number) => Promise<WindowPage<T>>;

export interface WindowCacheOptions {
  readonly pageSize?: number;
  readonly maxPages?: number;
}

const RETRY_MS = 2_000;

export class WindowCache<T> {
  readonly pageSize: number;
  private readonly maxPages: number;
  private readonly pages = new Map<number, readonly T[]>();
  private readonly inFlight = new Set<number>();
  /** When a page's fetch last failed: it is not asked again before RETRY_MS (no storm while scrolling). */
  private readonly failedAt = new Map<number, number>();
  /** Pages to fetch again (stale after a change) while their old rows stay on screen. */
  private readonly stale = new Set<number>();
  private readonly listeners = new Set<() => void>();
  private generation = 0;
  private lastCenter = 0;
  private failed = false;
  total: number | null = null;

  constructor(
    private readonly fetchWindow: FetchWindow<T>,
    options: WindowCacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = Math.max(2, options.maxPages ?? 40);
  }

  /** The row at `index`, or undefined while its page is not here (the list shows a placeholder). */
  get(index: number): T | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Counts `invalidate()` calls: a list re-asks for what it shows when this moves. */
  get invalidations(): number {
    return this.generation;
  }

  /** True when the last fetch failed (the screen says so; the next `ensure` tries again). */
  get hasFailed(): boolean {
    return this.failed;
  }

  /** Asks for the pages holding rows `first`…`last` (inclusive) that are missing or stale. */
  ensure(first: number, last: number): void {
    const lo = Math.max(0, Math.floor(first / this.pageSize));
    let hi = Math.max(lo, Math.floor(Math.max(first, last) / this.pageSize));
    if (this.total !== null) hi = Math.min(hi, Math.max(0, Math.ceil(this.total / this.pageSize) - 1));
    this.lastCenter = (lo + hi) / 2;
    for (let page = lo; page <= hi; page += 1) {
      if (this.inFlight.has(page)) continue;
      if (this.pages.has(page) && !this.stale.has(page)) continue;
      const failed = this.failedAt.get(page);
      if (failed !== undefined && this.now() - failed < RETRY_MS) continue;
      this.load(page);
    }
  }

  /** The folder changed (new mail, flags): keep showing what is here, fetch it again when shown. */
  invalidate(): void {
    for (const page of this.pages.keys()) this.stale.add(page);
    // Answers already on their way were asked before the change: they must not count as fresh.
    this.generation += 1;
    this.inFlight.clear();
    // An empty list has no rows on screen to ask again: the first page is asked here.
    if (this.total === null || this.total === 0) this.ensure(0, 0);
    this.emit();
  }

  /** Changes one row in place (e.g. marked read after opening) without a refetch. */
  patch(predicate: (item: T) => boolean, change: (item: T) => T): void {
    let changed = false;
    for (const [page, items] of this.pages) {
      if (!items.some(predicate)) continue;
      this.pages.set(
        page,
        items.map((item) => (predicate(item) ? change(item) : item)),
      );
      changed = true;
    }
    if (changed) this.emit();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private load(page: number): void {
    const generation = this.generation;
    this.inFlight.add(page);
    this.fetchWindow(page * this.pageSize, this.pageSize).then(
      (result) => {
        if (generation !== this.generation) return;
        this.inFlight.delete(page);
        this.failed = false;
        this.failedAt.delete(page);
        this.total = result.total;
        this.pages.set(page, result.items);
        this.stale.delete(page);
        // Pages past the end (the folder shrank) go; so do the farthest ones beyond the cap.
        const lastPage = Math.ceil(result.total / this.pageSize) - 1;
        for (const kept of [...this.pages.keys()]) if (kept > lastPage) this.pages.delete(kept);
        this.evict();
        this.emit();
      },
      () => {
        if (generation !== this.generation) return;
        this.inFlight.delete(page);
        this.failed = true;
        this.failedAt.set(page, this.now());
        this.emit();
      },
    );
  }

  private evict(): void {
    if (this.pages.size <= this.maxPages) return;
    const byDistance = [...this.pages.keys()].sort((a, b) => Math.abs(b - this.lastCenter) - Math.abs(a - this.lastCenter));
    for (const page of byDistance.slice(0, this.pages.size - this.maxPages)) {
      this.pages.delete(page);
      this.stale.delete(page);
    }
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
