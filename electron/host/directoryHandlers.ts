import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ServiceError, type DirectoryEntryView, type DirectoryStatusView } from '../../shared/api/index.js';
import { createDirectory, DirectoryFormatError, DirectoryImportAborted, DirectorySourceError, type DirectoryEntry, type DirectoryStatus } from '../mail/directory/directory.js';
import { downloadExtraction } from '../mail/directory/download.js';
import type { Logger } from '../policy/logger.js';
import type { Vault } from '../vault/client.js';
import type { DirectoryConfig } from './config.js';
import type { EventBus } from './eventBus.js';
import type { Handlers } from './router.js';
import type { VaultSession } from './vaultSession.js';

type DirectoryHandlers = Pick<Handlers, 'directory.status' | 'directory.import' | 'directory.cancelImport' | 'directory.search'>;

/** Shows an OS file picker (Electron); absent in the web host. Resolves null when cancelled. */
export type PickFile = (options: { title: string; extensions: readonly string[] }) => Promise<string | null>;

type ImportView = DirectoryStatusView['import'];

const IDLE: ImportView = { state: 'idle', phase: null, bytesDone: 0, bytesTotal: null, lines: 0, rejected: 0, message: null };
/** Progress events at most this often (the bar needs no more; the bridge carries less). */
const EVENT_INTERVAL_MS = 250;
/** How often a running import checks that the session it started in is still open. */
const SESSION_CHECK_MS = 500;
const LOCKED_MESSAGE = 'La session a été verrouillée pendant l’import de l’annuaire : import interrompu. L’annuaire actuel est conservé.';
const INTERNAL_MESSAGE = 'L’import de l’annuaire a échoué (erreur interne, détail dans le journal). L’annuaire actuel est conservé.';

export interface DirectoryHandlersOptions {
  readonly vault: VaultSession;
  readonly events: EventBus;
  readonly log: Logger;
  readonly config: DirectoryConfig;
  readonly pickFile?: PickFile;
  /** Where the download is written while it is imported (the profile's); removed after. */
  readonly tempDir?: string;
}

function toView(e: DirectoryEntry): DirectoryEntryView {
  const cut = (text: string | null, max: number) => (text === null ? null : text.slice(0, max));
  return {
    address: e.address.slice(0, 320),
    displayName: e.displayName.slice(0, 500),
    type: e.type,
    rpps: cut(e.rpps ?? e.idNat, 40),
    profession: cut(e.profession, 300),
    specialty: cut(e.specialty, 300),
    organisation: cut([e.structure, e.service].filter((p) => p !== null && p !== '').join(' – ') || null, 500),
    city: cut([e.postalCode, e.city].filter((p) => p !== null && p !== '').join(' ') || null, 300),
  };
}

/** The French sentence for a failed import, and a code for the log (never file content). */
function describeFailure(error: unknown, locked: boolean): { code: string; message: string } {
  if (locked) return { code: 'locked', message: LOCKED_MESSAGE };
  if (error instanceof DirectoryImportAborted) return { code: 'cancelled', message: error.userMessage };
  if (error instanceof DirectorySourceError) return { code: error.code, message: error.userMessage };
  if (error instanceof DirectoryFormatError) return { code: error.code, message: error.userMessage };
  return { code: error instanceof Error ? error.name : 'unknown', message: INTERNAL_MESSAGE };
}

/**
 * Réglages › Annuaire Santé and the recipients' autocompletion. The directory lives in the vault:
 * every method needs an open session (LOCKED otherwise). One import at a time, in the
 * background, reported through `directory.changed`; a failed or cancelled import leaves the
 * previous directory in place (the importer stages and swaps).
 */
