import type { ReactNode } from 'react';

/**
 * The one `<h1>` of a screen. `tabIndex={-1}` lets the shell move focus here when the screen
 * changes (and the skip link land here) without adding it to the Tab order.
 */
export function ScreenTitle({ children }: { children: ReactNode }) {
  return (
    <h1 tabIndex={-1} className="screen-title">
      {children}
    </h1>
  );
}
