import type { Logger } from '../policy/logger.js';
import { silentLogger } from '../policy/logger.js';
import type { WriteRefusal } from '../vault/repo/patients.js';
import { IdentityError } from './errors.js';
import { statusAfterDocumentCheck, statusAfterInsi, statusAfterStrictEdit } from './identityStatus.js';
import { isInsiAnswer } from './insiAnswer.js';
import { checkMatricule, formatIns } from './insMatricule.js';
import { acceptOid, type InsMode } from './insOid.js';
import { canonicalName, searchWords } from './nameNormalisation.js';
import { decodePatient, searchTextOf, traitValue, type IdentityDocument, type PatientRecord } from './patientRecord.js';
import type { PatientStore } from './patientStore.js';
import { checkTraits, sameStrictTraits, type PatientTraits, type TraitProblem, type TraitsInput } from './strictTraits.js';

/**
 * The patient registry: identities in the vault, under the RNIV rules.
 * - Creation gives `provisoire`, or `validee` with the identity document checked. Never more:
 *   only `recordInsiResult`, fed with a parsed INSi answer, reaches `recuperee`/`qualifiee`.
 * - Every change is written with its history (actor idNat, time, field, old → new) in the vault.
 * - Strict traits obtained from INSi are not edited by hand; editing those of a validated
 *   identity drops it back to provisoire (the document was checked against the old ones).
 * Logs carry ids, statuses and codes only: never a name, an INS or a birth date.
 */
export class TraitsInvalidError extends IdentityError {
  constructor(readonly problems: readonly TraitProblem[]) {
    super('traits-invalid', problems.map((p) => p.field).join(','));
  }
}

export interface NewPatient {
  readonly traits: TraitsInput;
  /** An INS given by the user or an import: stored unverified (status stays ≤ validée). */
  readonly ins?: { readonly value: string; readonly oid: string } | null;
  /** Set when a high-trust document was checked now: the identity starts `validee`. */
  readonly identityDocument?: IdentityDocument | null;
}

export interface RegistryOptions {
  readonly store: PatientStore;
  /** idNat of the professional whose vault this is: the actor of every change. */
  readonly actor: string;
  readonly mode: InsMode;
  readonly now?: () => number;
  readonly log?: Logger;
  /** How long an INSi answer may wait before being recorded (default 15 minutes). */
  readonly insiAnswerMaxAgeMs?: number;
}

const STRICT: readonly (keyof PatientTraits)[] = ['birthName', 'firstNames', 'sex', 'birthDate', 'birthPlace'];
const ALL: readonly (keyof PatientTraits)[] = [...STRICT, 'usedName', 'usedFirstName'];

export function refusalError(reason: WriteRefusal): IdentityError {
  switch (reason) {
    case 'not-found':
      return new IdentityError('patient-not-found');
    case 'merged':
      return new IdentityError('patient-merged');
    case 'version-conflict':
      return new IdentityError('version-conflict');
    case 'ins-taken':
      return new IdentityError('ins-already-registered');
    case 'status-not-allowed':
      return new IdentityError('status-not-allowed');
  }
}

function diff(before: PatientTraits | null, after: PatientTraits) {
  return ALL.flatMap((field) => {
    const oldValue = before === null ? null : traitValue(before, field);
    const newValue = traitValue(after, field);
    return oldValue === newValue ? [] : [{ field, oldValue, newValue }];
  });
}

