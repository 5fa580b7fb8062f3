import { z } from 'zod';

/** Schemas of the values that methods and events carry. Pure data, no behaviour. */

export const localeSchema = z.enum(['fr', 'en']);
export type Locale = z.infer<typeof localeSchema>;

export const modeSchema = z.enum(['demo', 'normal']);
export type Mode = z.infer<typeof modeSchema>;

export const hostKindSchema = z.enum(['electron', 'web']);

export const appInfoSchema = z
  .object({
    name: z.string(),
    version: z.string(),
    mode: modeSchema,
    hostKind: hostKindSchema,
    platform: z.string(),
  })
  .strict();
export type AppInfo = z.infer<typeof appInfoSchema>;

export const cardStateSchema = z.enum(['no-reader', 'absent', 'present', 'signed-in']);
export const networkStateSchema = z.enum(['online', 'offline', 'unknown']);

export const statusSchema = z
  .object({
    card: z.object({ state: cardStateSchema }).strict(),
    network: networkStateSchema,
    pendingJobs: z.number().int().nonnegative(),
  })
  .strict();
export type Status = z.infer<typeof statusSchema>;

/** Minutes without activity before the session locks (card signed out, vault closed). */
export const idleLockMinutesSchema = z.number().int().min(1).max(240);

export const settingKeySchema = z.enum(['locale', 'idleLockMinutes']);

export const settingsSchema = z
  .object({
    locale: localeSchema,
    idleLockMinutes: idleLockMinutesSchema,
    /** Keys that machine policy has fixed: the UI shows them read-only. */
    lockedKeys: z.array(settingKeySchema),
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;

export const settingsPatchSchema = z.object({ locale: localeSchema.optional(), idleLockMinutes: idleLockMinutesSchema.optional() }).strict();
