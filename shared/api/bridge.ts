import { z } from 'zod';
import { apiErrorSchema } from './errors.js';
import type { EventName, EventPayload } from './events.js';
import type { MethodInput, MethodName, MethodOutput } from './methods.js';

/** What every call returns across the bridge: a value or a typed error, never a thrown object. */
export const callResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }).strict(),
  z.object({ ok: z.literal(false), error: apiErrorSchema }).strict(),
]);
export type CallResult = z.infer<typeof callResultSchema>;

/**
 * The one object the renderer sees as `window.caducee` (Electron preload) or builds over the
 * web host's WebSocket. Untyped at the edge on purpose: the api client adds the types.
 */
export interface CaduceeBridge {
  invoke(method: string, input: unknown): Promise<CallResult>;
  on(event: string, handler: (payload: unknown) => void): () => void;
}

export type TypedInvoke = <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MethodOutput<M>>;
export type TypedOn = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) => () => void;

/** Frames of the web host's WebSocket (development and tests only). */
export const wireClientFrameSchema = z
  .object({ id: z.number().int().nonnegative(), method: z.string().max(100), input: z.unknown() })
  .strict();
export type WireClientFrame = z.infer<typeof wireClientFrameSchema>;

export const wireServerFrameSchema = z.union([
  z.object({ kind: z.literal('result'), id: z.number().int().nonnegative(), result: callResultSchema }).strict(),
  z.object({ kind: z.literal('event'), event: z.string(), payload: z.unknown() }).strict(),
]);
export type WireServerFrame = z.infer<typeof wireServerFrameSchema>;

export { ipcChannels } from './channels.js';