export function createPatientRegistry(options: RegistryOptions) {
  const { store, actor, mode } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLogger;
  const maxAge = options.insiAnswerMaxAgeMs ?? 15 * 60_000;

  const checked = (input: TraitsInput): PatientTraits => {
    const check = checkTraits(input, new Date(now()));
    if (!check.ok) throw new TraitsInvalidError(check.problems);
    return check.traits;
  };
  const load = async (id: number): Promise<PatientRecord> => {
    const row = await store.patientById(id);
    const patient = row === null ? null : decodePatient(row);
    if (patient === null) throw new IdentityError('patient-not-found', `id ${id}`);
    if (patient.mergedInto !== null) throw new IdentityError('patient-merged', `id ${id}`);
    return patient;
  };
  const derived = (traits: PatientTraits) => ({ traits, searchText: searchTextOf(traits), birthDate: traits.birthDate });

  const registry = {
    mode,

    async get(id: number): Promise<PatientRecord | null> {
      const row = await store.patientById(id);
      return row === null ? null : decodePatient(row);
    },

    async create(input: NewPatient, action: 'create' | 'import' = 'create'): Promise<PatientRecord> {
      const traits = checked(input.traits);
      let ins: string | null = null;
      let oid: string | null = null;
      if (input.ins !== undefined && input.ins !== null) {
        const m = checkMatricule(input.ins.value);
        if (!m.ok) throw new IdentityError('ins-invalid', m.refusal, m.message);
        const o = acceptOid(input.ins.oid, mode);
        if (!o.ok) throw new IdentityError('oid-refused', o.refusal, o.message);
        ins = formatIns(m.value);
        oid = input.ins.oid.trim();
      }
      const document = input.identityDocument ?? null;
      const status = document === null ? 'provisoire' : 'validee';
      const changes = [...diff(null, traits), ...(ins === null ? [] : [{ field: 'ins', oldValue: null, newValue: `${ins}^${oid ?? ''}` }]), { field: 'status', oldValue: null, newValue: status }];
      const result = await store.patientInsert({ ...derived(traits), ins, oid, status, actor, at: now(), changes, action, documentKind: document });
      if (!result.ok) throw refusalError(result.reason);
      log.info('identity.patient.created', { id: result.id, status, withIns: ins !== null, action });
      return load(result.id);
    },

    /** Changes traits; `patch` holds only the fields to change. */
    async edit(id: number, expectedVersion: number, patch: Partial<TraitsInput>): Promise<PatientRecord> {
      const current = await load(id);
      const traits = checked({ ...current.traits, ...patch });
      const changes = diff(current.traits, traits);
      if (changes.length === 0) return current;
      const strictChanged = !sameStrictTraits(current.traits, traits);
      if (strictChanged && (current.status === 'recuperee' || current.status === 'qualifiee')) throw new IdentityError('strict-traits-locked', `id ${id}`);
      const status = strictChanged ? statusAfterStrictEdit(current.status) : current.status;
      const statusChange = status === current.status ? [] : [{ field: 'status', oldValue: current.status, newValue: status }];
      const result = await store.patientEdit({ id, expectedVersion, ...derived(traits), status, actor, at: now(), changes: [...changes, ...statusChange] });
      if (!result.ok) throw refusalError(result.reason);
      log.info('identity.patient.edited', { id, fields: changes.map((c) => c.field).join(','), status });
      return load(id);
    },

    /** A high-trust identity document was checked against the current traits. */
    async recordDocumentCheck(id: number, expectedVersion: number, document: IdentityDocument): Promise<PatientRecord> {
      const current = await load(id);
      const status = statusAfterDocumentCheck(current.status);
      const changes = [{ field: 'document', oldValue: current.documentKind, newValue: document }, ...(status === current.status ? [] : [{ field: 'status', oldValue: current.status, newValue: status }])];
      const result = await store.patientRecordDocumentCheck({ id, expectedVersion, status, documentKind: document, actor, at: now(), changes });
      if (!result.ok) throw refusalError(result.reason);
      log.info('identity.patient.document-checked', { id, status });
      return load(id);
    },

    /**
     * Records an INSi answer (from `InsiService`): the INS and INSi's strict traits replace the
     * local ones, the status goes to `recuperee` (or `qualifiee` if a document check of the
     * same traits was done). The UI shows INSi's traits next to the local ones and calls this
     * only once the user confirmed they are the same person.
     */
    async recordInsiResult(id: number, expectedVersion: number, answer: unknown): Promise<PatientRecord> {
      if (!isInsiAnswer(answer)) throw new IdentityError('insi-answer-refused', 'not an INSi answer');
      if (now() - answer.receivedAt > maxAge || answer.receivedAt > now() + 60_000) throw new IdentityError('insi-answer-refused', 'stale answer');
      if (answer.code !== '00' || answer.identity === null) throw new IdentityError('insi-no-single-identity', `code ${answer.code}`);
      const { ins: insiIns, traits: insiTraits, history } = answer.identity;
      const o = acceptOid(insiIns.oid, mode);
      if (!o.ok) throw new IdentityError('oid-refused', o.refusal, o.message);
      const current = await load(id);
      const active = formatIns(insiIns);
      const mine = current.ins;
      // An INS already on file must be INSi's active one or one of its past ones: anything else
      // means two different people, and nothing is overwritten.
      if (mine !== null && ![insiIns, ...history].some((h) => formatIns(h) === formatIns(mine) && h.oid === mine.oid)) {
        throw new IdentityError('insi-ins-conflict', `id ${id}`);
      }
      const traits: PatientTraits = { ...insiTraits, usedName: current.traits.usedName, usedFirstName: current.traits.usedFirstName };
      const traitsChanged = !sameStrictTraits(current.traits, traits);
      const status = statusAfterInsi(current.status, traitsChanged);
      const oldIns = current.ins === null ? null : `${formatIns(current.ins)}^${current.ins.oid}`;
      const newIns = `${active}^${insiIns.oid}`;
      const changes = [
        ...diff(current.traits, traits),
        ...(oldIns === newIns ? [] : [{ field: 'ins', oldValue: oldIns, newValue: newIns }]),
        { field: 'status', oldValue: current.status, newValue: status },
        { field: 'insi', oldValue: null, newValue: `${answer.operation} ${answer.code}` },
      ];
      const result = await store.patientRecordInsi({ id, expectedVersion, ...derived(traits), ins: active, oid: insiIns.oid, status, insiCode: answer.code, actor, at: now(), changes });
      if (!result.ok) throw refusalError(result.reason);
      log.info('identity.patient.insi-recorded', { id, status, traitsChanged, operation: answer.operation });
      return load(id);
    },

    /**
     * Accent- and case-insensitive search. The query may mix name words (prefixes), a birth date
     * (JJ/MM/AAAA or AAAA-MM-JJ) and an INS (or its beginning, 5+ characters).
     */
    async search(query: string, limit = 50): Promise<PatientRecord[]> {
      let birthDate: string | undefined;
      let insPrefix: string | undefined;
      const rest: string[] = [];
      for (const token of query.trim().split(/\s+/).filter((t) => t !== '')) {
        const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(token);
        if (fr !== null) birthDate = `${fr[3]}-${fr[2]}-${fr[1]}`;
        else if (/^\d{4}-\d{2}-\d{2}$/.test(token)) birthDate = token;
        else if (/^[1-8][\dAB]{4,14}$/i.test(token)) insPrefix = token.toUpperCase();
        else rest.push(token);
      }
      const words = searchWords(canonicalName(rest.join(' ')));
      if (words.length === 0 && birthDate === undefined && insPrefix === undefined) return [];
      const rows = await store.patientSearch({ words, ...(birthDate === undefined ? {} : { birthDate }), ...(insPrefix === undefined ? {} : { insPrefix }), limit });
      return rows.map(decodePatient).filter((p): p is PatientRecord => p !== null);
    },

    history: (id: number) => store.patientHistory({ id }),
  };
  return registry;
}

export type PatientRegistry = ReturnType<typeof createPatientRegistry>;
