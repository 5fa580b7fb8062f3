import { z } from 'zod';

/**
 * The patients and INS part of the contract (issue 6). Refusals the user must read beside the
 * form (traits, INS key, OID, version, merge, INSi) are values, not thrown errors: a result is
 * `{ ok: true, … } | { ok: false, code, message, problems? }`, with `message` in French from the
 * identity service and `problems` per field. A closed vault stays a thrown `LOCKED`.
 *
 * Every string is bounded; identifiers are positive integers; tokens are opaque.
 */

const text = (max: number) => z.string().max(max);
const name = text(200);
const patientId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const version = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const timestamp = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** Opaque single-use tokens (INSi answer, merge proposal): base64url. */
const token = z.string().regex(/^[A-Za-z0-9_-]{16,100}$/);

export const identityStatusSchema = z.enum(['provisoire', 'recuperee', 'validee', 'qualifiee']);
export type IdentityStatusView = z.infer<typeof identityStatusSchema>;

/** High-trust identity documents (RNIV); the same list as electron/identity/patientRecord.ts. */
export const identityDocumentSchema = z.enum(['carte-identite', 'passeport', 'titre-sejour', 'livret-famille', 'acte-naissance']);
export type IdentityDocumentView = z.infer<typeof identityDocumentSchema>;

export const traitFieldSchema = z.enum(['birthName', 'firstNames', 'sex', 'birthDate', 'birthPlace', 'usedName', 'usedFirstName']);
export type TraitFieldView = z.infer<typeof traitFieldSchema>;

export const insViewSchema = z.object({ matricule: text(13), key: text(2), oid: text(64) }).strict();
export type InsView = z.infer<typeof insViewSchema>;

/** Strict traits as the identity service keeps them (canonical: upper case, no accents). */
export const strictTraitsViewSchema = z
  .object({
    birthName: name,
    firstNames: z.array(name).min(1).max(20),
    sex: z.enum(['M', 'F']),
    /** AAAA-MM-JJ. */
    birthDate: text(10),
    /** INSEE COG code, null when unknown. */
    birthPlace: text(5).nullable(),
  })
  .strict();

export const traitsViewSchema = strictTraitsViewSchema.extend({ usedName: name.nullable(), usedFirstName: name.nullable() }).strict();
export type TraitsView = z.infer<typeof traitsViewSchema>;

export const patientViewSchema = z
  .object({
    id: patientId,
    ins: insViewSchema.nullable(),
    traits: traitsViewSchema,
    status: identityStatusSchema,
    version,
    /** Only a qualified identity's INS may leave the workstation (DMP, `X-MSS-INS: O`). */
    canShareIns: z.boolean(),
    insiAt: timestamp.nullable(),
    documentKind: text(40).nullable(),
    documentCheckedAt: timestamp.nullable(),
    updatedAt: timestamp,
  })
  .strict();
export type PatientView = z.infer<typeof patientViewSchema>;

/** One line of "who changed what": actor = the professional's idNat, never a name. */
export const historyEntrySchema = z
  .object({
    id: z.number().int().nonnegative(),
    at: timestamp,
    actor: text(40),
    action: text(40),
    field: text(40).nullable(),
    oldValue: text(1000).nullable(),
    newValue: text(1000).nullable(),
  })
  .strict();
export type HistoryEntryView = z.infer<typeof historyEntrySchema>;

export const traitProblemSchema = z.object({ field: traitFieldSchema, message: text(500) }).strict();
export type TraitProblemView = z.infer<typeof traitProblemSchema>;

/** A refusal the screen shows as is: the code for tests and i18n, the French sentence for people. */
export const refusalSchema = z
  .object({
    ok: z.literal(false),
    code: text(60),
    message: text(1000),
    /** Field-level problems of traits-invalid (one per field, French). */
    problems: z.array(traitProblemSchema).max(20).optional(),
    /** The field an INS or OID refusal belongs to, for the form. */
    field: z.enum(['ins', 'oid']).optional(),
  })
  .strict();
export type RefusalView = z.infer<typeof refusalSchema>;

const patientResult = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), patient: patientViewSchema }).strict(), refusalSchema]);
export type PatientResult = z.infer<typeof patientResult>;

/**
 * Traits as typed: plain strings, so that every problem comes back field by field (a zod refusal
 * would only say INVALID_INPUT). Birth date AAAA-MM-JJ or JJ/MM/AAAA.
 */
export const traitsInputSchema = z
  .object({
    birthName: name,
    firstNames: name,
    sex: text(1),
    birthDate: text(10),
    birthPlace: text(5).optional(),
    usedName: name.optional(),
    usedFirstName: name.optional(),
  })
  .strict();
export type TraitsInputView = z.infer<typeof traitsInputSchema>;

export const insInputSchema = z.object({ value: text(30), oid: text(64) }).strict();

export const insiIdentitySchema = z
  .object({
    ins: insViewSchema,
    traits: strictTraitsViewSchema,
    /** Past matricules INSi knows for this person. */
    history: z.array(insViewSchema).max(20),
  })
  .strict();

