import { canAutoAttach } from './identityStatus.js';
import type { IncomingIdentity } from './incomingIdentity.js';
import { checkMatricule, formatIns } from './insMatricule.js';
import { acceptOid, type InsMode } from './insOid.js';
import { canonicalName, looseNameKey, splitFirstNames } from './nameNormalisation.js';
import type { PatientRecord } from './patientRecord.js';

/**
 * Which registry patient does an incoming item belong to?
 *
 * `attach` ONLY when all of these hold: the incoming INS has a valid key and an OID accepted in
 * this mode; a registry patient has exactly that INS + OID; that identity is qualifiée; and the
 * incoming strict traits agree exactly (canonical birth name; first first name, and the whole
 * list when several are given; sex; birth date; birthplace when given). And, if the item is
 * already attached, it is attached to that same patient: an attachment is never moved silently.
 * Anything else with a plausible candidate is `ask-user` (with each candidate's reasons); nothing
 * plausible is `no-match` — except that an item already attached is always `ask-user`, so that no
 * caller ever reads "no match" as "detach".
 */
export type MatchDecision = 'attach' | 'ask-user' | 'no-match';

export type MatchReason =
  | 'ins-identical'
  | 'ins-differs'
  | 'registry-not-qualified'
  | 'birth-name-identical'
  | 'birth-name-loose'
  | 'birth-name-vs-used-name'
  | 'birth-name-differs'
  | 'first-names-identical'
  | 'first-name-identical'
  | 'first-name-loose'
  | 'first-name-in-list'
  | 'first-names-differ'
  | 'sex-identical'
  | 'sex-differs'
  | 'birth-date-identical'
  | 'birth-date-swapped'
  | 'birth-date-differs'
  | 'birth-place-identical'
  | 'birth-place-differs'
  | 'current-attachment';

/** Problems of the incoming identity itself. */
export type IncomingProblem = 'ins-absent' | 'ins-key-invalid' | 'ins-oid-refused' | 'traits-incomplete' | 'already-attached-elsewhere';

export interface MatchCandidate {
  readonly patientId: number;
  readonly reasons: readonly MatchReason[];
  readonly score: number;
}
export interface MatchResult {
  readonly decision: MatchDecision;
  /** The patient to attach to, only with `attach`. */
  readonly patientId: number | null;
  readonly candidates: readonly MatchCandidate[];
  readonly problems: readonly IncomingProblem[];
}

export interface MatchContext {
  readonly mode: InsMode;
  /** The patient the item is already attached to, if any. */
  readonly currentPatientId?: number | null;
}

const WEIGHT: Partial<Record<MatchReason, number>> = {
  'ins-identical': 100,
  'ins-differs': -100,
  'birth-name-identical': 20,
  'birth-name-loose': 12,
  'birth-name-vs-used-name': 10,
  'first-names-identical': 20,
  'first-name-identical': 15,
  'first-name-loose': 10,
  'first-name-in-list': 5,
  'sex-identical': 5,
  'sex-differs': -20,
  'birth-date-identical': 20,
  'birth-date-swapped': 8,
  'birth-place-identical': 5,
  'birth-place-differs': -10,
};

function swapped(a: string, b: string): boolean {
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  return ya === yb && ma === db && da === mb && ma !== da;
}

/** The incoming INS, if it can be trusted at all (key and OID policy). */
export function usableIncomingIns(incoming: IncomingIdentity, mode: InsMode): { ins: string | null; oid: string | null; problems: IncomingProblem[] } {
  if (incoming.ins === null) return { ins: null, oid: null, problems: ['ins-absent'] };
  const m = checkMatricule(incoming.ins.value);
  if (!m.ok) return { ins: null, oid: null, problems: ['ins-key-invalid'] };
  if (!acceptOid(incoming.ins.oid, mode).ok) return { ins: null, oid: null, problems: ['ins-oid-refused'] };
  return { ins: formatIns(m.value), oid: incoming.ins.oid.trim(), problems: [] };
}

