import { z } from 'zod';

/**
 * The CPS card as the screens see it: the lock screen, the PIN dialog and the status bar.
 * Codes travel with a French message from main; the renderer translates known codes and falls
 * back to that message for the others.
 */
export const pinStatusSchema = z.enum(['ok', 'count-low', 'final-try', 'locked']);
export type PinStatus = z.infer<typeof pinStatusSchema>;

export const noticeSchema = z.object({ code: z.string().max(60), message: z.string().max(500) }).strict();
export type Notice = z.infer<typeof noticeSchema>;

export const practitionerSchema = z
  .object({
    idNatKind: z.string().max(20),
    idNat: z.string().max(40),
    rpps: z.string().max(20).optional(),
    lastName: z.string().max(200),
    firstName: z.string().max(200),
    profession: z.string().max(200),
    /** ISO date-time of the certificate's end of validity. */
    validUntil: z.string().max(40),
  })
  .strict();
export type Practitioner = z.infer<typeof practitionerSchema>;

export const certificateCheckSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ok'), practitioner: practitionerSchema, warnings: z.array(noticeSchema) }).strict(),
  z.object({ kind: z.literal('refused'), code: z.string().max(60), message: z.string().max(500) }).strict(),
]);

export const cardViewSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('no-reader') }).strict(),
  z.object({ state: z.literal('absent'), readers: z.number().int().nonnegative() }).strict(),
  z
    .object({
      state: z.literal('present'),
      slotId: z.string().max(64),
      pinStatus: pinStatusSchema,
      check: certificateCheckSchema,
      otherSlots: z.array(z.string().max(64)).max(16),
    })
    .strict(),
  z
    .object({
      state: z.literal('signed-in'),
      slotId: z.string().max(64),
      practitioner: practitionerSchema,
      warnings: z.array(noticeSchema),
      /** Other cards in the readers: a renewed card the vault can be transferred to. */
      otherSlots: z.array(z.string().max(64)).max(16),
    })
    .strict(),
]);
export type CardView = z.infer<typeof cardViewSchema>;

/** Four digits on a CPS; the length is a setting, so the contract accepts 4 to 8. */
export const pinInputSchema = z
  .object({ pin: z.string().regex(/^\d{4,8}$/), slotId: z.string().max(64).optional() })
  .strict();

/** Why a PIN did not open a session (shared by sign-in, recovery and card transfer). */
const signInFailures = [
  z.object({ result: z.literal('wrong-pin'), pinStatus: pinStatusSchema, message: z.string().max(500) }).strict(),
  z.object({ result: z.literal('locked'), message: z.string().max(500) }).strict(),
  z.object({ result: z.literal('pin-format'), message: z.string().max(500) }).strict(),
  z.object({ result: z.literal('refused'), code: z.string().max(60), message: z.string().max(500) }).strict(),
  z.object({ result: z.literal('removed'), message: z.string().max(500) }).strict(),
  z.object({ result: z.literal('error'), code: z.string().max(60), message: z.string().max(500) }).strict(),
  /** The card is fine but the vault could not be opened: the message says the way out. */
  z.object({ result: z.literal('vault-error'), code: z.string().max(60), message: z.string().max(1000) }).strict(),
] as const;

export const signInResultSchema = z.discriminatedUnion('result', [
  z
    .object({
      result: z.literal('signed-in'),
      /** Shown once, when this sign-in created the professional's vault. */
      recoveryCode: z.string().max(100).optional(),
    })
    .strict(),
  ...signInFailures,
]);
export type SignInResult = z.infer<typeof signInResultSchema>;

/** Card renewal: the vault re-protected for the professional's new card (its own PIN, once). */
export const transferInputSchema = z.object({ slotId: z.string().max(64), pin: z.string().regex(/^\d{4,8}$/) }).strict();

export const transferResultSchema = z.discriminatedUnion('result', [
  z.object({ result: z.literal('transferred') }).strict(),
  z.object({ result: z.literal('other-practitioner'), message: z.string().max(500) }).strict(),
  ...signInFailures,
]);
export type TransferResult = z.infer<typeof transferResultSchema>;
