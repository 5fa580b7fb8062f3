/** Sizes, counts and dates of the directory screen, in the user's language. */

export function formatBytes(bytes: number, locale: string): string {
  const units = [
    [1024 ** 3, 'gigabyte'],
    [1024 ** 2, 'megabyte'],
    [1024, 'kilobyte'],
  ] as const;
  for (const [size, unit] of units) {
    if (bytes >= size) return new Intl.NumberFormat(locale, { style: 'unit', unit, maximumFractionDigits: 1 }).format(bytes / size);
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte' }).format(bytes);
}

export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}

export function formatDateTime(ms: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(ms));
}

/** Whole percent, or null when the total is unknown; never 100 before the end. */
export function percentOf(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Math.min(done >= total ? 100 : 99, Math.floor((done / total) * 100));
}

/**
 * Screen readers hear the progress in quarters, not every event: a polite region that changes
 * four times a second is noise. Returns the step (0–4) a percentage falls in.
 */
export function announcedStep(percent: number | null): number {
  return percent === null ? 0 : Math.floor(percent / 25);
}
