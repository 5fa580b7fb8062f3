import { z } from 'zod';
import { hostKindSchema, modeSchema } from '../../shared/api/index.js';

/** What a host needs to be built; the Electron shell and the web host each fill it in. */
export const hostConfigSchema = z
  .object({
    mode: modeSchema,
    hostKind: hostKindSchema,
    /** The app's data folder (Electron: `app.getPath('userData')`). */
    dataDir: z.string().min(1),
    appVersion: z.string(),
    platform: z.string(),
    /** Machine policy file; absent means no policy. */
    policyFile: z.string().optional(),
    /** Origins allowed to call the bridge (the app's own document only). */
    trustedOrigins: z.array(z.string()).min(1),
    logToConsole: z.boolean().default(false),
  })
  .strict();
export type HostConfig = z.input<typeof hostConfigSchema>;
