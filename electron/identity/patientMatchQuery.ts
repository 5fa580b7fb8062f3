import type { IncomingIdentity } from './incomingIdentity.js';
import { canonicalName, searchWords } from './nameNormalisation.js';
import { decodePatient, type PatientRecord } from './patientRecord.js';
import { matchIncoming, usableIncomingIns, type MatchContext, type MatchResult } from './patientMatcher.js';
import type { PatientStore } from './patientStore.js';

/**
 * Matching against the vault: loads the plausible rows (same INS, same or day/month-swapped
 * birth date, a shared name word, and the current attachment) and runs `matchIncoming` on them.
 */
export async function matchAgainstRegistry(store: Pick<PatientStore, 'patientCandidates' | 'patientById'>, incoming: IncomingIdentity, ctx: MatchContext): Promise<MatchResult> {
  const { ins } = usableIncomingIns(incoming, ctx.mode);
  const bd = incoming.birthDate?.trim() ?? '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(bd);
  const birthDates = m === null ? [] : [bd, `${m[1]}-${m[3]}-${m[2]}`];
  const nameWords = [incoming.birthName, incoming.usedName, ...incoming.firstNames].flatMap((n) => (n === null ? [] : searchWords(canonicalName(n))));
  const rows = await store.patientCandidates({ ins: ins === null ? [] : [ins], birthDates, nameWords });
  const current = ctx.currentPatientId ?? null;
  if (current !== null && !rows.some((r) => r.id === current)) {
    const row = await store.patientById(current);
    if (row !== null) rows.push(row);
  }
  const patients = rows.map(decodePatient).filter((p): p is PatientRecord => p !== null);
  return matchIncoming(incoming, patients, ctx);
}
