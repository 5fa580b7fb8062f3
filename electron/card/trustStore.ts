import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../policy/logger.js';
import { parseCertificate, type ParsedCertificate } from './x509.js';

/**
 * Trust anchors: the IGC-Santé CA certificates that the Cryptolib CPS installs in its
 * `Coffre/` folder, plus folders named by machine policy. Caducée ships no CA certificate.
 * Files: DER or PEM (several PEM blocks per file allowed), extensions .cer .crt .der .pem.
 * Unreadable files are skipped and logged (by file name), never fatal.
 */

/** Default Coffre folder per OS. Only the Linux path is confirmed (STANDARDS.md §1). */
export function defaultAnchorFolders(platform: NodeJS.Platform, env: NodeJS.ProcessEnv = process.env): string[] {
  switch (platform) {
    case 'linux':
      return ['/etc/opt/santesocial/CPS/Coffre'];
    case 'win32': {
      // [UNCONFIRMED] Install folder "C:\Program Files[ (x86)]\santesocial\CPS"; a setting overrides.
      const pf = env['ProgramFiles'] ?? 'C:\\Program Files';
      const pf86 = env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)';
      return [`${pf}\\santesocial\\CPS\\Coffre`, `${pf86}\\santesocial\\CPS\\Coffre`];
    }
    case 'darwin':
      // [UNCONFIRMED] next to the macOS config folder; a setting overrides.
      return ['/Library/Preferences/santesocial/CPS/Coffre'];
    default:
      return [];
  }
}

const EXTENSIONS = new Set(['.cer', '.crt', '.der', '.pem']);

export interface TrustStore {
  readonly anchors: readonly ParsedCertificate[];
  /** Files that could not be read as certificates (names only). */
  readonly skipped: readonly string[];
  readonly folders: readonly string[];
}

function certificatesIn(data: Buffer): ParsedCertificate[] {
  const text = data.toString('latin1');
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    return blocks.map((block) => parseCertificate(block));
  }
  return [parseCertificate(data)];
}

export function loadTrustStore(folders: readonly string[], log: Logger): TrustStore {
  const anchors: ParsedCertificate[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const folder of folders) {
    let entries: string[];
    try {
      entries = fs.readdirSync(folder).sort();
    } catch {
      log.info('card.truststore.folder_missing', { folder });
      continue;
    }
    for (const entry of entries) {
      if (!EXTENSIONS.has(path.extname(entry).toLowerCase())) continue;
      const file = path.join(folder, entry);
      try {
        if (!fs.statSync(file).isFile()) continue;
        for (const cert of certificatesIn(fs.readFileSync(file))) {
          const key = cert.der.toString('base64');
          if (seen.has(key)) continue;
          seen.add(key);
          anchors.push(cert);
        }
      } catch (error) {
        skipped.push(entry);
        log.warn('card.truststore.skipped', { file: entry, error: error instanceof Error ? error.name : 'unknown' });
      }
    }
  }
  log.info('card.truststore.loaded', { folders: folders.length, anchors: anchors.length, skipped: skipped.length });
  return { anchors, skipped, folders };
}
