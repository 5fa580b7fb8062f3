import path from 'node:path';
import type { Mode } from '../../shared/api/index.js';
import { createCardService, type CardService } from '../card/cardService.js';
import { createPkcs11Provider } from '../card/pkcs11Provider.js';
import type { CardProvider } from '../card/provider.js';
import { defaultAnchorFolders } from '../card/trustStore.js';
import { createVirtualCard, type VirtualCard } from '../card/virtualCard.js';
import type { Logger } from '../policy/logger.js';
import type { CardConfig } from './config.js';

/**
 * Which card the host talks to. Demo: the virtual card of the demo profile, with its own demo
 * chain as the only trust anchors — a demo can never sign in with a real card, nor the normal
 * mode with the demo card. Normal: the PKCS#11 module named by settings or machine policy.
 */
export interface CardSetup {
  readonly service: CardService;
  /** Present in demo mode only. */
  readonly virtualCard: VirtualCard | undefined;
}

/** The Cryptolib CPS module for each OS (STANDARDS.md §1); machine policy may name another. */
export function defaultModulePath(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'win32':
      return 'cps3_pkcs11_w64.dll';
    case 'darwin':
      // [UNCONFIRMED] install path of the macOS dylib: a setting overrides it.
      return '/usr/local/lib/libcps3_pkcs11_osx.dylib';
    default:
      return '/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so';
  }
}

export function createCardSetup(options: {
  mode: Mode;
  profileDir: string;
  platform: NodeJS.Platform;
  card: CardConfig;
  log: Logger;
  provider?: CardProvider;
}): CardSetup {
  const { mode, profileDir, card, log } = options;
  const crlCacheDir = path.join(profileDir, 'crl-cache');
  if (mode === 'demo') {
    const virtualCard = createVirtualCard(path.join(profileDir, 'demo-card'));
    const service = createCardService({
      provider: options.provider ?? virtualCard,
      log,
      anchorFolders: [],
      extraAnchors: virtualCard.anchors,
      crlSources: [],
      crlCacheDir,
      // The demo chain has no CRL distribution point; nothing real is at stake.
      revocation: { mode: 'off', expiredCrlGraceDays: 0 },
      pollIntervalMs: card.pollIntervalMs,
    });
    return { service, virtualCard };
  }
  const provider = options.provider ?? createPkcs11Provider({ modulePath: card.modulePath ?? defaultModulePath(options.platform), log });
  const service = createCardService({
    provider,
    log,
    anchorFolders: card.anchorFolders ?? defaultAnchorFolders(options.platform),
    crlSources: card.crlSources,
    crlCacheDir,
    revocation: { mode: card.revocation, expiredCrlGraceDays: card.crlGraceDays },
    pollIntervalMs: card.pollIntervalMs,
    rescan: card.rescan,
  });
  return { service, virtualCard: undefined };
}