export function createDirectoryHandlers(options: DirectoryHandlersOptions): DirectoryHandlers {
  const { events, log, config } = options;
  let importView: ImportView = IDLE;
  let running: { controller: AbortController; vault: Vault } | null = null;
  /** The last status read from the vault, so that progress events need no vault call. */
  let known: { vault: Vault; status: DirectoryStatus | null } | null = null;
  let lastEmit = 0;
  let trailing: NodeJS.Timeout | undefined;

  const openVault = (): Vault => {
    const vault = options.vault.current();
    if (!vault) throw new ServiceError('LOCKED', 'directory while locked');
    return vault;
  };

  const view = (status: DirectoryStatus | null): DirectoryStatusView => ({
    count: status?.entries ?? 0,
    importedAt: status?.importedAt ?? null,
    source: status?.source.slice(0, 500) ?? null,
    downloadConfigured: config.downloadUrl !== undefined,
    filePickerAvailable: options.pickFile !== undefined,
    import: importView,
  });

  const readStatus = async (vault: Vault): Promise<DirectoryStatus | null> => {
    const status = await vault.directoryStatus();
    known = { vault, status };
    return status;
  };

  const emitNow = () => {
    clearTimeout(trailing);
    trailing = undefined;
    lastEmit = Date.now();
    const status = known !== null && known.vault === options.vault.current() ? known.status : null;
    events.emit('directory.changed', view(status));
  };
  /** Progress: at most one event per interval, the last state always sent. */
  const emitThrottled = () => {
    const wait = lastEmit + EVENT_INTERVAL_MS - Date.now();
    if (wait <= 0) emitNow();
    else if (trailing === undefined) {
      trailing = setTimeout(emitNow, wait);
      trailing.unref();
    }
  };

  const setImport = (patch: Partial<ImportView>, urgent: boolean) => {
    importView = { ...importView, ...patch };
    if (urgent) emitNow();
    else emitThrottled();
  };

  async function runImport(vault: Vault, controller: AbortController, fetchFile: () => Promise<{ file: string; source: (name: string) => string; cleanup: () => Promise<void> }>) {
    const started = Date.now();
    const directory = createDirectory(vault);
    const sessionWatch = setInterval(() => {
      if (options.vault.current() !== vault) controller.abort();
    }, SESSION_CHECK_MS);
    let cleanup: (() => Promise<void>) | undefined;
    let outcome: Partial<ImportView>;
    try {
      const fetched = await fetchFile();
      cleanup = fetched.cleanup;
      setImport({ phase: 'import', bytesDone: 0, bytesTotal: null, lines: 0, rejected: 0 }, true);
      const report = await directory.importExtraction(fetched.file, {
        signal: controller.signal,
        sourceName: fetched.source,
        onProgress: (p) => setImport({ bytesDone: p.bytesRead, bytesTotal: p.totalBytes, lines: p.entries, rejected: p.malformed }, false),
      });
      known = { vault, status: report.status };
      outcome = { state: 'done', phase: null, lines: report.entries, rejected: report.malformed, message: null };
      log.info('directory.imported', { entries: report.entries, rejected: report.malformed, latin1Lines: report.latin1Lines, bytes: report.bytes, ms: Date.now() - started });
    } catch (error) {
      const locked = options.vault.current() !== vault;
      const { code, message } = describeFailure(error, locked);
      const cancelled = code === 'cancelled';
      if (cancelled) log.info('directory.import-cancelled', { ms: Date.now() - started });
      else log.warn('directory.import-failed', { code, ...(error instanceof DirectorySourceError && error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}), detail: error instanceof Error ? error.message.slice(0, 200) : 'unknown' });
      outcome = { state: cancelled ? 'cancelled' : 'failed', phase: null, message };
    }
    clearInterval(sessionWatch);
    // Tidy first, then say it is over: whoever reacts to the last event finds nothing left over.
    await cleanup?.().catch((error: unknown) => log.warn('directory.cleanup-failed', { error: error instanceof Error ? error.name : 'unknown' }));
    running = null;
    setImport(outcome, true);
  }

  const fromDownload = (url: string, controller: AbortController) => async () => {
    const dir = options.tempDir ?? path.join(process.cwd(), 'tmp');
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `annuaire-${randomUUID()}.download`);
    const cleanup = () => fs.promises.rm(file, { force: true });
    try {
      const { host } = await downloadExtraction({
        url,
        dest: file,
        signal: controller.signal,
        ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
        onProgress: (bytesDone, bytesTotal) => setImport({ bytesDone, bytesTotal }, false),
      });
      return { file, source: (name: string) => `${name} (${host})`, cleanup };
    } catch (error) {
      await cleanup();
      throw error;
    }
  };

  return {
    'directory.status': async () => {
      const vault = openVault();
      // Another session (another professional's vault): the last import's outcome was not theirs.
      if (known !== null && known.vault !== vault && running === null) importView = IDLE;
      return view(await readStatus(vault));
    },
    'directory.import': async ({ source }) => {
      const vault = openVault();
      if (running !== null) return { started: false };
      let fetchFile: Parameters<typeof runImport>[2];
      const controller = new AbortController();
      if (source === 'download') {
        if (config.downloadUrl === undefined) throw new ServiceError('UNAVAILABLE', 'no download address configured');
        fetchFile = fromDownload(config.downloadUrl, controller);
      } else {
        if (options.pickFile === undefined) throw new ServiceError('UNAVAILABLE', 'no file picker on this host');
        const file = await options.pickFile({ title: 'Importer l’extraction de l’Annuaire Santé', extensions: ['zip', 'txt'] });
        if (file === null || running !== null) return { started: false };
        fetchFile = async () => ({ file, source: (name: string) => name, cleanup: async () => undefined });
      }
      running = { controller, vault };
      if (known?.vault !== vault) await readStatus(vault).catch(() => null);
      setImport({ ...IDLE, state: 'running', phase: source === 'download' ? 'download' : 'import' }, true);
      log.info('directory.import-started', { source });
      void runImport(vault, controller, fetchFile);
      return { started: true };
    },
    'directory.cancelImport': async () => {
      openVault();
      running?.controller.abort();
      return {};
    },
    'directory.search': async ({ query, limit, name, rpps, profession, city }) => {
      const directory = createDirectory(openVault());
      const criteria = { name, rpps, profession, city };
      const given = Object.fromEntries(Object.entries(criteria).filter(([, v]) => v !== undefined && v.trim() !== '')) as Record<string, string>;
      let found: DirectoryEntry[];
      if (Object.keys(given).length > 0) {
        found = await directory.search({ ...given, limit });
      } else {
        const text = query.trim();
        if (text === '') return { entries: [] };
        const digits = text.replace(/\s+/g, '');
        if (/^\d{8,12}$/.test(digits)) found = await directory.search({ rpps: digits, limit });
        else {
          // A full address typed in the recipient field: its owner first, then the other matches.
          const exact = text.includes('@') ? await directory.lookupAddress(text) : [];
          const words = await directory.autocomplete(text, limit);
          const seen = new Set(exact.map((e) => e.id));
          found = [...exact, ...words.filter((e) => !seen.has(e.id))];
        }
      }
      return { entries: found.slice(0, limit).map(toView) };
    },
  };
}
