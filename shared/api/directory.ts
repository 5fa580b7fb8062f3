import { z } from 'zod';

/**
 * The Annuaire Santé MSSanté directory kept in the vault: imported from the national
 * extraction (downloaded from the configured address, or a file the user picks), searched
 * offline. Messages come from main in French.
 */
const count = z.number().int().nonnegative();

export const directoryImportSchema = z
  .object({
    state: z.enum(['idle', 'running', 'done', 'failed', 'cancelled']),
    /** While running: fetching the file, then reading it into the vault (bytes are the phase's). */
    phase: z.enum(['download', 'import']).nullable().optional(),
    bytesDone: count,
    /** Null while the size is unknown (a download without Content-Length). */
    bytesTotal: count.nullable(),
    lines: count,
    rejected: count,
    message: z.string().max(500).nullable(),
  })
  .strict();

export const directoryStatusSchema = z
  .object({
    count,
    importedAt: z.number().nullable(),
    /** Where the present directory came from (file name or address host), for the screen. */
    source: z.string().max(500).nullable(),
    /** A download address is configured (machine policy / host configuration). */
    downloadConfigured: z.boolean(),
    /** This host can show a file picker (Electron); the web host cannot. */
    filePickerAvailable: z.boolean(),
    import: directoryImportSchema,
  })
  .strict();
export type DirectoryStatusView = z.infer<typeof directoryStatusSchema>;

export const directoryEntrySchema = z
  .object({
    address: z.string().max(320),
    displayName: z.string().max(500),
    type: z.enum(['PER', 'ORG', 'APP', 'CAB']).nullable(),
    rpps: z.string().max(40).nullable(),
    profession: z.string().max(300).nullable(),
    specialty: z.string().max(300).nullable(),
    organisation: z.string().max(500).nullable(),
    city: z.string().max(300).nullable(),
  })
  .strict();
export type DirectoryEntryView = z.infer<typeof directoryEntrySchema>;

export const directoryMethods = {
  'directory.status': { input: z.object({}).strict(), output: directoryStatusSchema },
  /** Starts an import in the background; progress comes as `directory.changed` events. */
  'directory.import': {
    input: z.object({ source: z.enum(['download', 'file']) }).strict(),
    output: z.object({ started: z.boolean() }).strict(),
  },
  'directory.cancelImport': { input: z.object({}).strict(), output: z.object({}).strict() },
  /**
   * `query`: free text, the recipient autocompletion (name or structure words, an address, an
   * RPPS). The optional criteria (the search panel) are combined with AND; given any, `query` is
   * ignored.
   */
  'directory.search': {
    input: z
      .object({
        query: z.string().max(200),
        limit: z.number().int().min(1).max(50),
        name: z.string().max(200).optional(),
        rpps: z.string().max(40).optional(),
        profession: z.string().max(200).optional(),
        city: z.string().max(200).optional(),
      })
      .strict(),
    output: z.object({ entries: z.array(directoryEntrySchema).max(50) }).strict(),
  },
} as const;
