import { z } from 'zod';

/**
 * Every failure that crosses the bridge is one of these codes. The renderer turns a code into
 * a French sentence (i18n key `errors.<code>`); the technical cause stays in the main log.
 */
export const apiErrorCodes = [
  'UNKNOWN_METHOD',
  'INVALID_INPUT',
  'FORBIDDEN_SENDER',
  'INVALID_OUTPUT',
  'POLICY_LOCKED',
  /** The session is locked (no card signed in, vault closed): sign in first. */
  'LOCKED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export const apiErrorCodeSchema = z.enum(apiErrorCodes);
export type ApiErrorCode = z.infer<typeof apiErrorCodeSchema>;

export const apiErrorSchema = z
  .object({
    code: apiErrorCodeSchema,
    /** Paths of the offending fields for INVALID_INPUT (never the values: they may hold health data). */
    fields: z.array(z.string().max(200)).max(50).optional(),
  })
  .strict();
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Thrown by services for failures the user must hear about; anything else becomes INTERNAL. */
export class ServiceError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    technicalCause: string,
  ) {
    super(technicalCause);
    this.name = 'ServiceError';
  }
}
