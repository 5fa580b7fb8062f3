import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { ServiceError, type PatientView, type RefusalView, type TraitFieldView } from '../../shared/api/index.js';
import type { CardService } from '../card/cardService.js';
import { IdentityError } from '../identity/errors.js';
import { canShareIns } from '../identity/identityStatus.js';
import type { InsiAnswer } from '../identity/insiAnswer.js';
import { createInsiClient, type InsiService } from '../identity/insiClient.js';
import { InsiError } from '../identity/insiErrors.js';
import type { InsMode } from '../identity/insOid.js';
import { createMergeService, type MergeService } from '../identity/patientMerge.js';
import { importPatientsCsv } from '../identity/patientImport.js';
import type { PatientRecord } from '../identity/patientRecord.js';
import { createPatientRegistry, TraitsInvalidError, type PatientRegistry } from '../identity/patientRegistry.js';
import type { StrictTraits, TraitsInput } from '../identity/strictTraits.js';
import type { Logger } from '../policy/logger.js';
import type { Vault } from '../vault/client.js';
import type { InsiConfig } from './config.js';
import type { Handlers } from './router.js';
import type { VaultSession } from './vaultSession.js';

type PatientMethod =
  | 'patients.search'
  | 'patients.get'
  | 'patients.create'
  | 'patients.edit'
  | 'patients.recordDocumentCheck'
  | 'patients.insiLookup'
  | 'patients.insiConfirm'
  | 'patients.importCsv'
  | 'patients.proposeMerge'
  | 'patients.confirmMerge';
export type PatientHandlers = Pick<Handlers, PatientMethod>;

/** Where INSi answers come from: the demo double, the configured client, or nothing configured. */
export type InsiSource = { readonly kind: 'service'; readonly service: InsiService } | { readonly kind: 'client'; readonly config: InsiConfig; readonly appVersion: string } | { readonly kind: 'none' };

export interface PatientHandlerOptions {
  readonly card: Pick<CardService, 'getState'>;
  readonly vault: Pick<VaultSession, 'current'>;
  readonly mode: InsMode;
  readonly insi: InsiSource;
  readonly log: Logger;
  readonly now?: () => number;
  /** How long an INSi answer waits for "C'est bien ce patient" (default 10 minutes). */
  readonly insiTokenTtlMs?: number;
}

export const INSI_NOT_CONFIGURED = 'Téléservice INSi non configuré : l’identité ne peut pas être vérifiée depuis ce poste. Contactez votre support informatique.';

interface Session {
  readonly vault: Vault;
  readonly actor: string;
  readonly registry: PatientRegistry;
  readonly merge: MergeService;
}

interface PendingInsi {
  readonly vault: Vault;
  readonly actor: string;
  readonly patientId: number;
  readonly version: number;
  readonly answer: InsiAnswer;
  readonly expiresAt: number;
}

const MAX_PENDING_INSI = 50;
const STRICT: readonly (keyof StrictTraits)[] = ['birthName', 'firstNames', 'sex', 'birthDate', 'birthPlace'];

export function toPatientView(p: PatientRecord): PatientView {
  return {
    id: p.id,
    ins: p.ins === null ? null : { matricule: p.ins.matricule, key: p.ins.key, oid: p.ins.oid },
    traits: { ...p.traits, firstNames: [...p.traits.firstNames] },
    status: p.status,
    version: p.version,
    canShareIns: canShareIns(p.status),
    insiAt: p.insiAt,
    documentKind: p.documentKind,
    documentCheckedAt: p.documentCheckedAt,
    updatedAt: p.updatedAt,
  };
}

/** Identity and INSi refusals become values the form shows; anything else is thrown on. */
function refusal(error: unknown): RefusalView {
  if (error instanceof TraitsInvalidError) {
    return { ok: false, code: error.code, message: error.userMessage, problems: error.problems.map((p) => ({ field: p.field, message: p.message })) };
  }
  if (error instanceof IdentityError) {
    const field = error.code === 'ins-invalid' || error.code === 'ins-already-registered' ? 'ins' : error.code === 'oid-refused' ? 'oid' : undefined;
    return { ok: false, code: error.code, message: error.userMessage, ...(field ? { field } : {}) };
  }
  if (error instanceof InsiError) return { ok: false, code: error.code, message: error.userMessage.slice(0, 1000) };
  throw error;
}

async function orRefusal<T>(run: () => Promise<T>): Promise<T | RefusalView> {
  try {
    return await run();
  } catch (error) {
    return refusal(error);
  }
}

