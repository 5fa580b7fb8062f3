import fs from 'node:fs';
import path from 'node:path';
import { ServiceError } from '../../shared/api/index.js';
import type { CardService } from '../card/cardService.js';
import type { Logger } from '../policy/logger.js';
import { exportAudit } from '../vault/audit.js';
import type { VaultSession } from './vaultSession.js';

/**
 * `audit.export`: the vault's hash-chained trail, verified, written to the profile's exports
 * folder with a detached signature by the card's signature key (its certificate beside it).
 */
export async function exportAuditTrail(options: {
  card: CardService;
  vault: VaultSession;
  exportsDir: string;
  actor: string;
  log: Logger;
  now?: () => Date;
}): Promise<{ fileName: string; count: number; head: string }> {
  const vault = options.vault.current();
  const certificates = options.card.certificates();
  if (!vault || !certificates) throw new ServiceError('LOCKED', 'audit export without an open session');
  await vault.appendAudit({ actor: options.actor, action: 'audit.exported', subjectType: 'audit', subjectId: 'local' });
  const records = await vault.auditRecords({});
  fs.mkdirSync(options.exportsDir, { recursive: true, mode: 0o700 });
  const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const fileName = `journal-audit-${stamp}.jsonl`;
  const signer = {
    algorithm: 'RSA-PKCS1-SHA256',
    ...(certificates.signature ? { certificate: certificates.signature } : {}),
    sign: (data: Buffer) => options.card.sign(data, 'RSA-PKCS1-SHA256', 'signature'),
  };
  const result = await exportAudit(records, signer, path.join(options.exportsDir, fileName));
  options.log.info('audit.exported', { count: result.count });
  return { fileName, count: result.count, head: result.head };
}
