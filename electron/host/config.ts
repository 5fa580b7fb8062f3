import { z } from 'zod';
import { hostKindSchema, modeSchema } from '../../shared/api/index.js';

/** The CPS card: module, trust anchors and revocation (normal mode; the demo ignores them). */
export const cardConfigSchema = z
  .object({
    /** PKCS#11 module; default: the Cryptolib CPS path of the OS. */
    modulePath: z.string().optional(),
    /** Trust-anchor folders; default: the Cryptolib's Coffre folder. */
    anchorFolders: z.array(z.string()).optional(),
    /** CRL files, folders or URLs. */
    crlSources: z.array(z.string()).default([]),
    revocation: z.enum(['require', 'warn', 'off']).default('require'),
    crlGraceDays: z.number().int().min(0).max(30).default(7),
    pollIntervalMs: z.number().int().min(100).max(10_000).default(500),
    /** SoftHSM2 only: re-initialise the module on each poll to see re-created tokens. */
    rescan: z.boolean().default(false),
  })
  .strict();
export type CardConfig = z.output<typeof cardConfigSchema>;

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
    card: cardConfigSchema.default({ crlSources: [], revocation: 'require', crlGraceDays: 7, pollIntervalMs: 500, rescan: false }),
  })
  .strict();
export type HostConfig = z.input<typeof hostConfigSchema>;
