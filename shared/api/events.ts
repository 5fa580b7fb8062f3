import { z } from 'zod';
import { settingsSchema, statusSchema } from './domain.js';

/** Everything main pushes to the renderer, with the schema of each payload. */
export const events = {
  'status.changed': statusSchema,
  'settings.changed': settingsSchema,
} as const satisfies Record<string, z.ZodType>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(events, value);
}
