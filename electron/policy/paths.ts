import path from 'node:path';
import type { Mode } from '../../shared/api/index.js';

/**
 * Where a profile lives inside the app's data folder. The demo has its own folder so that
 * fictitious data and real data can never mix.
 */
export function profileDir(dataDir: string, mode: Mode): string {
  return path.join(dataDir, mode === 'demo' ? 'demo' : 'profile');
}

export function logDir(dataDir: string): string {
  return path.join(dataDir, 'logs');
}