function compare(incoming: IncomingIdentity, ins: string | null, oid: string | null, p: PatientRecord): MatchReason[] {
  const r: MatchReason[] = [];
  const t = p.traits;
  if (ins !== null && p.ins !== null) r.push(formatIns(p.ins) === ins && p.ins.oid === oid ? 'ins-identical' : 'ins-differs');

  const bn = incoming.birthName === null ? '' : canonicalName(incoming.birthName);
  const un = incoming.usedName === null ? '' : canonicalName(incoming.usedName);
  if (bn !== '') {
    if (bn === t.birthName) r.push('birth-name-identical');
    else if (looseNameKey(bn) === looseNameKey(t.birthName)) r.push('birth-name-loose');
    else if (bn === t.usedName || (un !== '' && un === t.birthName)) r.push('birth-name-vs-used-name');
    else r.push('birth-name-differs');
  }

  const fn = splitFirstNames(incoming.firstNames);
  const first = fn[0];
  if (first !== undefined) {
    if (fn.join(' ') === t.firstNames.join(' ')) r.push('first-names-identical');
    else if (first === t.firstNames[0]) r.push('first-name-identical');
    else if (looseNameKey(fn.join(' ')) === looseNameKey(t.firstNames.join(' ')) || looseNameKey(first) === looseNameKey(t.firstNames[0] ?? '')) r.push('first-name-loose');
    else if (t.firstNames.includes(first) || first === t.usedFirstName) r.push('first-name-in-list');
    else r.push('first-names-differ');
  }

  const sex = incoming.sex?.trim().toUpperCase();
  if (sex === 'M' || sex === 'F') r.push(sex === t.sex ? 'sex-identical' : 'sex-differs');

  const bd = incoming.birthDate?.trim();
  if (bd !== undefined && bd !== '') r.push(bd === t.birthDate ? 'birth-date-identical' : swapped(bd, t.birthDate) ? 'birth-date-swapped' : 'birth-date-differs');

  const bp = incoming.birthPlace?.trim().toUpperCase();
  if (bp !== undefined && bp !== '' && t.birthPlace !== null) r.push(bp === t.birthPlace ? 'birth-place-identical' : 'birth-place-differs');
  if (!canAutoAttach(p.status)) r.push('registry-not-qualified');
  return r;
}

function plausible(r: readonly MatchReason[]): boolean {
  const has = (x: MatchReason) => r.includes(x);
  if (has('ins-identical')) return true;
  const name = has('birth-name-identical') || has('birth-name-loose') || has('birth-name-vs-used-name');
  const firstName = has('first-names-identical') || has('first-name-identical') || has('first-name-loose');
  const date = has('birth-date-identical') || has('birth-date-swapped');
  return (date && (name || firstName)) || (name && firstName);
}

/** Strict traits agree exactly enough for an automatic attachment. */
function traitsAgree(incoming: IncomingIdentity, r: readonly MatchReason[]): boolean {
  const fnOk = r.includes('first-names-identical') || (r.includes('first-name-identical') && splitFirstNames(incoming.firstNames).length === 1);
  return r.includes('birth-name-identical') && fnOk && r.includes('sex-identical') && r.includes('birth-date-identical') && !r.includes('birth-place-differs');
}

export function matchIncoming(incoming: IncomingIdentity, registry: readonly PatientRecord[], ctx: MatchContext): MatchResult {
  const { ins, oid, problems } = usableIncomingIns(incoming, ctx.mode);
  const current = ctx.currentPatientId ?? null;
  if (incoming.birthName === null || incoming.firstNames.length === 0 || incoming.birthDate === null || incoming.sex === null) problems.push('traits-incomplete');

  const candidates = registry
    .filter((p) => p.mergedInto === null)
    .map((p) => {
      const reasons = compare(incoming, ins, oid, p);
      return { patient: p, reasons: p.id === current ? [...reasons, 'current-attachment' as const] : reasons };
    })
    .filter((c) => plausible(c.reasons) || c.patient.id === current)
    .map((c) => ({ patient: c.patient, reasons: c.reasons, score: c.reasons.reduce((s, x) => s + (WEIGHT[x] ?? 0), 0) }))
    .sort((a, b) => b.score - a.score || a.patient.id - b.patient.id);

  const exact = candidates.filter((c) => c.reasons.includes('ins-identical'));
  const target = exact.length === 1 ? exact[0] : undefined;
  const auto = target !== undefined && ins !== null && canAutoAttach(target.patient.status) && traitsAgree(incoming, target.reasons);
  if (auto && current !== null && current !== target.patient.id) problems.push('already-attached-elsewhere');

  const out = candidates.map((c) => ({ patientId: c.patient.id, reasons: c.reasons, score: c.score }));
  if (auto && (current === null || current === target.patient.id)) return { decision: 'attach', patientId: target.patient.id, candidates: out, problems };
  const decision: MatchDecision = out.length > 0 || current !== null ? 'ask-user' : 'no-match';
  return { decision, patientId: null, candidates: out, problems };
}
