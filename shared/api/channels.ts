/**
 * The names the Electron preload needs, kept free of zod so the preload stays a few kilobytes
 * (it is parsed in every window before the page). `events.ts` checks at compile time that this
 * list and the event schemas name the same events.
 */
export const ipcChannels = { invoke: 'caducee:invoke', event: 'caducee:event' } as const;

export const eventNameList = ['status.changed', 'settings.changed', 'card.changed', 'outbox.changed', 'mail.changed', 'mail.status', 'directory.changed', 'psc.changed'] as const;
export type EventNameFromList = (typeof eventNameList)[number];

export function isEventName(value: unknown): value is EventNameFromList {
  return typeof value === 'string' && (eventNameList as readonly string[]).includes(value);
}
