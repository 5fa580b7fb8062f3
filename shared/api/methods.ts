import { z } from 'zod';
import { cardViewSchema, pinInputSchema, signInResultSchema, transferInputSchema, transferResultSchema } from './card.js';
import { appInfoSchema, settingsPatchSchema, settingsSchema, statusSchema } from './domain.js';
import { directoryMethods } from './directory.js';
import { mailMethods } from './mail.js';
import { outboxMethods } from './outbox.js';
import { pscMethods } from './psc.js';
import { patientMethods } from './patients.js';

const noInput = z.object({}).strict();
const nothing = z.object({}).strict();

/**
 * The contract: every method the renderer may call, with the schema of its input and output.
 * Main validates each input (and the calling frame) before a service runs. Adding a method here
 * makes the host fail to compile until a handler exists for it.
 */
export const methods = {
  'app.getInfo': { input: noInput, output: appInfoSchema },
  'status.get': { input: noInput, output: statusSchema },
  'settings.get': { input: noInput, output: settingsSchema },
  'settings.update': { input: settingsPatchSchema, output: settingsSchema },
  'card.getState': { input: noInput, output: cardViewSchema },
  /** The PIN crosses the bridge once, for one C_Login; main never stores, logs or retries it. */
  'card.signIn': { input: pinInputSchema, output: signInResultSchema },
  'card.signOut': { input: noInput, output: nothing },
  /**
   * The way out of a vault the card alone cannot open: one sign-in with the PIN plus the
   * recovery code noted at creation; the vault is then re-protected for this card.
   */
  'vault.recover': {
    input: pinInputSchema.extend({ recoveryCode: z.string().min(8).max(64) }).strict(),
    output: signInResultSchema,
  },
  /** Card renewal: while signed in with the old card, the vault is re-protected for the new one. */
  'vault.transferToCard': { input: transferInputSchema, output: transferResultSchema },
  'card.selectSlot': { input: z.object({ slotId: z.string().max(64) }).strict(), output: nothing },
  /** Demo mode only (trainers): take the virtual card out of its virtual reader, or put it back. */
  'demo.setCardInserted': { input: z.object({ inserted: z.boolean() }).strict(), output: nothing },
  /**
   * Exports the audit trail, verified, to a file signed with the card's signature key. The file
   * holds identifiers only (professional idNat, actions, record ids): never names or INS.
   */
  'audit.export': {
    input: noInput,
    output: z.object({ fileName: z.string(), count: z.number().int().nonnegative(), head: z.string() }).strict(),
  },
  /** The professional is active (throttled by the renderer): postpones the idle lock. */
  'session.activity': { input: noInput, output: nothing },
  /**
   * The error boundary reports a crash of the interface. Only the error's name and stack
   * frames travel: a message may quote health data shown on screen.
   */
  'diagnostics.reportRendererError': {
    input: z
      .object({
        name: z.string().max(100),
        frames: z.array(z.string().max(300)).max(30),
      })
      .strict(),
    output: nothing,
  },
  /** Patients and INS (shared/api/patients.ts). */
  ...patientMethods,
  /** Outbox and sending (shared/api/outbox.ts). */
  ...outboxMethods,
  /** Messagerie MSSanté (shared/api/mail.ts). */
  ...mailMethods,
  /** Annuaire Santé directory (shared/api/directory.ts). */
  ...directoryMethods,
  /** Pro Santé Connect (shared/api/psc.ts). */
  ...pscMethods,
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;
export const methodNames = Object.keys(methods) as MethodName[];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(methods, value);
}
