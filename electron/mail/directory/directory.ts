import type { DirectoryEntry, DirectoryQuery, DirectoryStatus } from '../../vault/repo/directory.js';
import { openExtraction, type ZipLimits } from './extractionSource.js';
import { importDirectoryExtraction, type DirectoryImportOptions, type DirectoryImportReport, type DirectoryImportTarget } from './importer.js';

export type { DirectoryEntry, DirectoryMailboxType, DirectoryQuery, DirectoryStatus } from '../../vault/repo/directory.js';
export { DirectoryFormatError } from './columns.js';
export { DirectorySourceError, type DirectorySourceCode } from './sourceErrors.js';
export { DirectoryImportAborted, type DirectoryImportReport, type ImportProgress, type MalformedLine } from './importer.js';

/** The vault methods the directory uses (`Vault` from `openVault()` satisfies it). */
export interface DirectoryVault extends DirectoryImportTarget {
  directoryStatus(): Promise<DirectoryStatus | null>;
  searchDirectory(query: DirectoryQuery): Promise<DirectoryEntry[]>;
  autocompleteDirectory(args: { prefix: string; limit?: number }): Promise<DirectoryEntry[]>;
  findDirectoryByAddress(address: string): Promise<DirectoryEntry[]>;
}

/**
 * The national directory as the mail feature uses it: import of the ANS extraction, search,
 * and recipient autocompletion for the compose window. Everything reads the vault: offline.
 */
export function createDirectory(vault: DirectoryVault) {
  return {
    /** Imports an extraction file; the previous directory stays in place if anything fails. */
    importFile(file: string, options: Omit<DirectoryImportOptions, 'file' | 'target'> = {}): Promise<DirectoryImportReport> {
      return importDirectoryExtraction({ ...options, file, target: vault });
    },
    /**
     * Imports the extraction as ANS distributes it (a ZIP holding the `.txt`) or as a plain text
     * file; the source recorded is the extraction's name. Throws DirectorySourceError for a bad ZIP.
     */
    async importExtraction(
      file: string,
      options: Omit<DirectoryImportOptions, 'file' | 'target' | 'input' | 'source'> & { zipLimits?: Partial<ZipLimits>; sourceName?: (extractionName: string) => string } = {},
    ): Promise<DirectoryImportReport> {
      const { zipLimits, sourceName, ...rest } = options;
      const source = await openExtraction(file, zipLimits);
      try {
        const stream = await source.open();
        return await importDirectoryExtraction({ ...rest, file: source.name, input: { stream, totalBytes: source.totalBytes }, target: vault, source: sourceName?.(source.name) ?? source.name });
      } finally {
        source.close();
      }
    },
    /** Null before the first import. */
    status: (): Promise<DirectoryStatus | null> => vault.directoryStatus(),
    search: (query: DirectoryQuery): Promise<DirectoryEntry[]> => vault.searchDirectory(query),
    /** Recipients for what was typed in To/Cc (name, structure or address words; default 10). */
    autocomplete: (prefix: string, limit = 10): Promise<DirectoryEntry[]> => vault.autocompleteDirectory({ prefix, limit }),
    /** Who owns this address (a recipient typed in full); [] when unknown to the directory. */
    lookupAddress: (address: string): Promise<DirectoryEntry[]> => vault.findDirectoryByAddress(address),
  };
}

export type Directory = ReturnType<typeof createDirectory>;
