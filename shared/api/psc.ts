import { z } from 'zod';

/**
 * Pro Santé Connect: the OIDC session that authenticates the personal MSSanté mailbox
 * (XOAUTH2). Tokens stay in main's memory; the renderer only sees this state.
 */
export const pscStatusSchema = z
  .object({
    configured: z.boolean(),
    /** waiting: the authorization window is open; expired: the refresh token ran out. */
    state: z.enum(['signed-out', 'waiting', 'signed-in', 'expired']),
    identity: z.object({ idNat: z.string().max(40), displayName: z.string().max(300) }).strict().nullable(),
    /** When the access token ends (it is refreshed before, while the refresh token is valid). */
    expiresAt: z.number().nullable(),
    /** French, for the screen; null when all is well. */
    message: z.string().max(500).nullable(),
  })
  .strict();
export type PscStatusView = z.infer<typeof pscStatusSchema>;

export const pscMethods = {
  'psc.status': { input: z.object({}).strict(), output: pscStatusSchema },
  /**
   * Starts a sign-in. Electron: main opens its own authorization window and returns
   * `openUrl: null`. Web host: the renderer opens `openUrl` in a new window; the provider
   * redirects back to the web host, which completes the sign-in.
   */
  'psc.signIn': { input: z.object({}).strict(), output: z.object({ openUrl: z.string().url().max(4000).nullable() }).strict() },
  'psc.cancel': { input: z.object({}).strict(), output: z.object({}).strict() },
  'psc.signOut': { input: z.object({}).strict(), output: z.object({}).strict() },
} as const;