/** JJ/MM/AAAA as typed in the form → AAAA-MM-JJ; anything else goes to the checks as is. */
function isoDate(value: string): string {
  const fr = /^\s*(\d{2})\/(\d{2})\/(\d{4})\s*$/.exec(value);
  return fr === null ? value : `${fr[3]}-${fr[2]}-${fr[1]}`;
}

function traitsInput(t: { birthName: string; firstNames: string; sex: string; birthDate: string; birthPlace?: string | undefined; usedName?: string | undefined; usedFirstName?: string | undefined }): TraitsInput {
  return { ...t, birthDate: isoDate(t.birthDate) };
}

/**
 * The patient methods, on the vault of the signed-in professional (actor = the card's idNat).
 * A closed vault (locked session) refuses every one with LOCKED. INSi answers never cross the
 * bridge as objects the renderer could send back: main keeps each one under a random,
 * single-use token bound to the patient, its version, the vault and the professional.
 */
export function createPatientHandlers(options: PatientHandlerOptions): PatientHandlers {
  const { card, vault, mode, log } = options;
  const now = options.now ?? Date.now;
  const ttl = options.insiTokenTtlMs ?? 10 * 60_000;
  let session: Session | undefined;
  const pendingInsi = new Map<string, PendingInsi>();

  function open(): Session {
    const state = card.getState();
    const current = vault.current();
    if (state.state !== 'signed-in' || current === undefined) {
      session = undefined;
      pendingInsi.clear();
      throw new ServiceError('LOCKED', 'patients while locked');
    }
    const actor = state.profile.idNat;
    if (session?.vault !== current || session.actor !== actor) {
      // A new sign-in: nothing pending from the previous session survives (merge or INSi tokens).
      pendingInsi.clear();
      session = {
        vault: current,
        actor,
        registry: createPatientRegistry({ store: current, actor, mode, log, now }),
        merge: createMergeService({ store: current, actor, log, now }),
      };
    }
    return session;
  }

  function insiService(actor: string): InsiService | null {
    const source = options.insi;
    if (source.kind === 'service') return source.service;
    if (source.kind === 'none') return null;
    const c = source.config;
    const tls = c.tls === undefined ? undefined : { pfx: fs.readFileSync(c.tls.pfxFile), passphrase: c.tls.passphrase, ...(c.tls.caFiles ? { ca: c.tls.caFiles.map((f) => fs.readFileSync(f)) } : {}) };
    return createInsiClient(
      {
        endpoint: c.endpoint,
        idam: c.idam,
        instance: c.instance,
        emitter: c.emitter ?? actor,
        softwareName: 'caducee',
        softwareVersion: source.appVersion,
        ...(c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs }),
        ...(tls === undefined ? {} : { tls }),
      },
      { log, now },
    );
  }

  const patientResult = async (run: () => Promise<PatientRecord>) => orRefusal(async () => ({ ok: true as const, patient: toPatientView(await run()) }));

  return {
    'patients.search': async ({ query }) => {
      const { registry } = open();
      const found = await registry.search(query, 50);
      return { patients: found.map(toPatientView) };
    },

    'patients.get': async ({ id }) => {
      const { registry } = open();
      const patient = await registry.get(id);
      if (patient === null) return refusal(new IdentityError('patient-not-found'));
      if (patient.mergedInto !== null) return refusal(new IdentityError('patient-merged'));
      const history = await registry.history(id);
      return { ok: true, patient: toPatientView(patient), history: history.slice(0, 200) };
    },

    'patients.create': async ({ traits, ins, identityDocument }) => {
      const { registry } = open();
      return patientResult(() => registry.create({ traits: traitsInput(traits), ins: ins ?? null, identityDocument: identityDocument ?? null }));
    },

    'patients.edit': async ({ id, version, traits }) => {
      const { registry } = open();
      const patch: Record<string, string> = {};
      for (const [field, value] of Object.entries(traits)) if (value !== undefined) patch[field] = field === 'birthDate' ? isoDate(value) : value;
      return patientResult(() => registry.edit(id, version, patch));
    },

    'patients.recordDocumentCheck': async ({ id, version, document }) => {
      const { registry } = open();
      return patientResult(() => registry.recordDocumentCheck(id, version, document));
    },

    'patients.insiLookup': async ({ id }) => {
      const s = open();
      const patient = await s.registry.get(id);
      if (patient === null) return refusal(new IdentityError('patient-not-found'));
      if (patient.mergedInto !== null) return refusal(new IdentityError('patient-merged'));
      let service: InsiService | null;
      try {
        service = insiService(s.actor);
      } catch (error) {
        if (error instanceof InsiError) return { ok: false, code: 'insi-not-configured', message: INSI_NOT_CONFIGURED };
        log.warn('patients.insi-config-unreadable', { error: error instanceof Error ? error.name : 'unknown' });
        return { ok: false, code: 'insi-not-configured', message: INSI_NOT_CONFIGURED };
      }
      if (service === null) return { ok: false, code: 'insi-not-configured', message: INSI_NOT_CONFIGURED };
      const { birthName, firstNames, sex, birthDate, birthPlace } = patient.traits;
      const traits: StrictTraits = { birthName, firstNames, sex, birthDate, birthPlace };
      let answer: InsiAnswer;
      try {
        answer = patient.ins === null ? await service.rechercherIns(traits) : await service.verifierIns(patient.ins, traits);
      } catch (error) {
        return refusal(error);
      }
      for (const [t, p] of pendingInsi) if (p.expiresAt <= now()) pendingInsi.delete(t);
      const identity = answer.identity;
      let token: string | null = null;
      let expiresAt: number | null = null;
      if (answer.code === '00' && identity !== null) {
        token = randomBytes(24).toString('base64url');
        expiresAt = now() + ttl;
        // Bounded: the oldest pending answers go first (a Map iterates in insertion order).
        while (pendingInsi.size >= MAX_PENDING_INSI) pendingInsi.delete(pendingInsi.keys().next().value as string);
        pendingInsi.set(token, { vault: s.vault, actor: s.actor, patientId: id, version: patient.version, answer, expiresAt });
      }
      const differences: TraitFieldView[] =
        identity === null ? [] : STRICT.filter((f) => (f === 'firstNames' ? identity.traits.firstNames.join(' ') !== patient.traits.firstNames.join(' ') : identity.traits[f] !== patient.traits[f]));
      log.info('patients.insi-lookup', { id, operation: answer.operation, code: answer.code, differences: differences.length });
      return {
        ok: true,
        operation: answer.operation,
        code: answer.code,
        label: answer.label.slice(0, 300),
        identity:
          identity === null
            ? null
            : {
                ins: { matricule: identity.ins.matricule, key: identity.ins.key, oid: identity.ins.oid },
                traits: { ...identity.traits, firstNames: [...identity.traits.firstNames] },
                history: identity.history.slice(0, 20).map((h) => ({ matricule: h.matricule, key: h.key, oid: h.oid })),
              },
        differences,
        token,
        expiresAt,
      };
    },

    'patients.insiConfirm': async ({ id, version, token }) => {
      const s = open();
      const pending = pendingInsi.get(token);
      pendingInsi.delete(token); // single use, whatever happens next
      if (pending === undefined || pending.expiresAt <= now() || pending.vault !== s.vault || pending.actor !== s.actor || pending.patientId !== id) {
        log.warn('patients.insi-token-refused', { id });
        return { ok: false, code: 'insi-token-invalid', message: 'Cette réponse du téléservice INSi n’est plus valable (expirée, déjà utilisée ou d’un autre patient) : relancez la vérification.' };
      }
      // The user compared INSi's traits with the file as it was then: a change since needs a new look.
      if (pending.version !== version) return refusal(new IdentityError('version-conflict'));
      return patientResult(() => s.registry.recordInsiResult(id, version, pending.answer));
    },

    'patients.importCsv': async ({ csv }) => {
      const { registry } = open();
      return orRefusal(async () => {
        const report = await importPatientsCsv(registry, csv);
        log.info('patients.imported', { total: report.total, imported: report.imported.length, refused: report.refused.length });
        return {
          ok: true as const,
          report: {
            ...report,
            imported: [...report.imported],
            refused: report.refused.map((r) => ({ line: r.line, reasons: r.reasons.slice(0, 20).map((m) => m.slice(0, 1000)) })),
            ignoredColumns: report.ignoredColumns.slice(0, 100).map((c) => c.slice(0, 200)),
          },
        };
      });
    },

    'patients.proposeMerge': async ({ keptId, retiredId }) => {
      const { merge } = open();
      return orRefusal(async () => {
        const p = await merge.proposeMerge(keptId, retiredId);
        return {
          ok: true as const,
          token: p.token,
          expiresAt: p.expiresAt,
          kept: toPatientView(p.kept),
          retired: toPatientView(p.retired),
          differences: p.differences.map((d) => ({ ...d })),
          warnings: [...p.warnings],
        };
      });
    },

    'patients.confirmMerge': async ({ token }) => {
      const { merge } = open();
      return orRefusal(async () => ({ ok: true as const, ...(await merge.confirmMerge(token)) }));
    },
  };
}
