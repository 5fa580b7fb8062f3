/**
 * Small line icons drawn in SVG (no icon font, no emoji font needed on the workstation). They
 * are decoration: the words travel beside them for screen readers.
 */
const PATHS = {
  inbox: 'M4 4h16v16H4z M4 13h5l1.5 3h3L15 13h5',
  sent: 'M3 11l18-8-8 18-2-8z M11 13l10-10',
  drafts: 'M4 20h4L19 9l-4-4L4 16z M13.5 6.5l4 4',
  archive: 'M3 4h18v4H3z M5 8v12h14V8 M10 12h4',
  junk: 'M12 3l9 16H3z M12 10v4 M12 16.5v.5',
  trash: 'M4 7h16 M9 7V4h6v3 M6 7l1 13h10l1-13',
  folder: 'M3 6h6l2 2h10v11H3z',
  attachment: 'M8 12l6-6a3 3 0 0 1 4 4l-8 8a5 5 0 0 1-7-7l7-7',
  flag: 'M5 21V4 M5 4h12l-2 4 2 4H5',
  answered: 'M10 8L5 12l5 4 M5 12h9a5 5 0 0 1 5 5v2',
  patient: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 21a8 8 0 0 1 16 0',
  receipt: 'M4 12l4 4 8-8 M12 16l8-8',
  download: 'M12 4v11 M7 10l5 5 5-5 M5 20h14',
  search: 'M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13z M15.5 15.5L20 20',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, className }: { readonly name: IconName; readonly className?: string }) {
  return (
    <svg className={`mail-svg${className ? ` ${className}` : ''}`} viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
