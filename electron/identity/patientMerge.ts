import { randomBytes } from 'node:crypto';
import type { Logger } from '../policy/logger.js';
import { silentLogger } from '../policy/logger.js';
import { IdentityError } from './errors.js';
import { IDENTITY_STATUSES } from './identityStatus.js';
import { formatIns } from './insMatricule.js';
import { decodePatient, traitValue, type PatientRecord } from './patientRecord.js';
import { refusalError } from './patientRegistry.js';
import type { PatientStore } from './patientStore.js';
import type { PatientTraits } from './strictTraits.js';

/**
 * Merging duplicates, in two steps so it never happens by accident:
 * 1. `proposeMerge(keptId, retiredId)` returns what will happen (both records, the differing
 *    fields, warnings) and a single-use token, bound to both records' versions, valid 5 minutes.
 * 2. `confirmMerge(token)` does it in one vault transaction: messages and documents move to the
 *    kept patient; the retired record stays, marked merged, its INS released (history keeps it).
 * If either record changed in between, the token is refused (`merge-stale`): the user must see
 * the summary of what they actually merge.
 */
export type MergeWarning = 'strict-traits-differ' | 'retired-status-higher' | 'retired-has-ins-kept-none';

export interface MergeProposal {
  readonly token: string;
  readonly expiresAt: number;
  readonly kept: PatientRecord;
  readonly retired: PatientRecord;
  readonly differences: readonly { readonly field: keyof PatientTraits; readonly kept: string | null; readonly retired: string | null }[];
  readonly warnings: readonly MergeWarning[];
}

export interface MergeResult {
  readonly keptId: number;
  readonly retiredId: number;
  readonly movedMessages: number;
  readonly movedDocuments: number;
}

interface Pending {
  readonly keptId: number;
  readonly keptVersion: number;
  readonly retiredId: number;
  readonly retiredVersion: number;
  readonly expiresAt: number;
}

const FIELDS: readonly (keyof PatientTraits)[] = ['birthName', 'firstNames', 'sex', 'birthDate', 'birthPlace', 'usedName', 'usedFirstName'];
const rank = (s: PatientRecord['status']) => IDENTITY_STATUSES.indexOf(s) + (s === 'qualifiee' ? 10 : 0);

export function createMergeService(options: { store: PatientStore; actor: string; now?: () => number; log?: Logger; ttlMs?: number }) {
  const { store, actor } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLogger;
  const ttl = options.ttlMs ?? 5 * 60_000;
  const pending = new Map<string, Pending>();

  const load = async (id: number): Promise<PatientRecord> => {
    const row = await store.patientById(id);
    const p = row === null ? null : decodePatient(row);
    if (p === null) throw new IdentityError('patient-not-found', `id ${id}`);
    if (p.mergedInto !== null) throw new IdentityError('patient-merged', `id ${id}`);
    return p;
  };

  return {
    async proposeMerge(keptId: number, retiredId: number): Promise<MergeProposal> {
      if (keptId === retiredId) throw new IdentityError('merge-same-patient');
      const [kept, retired] = [await load(keptId), await load(retiredId)];
      if (kept.ins !== null && retired.ins !== null && (formatIns(kept.ins) !== formatIns(retired.ins) || kept.ins.oid !== retired.ins.oid)) {
        throw new IdentityError('merge-different-ins');
      }
      const differences = FIELDS.flatMap((field) => {
        const a = traitValue(kept.traits, field);
        const b = traitValue(retired.traits, field);
        return a === b ? [] : [{ field, kept: a, retired: b }];
      });
      const warnings: MergeWarning[] = [];
      if (differences.some((d) => d.field !== 'usedName' && d.field !== 'usedFirstName')) warnings.push('strict-traits-differ');
      if (rank(retired.status) > rank(kept.status)) warnings.push('retired-status-higher');
      if (retired.ins !== null && kept.ins === null) warnings.push('retired-has-ins-kept-none');
      for (const [t, p] of pending) if (p.expiresAt <= now()) pending.delete(t);
      const token = randomBytes(24).toString('base64url');
      const expiresAt = now() + ttl;
      pending.set(token, { keptId, keptVersion: kept.version, retiredId, retiredVersion: retired.version, expiresAt });
      log.info('identity.merge.proposed', { keptId, retiredId, warnings: warnings.join(',') });
      return { token, expiresAt, kept, retired, differences, warnings };
    },

    async confirmMerge(token: string): Promise<MergeResult> {
      const p = pending.get(token);
      pending.delete(token); // single use, whatever happens next
      if (p === undefined || p.expiresAt <= now()) throw new IdentityError('merge-token-invalid');
      const result = await store.patientMerge({ ...p, actor, at: now() });
      if (!result.ok) throw result.reason === 'version-conflict' || result.reason === 'merged' ? new IdentityError('merge-stale') : refusalError(result.reason);
      log.info('identity.merge.done', { keptId: p.keptId, retiredId: p.retiredId, movedMessages: result.movedMessages, movedDocuments: result.movedDocuments });
      return { keptId: p.keptId, retiredId: p.retiredId, movedMessages: result.movedMessages, movedDocuments: result.movedDocuments };
    },
  };
}

export type MergeService = ReturnType<typeof createMergeService>;
