import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { IdentityStatusView, RefusalView } from '../../../shared/api/index.js';
import { ApiCallError } from '../api/client.js';

/**
 * Pieces shared by the patient screens. Messages from main (identity and INSi refusals) are
 * French sentences: shown as sent, marked `lang="fr"` when the interface is in another language
 * so that a screen reader pronounces them correctly.
 */
export function MainText({ children }: { children: string }) {
  const { i18n } = useTranslation();
  return <span lang={i18n.language.startsWith('fr') ? undefined : 'fr'}>{children}</span>;
}

/** A failure to show: a refusal from main, or a call that failed (translated from its code). */
export type Failure = { readonly kind: 'refusal'; readonly refusal: RefusalView } | { readonly kind: 'call'; readonly code: ApiCallError['code'] };

export function failureOf(error: unknown): Failure {
  return { kind: 'call', code: error instanceof ApiCallError ? error.code : 'INTERNAL' };
}

export function FailureAlert({ failure, testId }: { failure: Failure | null; testId?: string }) {
  const { t } = useTranslation();
  if (failure === null) return null;
  return (
    <p role="alert" className="field-error patients-alert" data-testid={testId}>
      {failure.kind === 'refusal' ? <MainText>{failure.refusal.message}</MainText> : t(`errors.${failure.code}`)}
    </p>
  );
}

export function StatusBadge({ status, testId }: { status: IdentityStatusView; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`status-badge status-badge-${status}`} data-testid={testId} data-status={status}>
      {t(`patients.status.${status}`)}
    </span>
  );
}

/** A section heading that takes focus when its view opens (not a Tab stop). */
export function ViewHeading({ children, testId }: { children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h2 ref={ref} tabIndex={-1} className="patients-view-title" data-testid={testId}>
      {children}
    </h2>
  );
}
