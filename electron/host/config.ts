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

/**
 * The INSi teleservice (normal mode). Absent: `patients.insiLookup` says "Téléservice INSi non
 * configuré". Production is HTTPS with the IGC-Santé software certificate (PKCS#12 file); plain
 * HTTP is accepted towards 127.0.0.1 only (the simulator in tests).
 */
export const insiConfigSchema = z
  .object({
    endpoint: z.string().min(1),
    /** Numéro d'autorisation IDAM of the software. */
    idam: z.string().min(1),
    /** ContexteLPS/Instance: this installation. */
    instance: z.string().min(1),
    /** ContexteBAM/Emetteur; default: the signed-in professional's idNat. [UNCONFIRMED] value expected. */
    emitter: z.string().optional(),
    timeoutMs: z.number().int().min(1000).max(60_000).optional(),
    tls: z
      .object({ pfxFile: z.string().min(1), passphrase: z.string(), caFiles: z.array(z.string()).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type InsiConfig = z.output<typeof insiConfigSchema>;

/**
 * The MSSanté mailbox this workstation sends from (normal mode). Absent: messages wait in the
 * outbox with "Messagerie non configurée". Password authentication is for test operators only;
 * the personal MSSanté mailbox authenticates with the Pro Santé Connect token (XOAUTH2, the
 * messaging issue).
 */
const endpointConfigSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
    /** The operator's CA certificate (PEM file). Absent: the system store. */
    caFile: z.string().optional(),
    servername: z.string().optional(),
  })
  .strict();
const oidSchema = z.string().regex(/^[0-2](\.(0|[1-9]\d*))+$/);
const codeSchema = z.object({ code: z.string().min(1).max(64), scheme: oidSchema, displayName: z.string().min(1).max(200) }).strict();
/**
 * XDS metadata of the IHE_XDM archives this workstation sends ([UNCONFIRMED] values that depend
 * on the structure: settings, with defaults in `electron/host/mailXdmBuild.ts`).
 */
export const xdmSettingsSchema = z
  .object({
    /** Assigning authority of local patient ids (the structure's OID). */
    localPatientIdOid: oidSchema.optional(),
    /** sourceId of the submissions and custodian of the CDA (the structure's OID). */
    sourceOid: oidSchema.optional(),
    classCode: codeSchema.optional(),
    healthcareFacilityType: codeSchema.optional(),
    practiceSetting: codeSchema.optional(),
    contentType: codeSchema.optional(),
  })
  .strict();
export type XdmSettings = z.output<typeof xdmSettingsSchema>;

export const mailConfigSchema = z
  .object({
    address: z.string().email(),
    submission: endpointConfigSchema,
    imap: endpointConfigSchema,
    /**
     * password: test operators only. psc: the personal mailbox, SASL XOAUTH2 with the Pro Santé
     * Connect access token (`psc` block below). certificate: an organisation mailbox, TLS client
     * certificate (IGC-Santé « Élémentaire Organisation », PEM files).
     */
    auth: z.discriminatedUnion('type', [
      z.object({ type: z.literal('password'), user: z.string().min(1), password: z.string() }).strict(),
      z.object({ type: z.literal('psc'), user: z.string().min(1) }).strict(),
      z.object({ type: z.literal('certificate'), user: z.string().min(1), certFile: z.string().min(1), keyFile: z.string().min(1) }).strict(),
    ]),
    serverFilesSentCopy: z.boolean().default(true),
    sentFolder: z.string().optional(),
    /** How long the operator may take to file its Sent copy before a resend is believed safe. */
    settleMs: z.number().int().min(0).max(600_000).optional(),
    /**
     * The product reference obtained on convergence.esante.gouv.fr, sent as `X-MSS-NIL` on
     * every message. Absent in normal mode: sending pauses with a clear message (needs-user).
     */
    productReference: z.string().optional(),
    xdm: xdmSettingsSchema.optional(),
  })
  .strict();
export type MailConfig = z.output<typeof mailConfigSchema>;

/**
 * Pro Santé Connect (OIDC code + PKCE). Production: PSC's issuer and the client id of the
 * DataPass; tests: the local provider. Absent: `psc.status` says « non configuré ».
 */
export const pscConfigSchema = z
  .object({
    issuer: z.string().url(),
    /** When not `<issuer>/.well-known/openid-configuration` (PSC: `…/wallet-openid-configuration`). */
    discoveryUrl: z.string().url().optional(),
    clientId: z.string().min(1),
    /** Default: `fr.caducee.app:/psc/callback` (Electron); the web host uses its own loopback address. */
    redirectUri: z.string().optional(),
    scope: z.string().optional(),
    acrValues: z.string().optional(),
    /** RFC 8707 resource of the mail server's JWT audience (test operator); unset in production. */
    mailResource: z.string().optional(),
  })
  .strict();
export type PscConfig = z.output<typeof pscConfigSchema>;

/** The Annuaire Santé extraction: where it is downloaded from (ZIP or text). */
export const directoryConfigSchema = z
  .object({
    /** Default: none (import from a file). Production: the ANS extraction address. */
    downloadUrl: z.string().url().optional(),
    timeoutMs: z.number().int().min(1000).max(3_600_000).optional(),
  })
  .strict();
export type DirectoryConfig = z.output<typeof directoryConfigSchema>;

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
    /**
     * Which INS a normal-mode profile accepts (electron/identity/insOid.ts): `production` (NIR,
     * NIA) by default; `qualification` adds the test OID, for qualification benches and tests.
     * Host configuration only, never a renderer setting. The demo mode always uses `demo`.
     */
    identityMode: z.enum(['production', 'qualification']).default('production'),
    insi: insiConfigSchema.optional(),
    mail: mailConfigSchema.optional(),
    psc: pscConfigSchema.optional(),
    directory: directoryConfigSchema.default({}),
    /** Tests only: « Afficher les images » of a message may fetch over plain HTTP from 127.0.0.1. */
    mailRemoteContentAllowLoopbackHttp: z.boolean().default(false),
  })
  .strict();
export type HostConfig = z.input<typeof hostConfigSchema>;
