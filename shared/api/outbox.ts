import { z } from 'zod';

/**
 * « Envois en attente » and sending a message: every effect on a server is an outbox job
 * (ARCHITECTURE.md §5). Messages come from main in French.
 */
export const outboxStateSchema = z.enum(['pending', 'sending', 'retry-wait', 'needs-review', 'needs-user', 'invalid', 'done', 'cancelled']);
export type OutboxStateView = z.infer<typeof outboxStateSchema>;

export const outboxJobSchema = z
  .object({
    id: z.number().int().nonnegative(),
    kind: z.string().max(40),
    state: outboxStateSchema,
    attempts: z.number().int().nonnegative(),
    /** Epoch ms of the next automatic attempt. */
    nextAttemptAt: z.number(),
    lastErrorCode: z.string().max(60).nullable(),
    lastErrorMessage: z.string().max(500).nullable(),
    subject: z.string().max(1000).nullable(),
    to: z.array(z.string().max(320)).max(100).nullable(),
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .strict();
export type OutboxJobView = z.infer<typeof outboxJobSchema>;

export const outboxViewSchema = z
  .object({
    /** False when no MSSanté mailbox is configured on this workstation (nothing can leave). */
    configured: z.boolean(),
    connectivity: z.enum(['online', 'offline', 'unknown']),
    jobs: z.array(outboxJobSchema).max(500),
  })
  .strict();
export type OutboxView = z.infer<typeof outboxViewSchema>;

export const outboxMethods = {
  'outbox.list': { input: z.object({}).strict(), output: outboxViewSchema },
  /** Tries a waiting job now (and probes an offline server now). */
  'outbox.retryNow': { input: z.object({ id: z.number().int().nonnegative() }).strict(), output: z.object({}).strict() },
  /** Cancels a job not yet sent; refused (cancelled: false) while it is being sent. */
  'outbox.cancel': {
    input: z.object({ id: z.number().int().nonnegative() }).strict(),
    output: z.object({ cancelled: z.boolean() }).strict(),
  },
} as const;

/** Pushed when a job or the queue changes: the screen re-reads the list. */
export const outboxChangedSchema = z
  .object({ active: z.number().int().nonnegative(), connectivity: z.enum(['online', 'offline', 'unknown']) })
  .strict();
