import { describe, expect, it } from 'vitest';
import { IdentityError } from './errors.js';
import { parseInsiResponse } from './insiAnswer.js';
import { TraitsInvalidError } from './patientRegistry.js';
import { ECETINSI, fixture, testRegistry } from './testSupport.js';

const answer = (name = 'padoa+tlsi-ins/TEST_2.04_cas2.xml', at = Date.now()) => parseInsiResponse(fixture(name), 'recherche', at);
const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof IdentityError ? e.code : String(e)));

describe('patient registry: create and edit', () => {
  it('creates provisional identities, validated ones with a document, never more', async () => {
    const { registry } = testRegistry();
    const a = await registry.create({ traits: ECETINSI });
    expect(a).toMatchObject({ status: 'provisoire', ins: null, version: 1, traits: { birthName: 'ECETINSI', firstNames: ['PIERRE-ALAIN', 'MURIEL', 'FLORIANT'] } });
    const b = await registry.create({ traits: { ...ECETINSI, firstNames: 'Paul' }, identityDocument: 'passeport' });
    expect(b).toMatchObject({ status: 'validee', documentKind: 'passeport' });
  });

  it('stores a declared INS unverified, and refuses a wrong key, a test OID in production and a duplicate', async () => {
    const { registry } = testRegistry();
    const p = await registry.create({ traits: ECETINSI, ins: { value: '109076322083489', oid: '1.2.250.1.213.1.4.8' } });
    expect(p).toMatchObject({ status: 'provisoire', ins: { matricule: '1090763220834', key: '89' } });
    expect(await code(registry.create({ traits: ECETINSI, ins: { value: '109076322083489', oid: '1.2.250.1.213.1.4.8' } }))).toBe('ins-already-registered');
    expect(await code(registry.create({ traits: ECETINSI, ins: { value: '181036322045660', oid: '1.2.250.1.213.1.4.8' } }))).toBe('ins-invalid');
    expect(await code(registry.create({ traits: ECETINSI, ins: { value: '279035121518989', oid: '1.2.250.1.213.1.4.10' } }))).toBe('oid-refused');
  });

  it('reports every invalid trait', async () => {
    const { registry } = testRegistry();
    const error = await registry.create({ traits: { ...ECETINSI, sex: 'X', birthDate: '2009-13-01' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraitsInvalidError);
    expect((error as TraitsInvalidError).problems.map((p) => p.field)).toEqual(['sex', 'birthDate']);
  });

  it('keeps a history of who changed what, and drops a validated identity to provisoire on a strict edit', async () => {
    const { registry, actor } = testRegistry();
    const p = await registry.create({ traits: ECETINSI, identityDocument: 'carte-identite' });
    const used = await registry.edit(p.id, p.version, { usedName: 'Martin' });
    expect(used.status).toBe('validee');
    const strict = await registry.edit(p.id, used.version, { birthPlace: '63113' });
    expect(strict.status).toBe('provisoire');
    const history = await registry.history(p.id);
    expect(history.every((h) => h.actor === actor && h.at > 0)).toBe(true);
    expect(history.filter((h) => h.action === 'edit').map((h) => [h.field, h.oldValue, h.newValue])).toEqual([
      ['status', 'validee', 'provisoire'],
      ['birthPlace', '63220', '63113'],
      ['usedName', null, 'MARTIN'],
    ]);
    expect(await code(registry.edit(p.id, p.version, { usedName: 'Durand' }))).toBe('version-conflict');
  });
});

describe('patient registry: only INSi makes an identity récupérée', () => {
  it('records a parsed INSi answer: provisoire → récupérée, validée with the same traits → qualifiée', async () => {
    const { registry } = testRegistry();
    const p = await registry.create({ traits: ECETINSI });
    const r = await registry.recordInsiResult(p.id, p.version, answer());
    expect(r).toMatchObject({ status: 'recuperee', ins: { matricule: '1090763220834', key: '89', oid: '1.2.250.1.213.1.4.8' } });
    expect(await code(registry.edit(r.id, r.version, { birthName: 'Autre' }))).toBe('strict-traits-locked');
    const q = await registry.recordDocumentCheck(r.id, r.version, 'passeport');
    expect(q.status).toBe('qualifiee');

    const v = await registry.create({ traits: { ...ECETINSI, firstNames: 'PIERRE-ALAIN MURIEL FLORIANT', birthName: 'ECETINSI' }, identityDocument: 'passeport' });
    expect(v.status).toBe('validee');
  });

  it('refuses look-alike answers, stale ones, non-00 codes, conflicting INS and refused OIDs', async () => {
    const { registry } = testRegistry();
    const p = await registry.create({ traits: ECETINSI });
    const real = answer();
    const fake = { ...real, code: real.code, identity: real.identity, operation: 'recherche', receivedAt: Date.now() };
    expect(await code(registry.recordInsiResult(p.id, p.version, fake))).toBe('insi-answer-refused');
    expect(await code(registry.recordInsiResult(p.id, p.version, answer(undefined, Date.now() - 3_600_000)))).toBe('insi-answer-refused');
    expect(await code(registry.recordInsiResult(p.id, p.version, answer('padoa+tlsi-ins/REP_CR01.xml')))).toBe('insi-no-single-identity');
    const other = await registry.create({ traits: ECETINSI, ins: { value: '297022A02077878', oid: '1.2.250.1.213.1.4.8' } });
    expect(await code(registry.recordInsiResult(other.id, other.version, answer()))).toBe('insi-ins-conflict');
    const demo = testRegistry({ mode: 'demo' });
    const d = await demo.registry.create({ traits: ECETINSI });
    expect(await code(demo.registry.recordInsiResult(d.id, d.version, answer()))).toBe('oid-refused');
    expect((await registry.get(p.id))?.status).toBe('provisoire');
  });

  it('accepts an old matricule of the same person (INSHISTO) and replaces it by the active one', async () => {
    const { registry } = testRegistry();
    const p = await registry.create({ traits: ECETINSI, ins: { value: '209066322012355', oid: '1.2.250.1.213.1.4.8' } });
    const r = await registry.recordInsiResult(p.id, p.version, answer());
    expect(r.ins?.matricule).toBe('1090763220834');
  });
});

describe('patient registry: search', () => {
  it('finds by name regardless of accents and case, by birth date and by INS', async () => {
    const { registry } = testRegistry();
    const a = await registry.create({ traits: ECETINSI, ins: { value: '109076322083489', oid: '1.2.250.1.213.1.4.8' } });
    const b = await registry.create({ traits: { birthName: 'Hélène-Dupré', firstNames: 'Zoé', sex: 'F', birthDate: '1975-12-31', birthPlace: '63220' } });
    const ids = async (q: string) => (await registry.search(q)).map((p) => p.id);
    expect(await ids('ecetinsi')).toEqual([a.id]);
    expect(await ids('ÉCÉT pierre-al')).toEqual([a.id]);
    expect(await ids('helene')).toEqual([b.id]);
    expect(await ids('DUPRE zoe')).toEqual([b.id]);
    expect(await ids('31/12/1975')).toEqual([b.id]);
    expect(await ids('2009-07-14')).toEqual([a.id]);
    expect(await ids('1090763')).toEqual([a.id]);
    expect(await ids('zoe 2009-07-14')).toEqual([]);
    expect(await ids('')).toEqual([]);
  });
});

describe('patient registry: merge', () => {
  it('merges only with the confirmation token, moving messages, once', async () => {
    const { registry, merges, db } = testRegistry();
    const kept = await registry.create({ traits: ECETINSI });
    const dup = await registry.create({ traits: { ...ECETINSI, birthName: 'ECETINSY' } });
    db.prepare(`insert into messages (folder, date, "from", "to", subject, snippet, body_text, patient_id) values ('INBOX', 1, 'a', '[]', 's', 's', 'b', ?)`).run(dup.id);
    const proposal = await merges.proposeMerge(kept.id, dup.id);
    expect(proposal.differences.map((d) => d.field)).toEqual(['birthName']);
    expect(proposal.warnings).toContain('strict-traits-differ');
    expect((await registry.get(dup.id))?.mergedInto).toBeNull();
    expect(await merges.confirmMerge(proposal.token)).toEqual({ keptId: kept.id, retiredId: dup.id, movedMessages: 1, movedDocuments: 0 });
    expect(db.prepare('select patient_id as p from messages').get()).toEqual({ p: kept.id });
    expect((await registry.get(dup.id))?.mergedInto).toBe(kept.id);
    expect(await code(merges.confirmMerge(proposal.token))).toBe('merge-token-invalid');
    expect((await registry.search('ecetinsy')).length).toBe(0);
    expect((await registry.history(kept.id)).some((h) => h.action === 'merge-kept')).toBe(true);
  });

  it('refuses a stale token, an expired one, itself, and two different INS', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const { registry, merges } = testRegistry({ now: () => t });
    const a = await registry.create({ traits: ECETINSI, ins: { value: '109076322083489', oid: '1.2.250.1.213.1.4.8' } });
    const b = await registry.create({ traits: ECETINSI });
    const c = await registry.create({ traits: ECETINSI, ins: { value: '297022A02077878', oid: '1.2.250.1.213.1.4.8' } });
    expect(await code(merges.proposeMerge(a.id, a.id))).toBe('merge-same-patient');
    expect(await code(merges.proposeMerge(a.id, c.id))).toBe('merge-different-ins');
    const stale = await merges.proposeMerge(a.id, b.id);
    await registry.edit(b.id, b.version, { usedName: 'X' });
    expect(await code(merges.confirmMerge(stale.token))).toBe('merge-stale');
    const late = await merges.proposeMerge(a.id, b.id);
    t += 6 * 60_000;
    expect(await code(merges.confirmMerge(late.token))).toBe('merge-token-invalid');
    expect((await registry.get(b.id))?.mergedInto).toBeNull();
  });
});

describe('patient registry: logs', () => {
  it('never logs a name, an INS or a birth date', async () => {
    const { registry, merges, log } = testRegistry();
    const p = await registry.create({ traits: ECETINSI });
    const r = await registry.recordInsiResult(p.id, p.version, answer());
    await registry.edit(r.id, r.version, { usedName: 'Martin' });
    const q = await registry.create({ traits: ECETINSI });
    await merges.confirmMerge((await merges.proposeMerge(r.id, q.id)).token);
    const all = log.lines.join('\n');
    expect(log.lines.length).toBeGreaterThanOrEqual(5);
    for (const secret of ['ECETINSI', 'PIERRE', 'MARTIN', '1090763220834', '2009-07-14', '63220']) expect(all).not.toContain(secret);
  });
});