export const insiLookupResultSchema = z.discriminatedUnion('ok', [
  z
    .object({
      ok: z.literal(true),
      operation: z.enum(['recherche', 'verification']),
      /** 00 = one identity, 01 = none, 02 = several (search) / not confirmed (verification). */
      code: z.enum(['00', '01', '02']),
      label: text(300),
      identity: insiIdentitySchema.nullable(),
      /** Strict-trait fields where INSi differs from the file (canonical comparison). */
      differences: z.array(traitFieldSchema).max(7),
      /**
       * Single use, bound to this patient and version, valid a few minutes; null when there is
       * nothing to confirm. The answer itself stays in main: the renderer cannot forge one.
       */
      token: token.nullable(),
      expiresAt: timestamp.nullable(),
    })
    .strict(),
  refusalSchema,
]);
export type InsiLookupResult = z.infer<typeof insiLookupResultSchema>;

export const importReportSchema = z
  .object({
    total: z.number().int().nonnegative(),
    imported: z.array(z.object({ line: z.number().int().nonnegative(), patientId }).strict()).max(500_000),
    refused: z.array(z.object({ line: z.number().int().nonnegative(), reasons: z.array(text(1000)).max(20) }).strict()).max(500_000),
    ignoredColumns: z.array(text(200)).max(100),
    fileProblem: text(1000).nullable(),
  })
  .strict();
export type ImportReportView = z.infer<typeof importReportSchema>;

export const mergeWarningSchema = z.enum(['strict-traits-differ', 'retired-status-higher', 'retired-has-ins-kept-none']);

export const mergeProposalResultSchema = z.discriminatedUnion('ok', [
  z
    .object({
      ok: z.literal(true),
      token,
      expiresAt: timestamp,
      kept: patientViewSchema,
      retired: patientViewSchema,
      differences: z.array(z.object({ field: traitFieldSchema, kept: name.nullable(), retired: name.nullable() }).strict()).max(7),
      warnings: z.array(mergeWarningSchema).max(3),
    })
    .strict(),
  refusalSchema,
]);
export type MergeProposalView = z.infer<typeof mergeProposalResultSchema>;

export const mergeResultSchema = z.discriminatedUnion('ok', [
  z
    .object({
      ok: z.literal(true),
      keptId: patientId,
      retiredId: patientId,
      movedMessages: z.number().int().nonnegative(),
      movedDocuments: z.number().int().nonnegative(),
    })
    .strict(),
  refusalSchema,
]);

/** 5 MB of CSV text at most (a practice's whole patient list fits many times). */
export const MAX_CSV_CHARS = 5 * 1024 * 1024;

export const patientMethods = {
  /** Accent- and case-insensitive: name words (prefixes), JJ/MM/AAAA or AAAA-MM-JJ, an INS (5+ characters). */
  'patients.search': {
    input: z.object({ query: text(200) }).strict(),
    output: z.object({ patients: z.array(patientViewSchema).max(50) }).strict(),
  },
  /** The file: identity and the history of who changed what (most recent first). */
  'patients.get': {
    input: z.object({ id: patientId }).strict(),
    output: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), patient: patientViewSchema, history: z.array(historyEntrySchema).max(200) }).strict(),
      refusalSchema,
    ]),
  },
  /** A new identity: provisoire, or validée when a high-trust document was checked now. */
  'patients.create': {
    input: z
      .object({ traits: traitsInputSchema, ins: insInputSchema.nullable().optional(), identityDocument: identityDocumentSchema.nullable().optional() })
      .strict(),
    output: patientResult,
  },
  /** Changes traits (only the fields given); `version` is the one the user saw. */
  'patients.edit': {
    input: z.object({ id: patientId, version, traits: traitsInputSchema.partial().strict() }).strict(),
    output: patientResult,
  },
  /** A high-trust identity document was checked against the traits on screen. */
  'patients.recordDocumentCheck': {
    input: z.object({ id: patientId, version, document: identityDocumentSchema }).strict(),
    output: patientResult,
  },
  /**
   * Asks INSi with the patient's traits (verification when an INS is on file, search otherwise).
   * Nothing is recorded: the user compares, then confirms with the token.
   */
  'patients.insiLookup': {
    input: z.object({ id: patientId }).strict(),
    output: insiLookupResultSchema,
  },
  /** "C'est bien ce patient": records the INSi answer held under `token` (→ récupérée or qualifiée). */
  'patients.insiConfirm': {
    input: z.object({ id: patientId, version, token }).strict(),
    output: patientResult,
  },
  /** CSV import (columns: electron/identity/patientImport.ts), with a per-line report. */
  'patients.importCsv': {
    input: z.object({ csv: z.string().min(1).max(MAX_CSV_CHARS) }).strict(),
    output: z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), report: importReportSchema }).strict(), refusalSchema]),
  },
  /** Step 1 of a merge: what would happen, and a single-use token (5 minutes). */
  'patients.proposeMerge': {
    input: z.object({ keptId: patientId, retiredId: patientId }).strict(),
    output: mergeProposalResultSchema,
  },
  /** Step 2, after the user's explicit confirmation of the summary. */
  'patients.confirmMerge': {
    input: z.object({ token }).strict(),
    output: mergeResultSchema,
  },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;
