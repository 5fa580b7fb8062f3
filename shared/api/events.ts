import { z } from 'zod';
import type { EventNameFromList } from './channels.js';
import { cardViewSchema } from './card.js';
import { settingsSchema, statusSchema } from './domain.js';
import { directoryStatusSchema } from './directory.js';
import { mailChangedSchema, mailStatusSchema } from './mail.js';
import { outboxChangedSchema } from './outbox.js';
import { pscStatusSchema } from './psc.js';

/** Everything main pushes to the renderer, with the schema of each payload. */
export const events = {
  'status.changed': statusSchema,
  'settings.changed': settingsSchema,
  'card.changed': cardViewSchema,
  'outbox.changed': outboxChangedSchema,
  'mail.changed': mailChangedSchema,
  'mail.status': mailStatusSchema,
  'directory.changed': directoryStatusSchema,
  'psc.changed': pscStatusSchema,
} as const satisfies Record<string, z.ZodType>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];
export { isEventName } from './channels.js';

// Compile-time proof that channels.ts lists exactly these events.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _eventListMatches: Same<EventName, EventNameFromList> = true;
void _eventListMatches;
