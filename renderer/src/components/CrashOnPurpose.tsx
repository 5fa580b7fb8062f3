/**
 * Hidden test hook, rendered only on the `#/__crash` route (see `routes.ts`): it throws while
 * rendering so the end-to-end suite can check the error boundary and the crash report. The
 * message is deliberately patient-like: the report must not carry it.
 */
export function CrashOnPurpose(): never {
  throw new Error('Test du filet de sécurité : Patient FICTIF Jean, né le 01/01/1970');
}
