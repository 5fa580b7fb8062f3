import { ServiceError } from '../../shared/api/index.js';
import type { Logger } from '../policy/logger.js';
import type { DirectoryConfig } from './config.js';
import type { EventBus } from './eventBus.js';
import type { Handlers } from './router.js';
import type { VaultSession } from './vaultSession.js';

type DirectoryHandlers = Pick<Handlers, 'directory.status' | 'directory.import' | 'directory.cancelImport' | 'directory.search'>;

/** Shows an OS file picker (Electron); absent in the web host. Resolves null when cancelled. */
export type PickFile = (options: { title: string; extensions: readonly string[] }) => Promise<string | null>;

export function createDirectoryHandlers(options: { vault: VaultSession; events: EventBus; log: Logger; config: DirectoryConfig; pickFile?: PickFile }): DirectoryHandlers {
  void options;
  const notYet = async (): Promise<never> => {
    throw new ServiceError('UNAVAILABLE', 'not wired yet');
  };
  return {
    'directory.status': notYet,
    'directory.import': notYet,
    'directory.cancelImport': notYet,
    'directory.search': notYet,
  };
}
