import { describe, expect, it } from 'vitest';
import { incomingFromCda, incomingFromXdmMetadata, parseSourcePatientInfo, type IncomingIdentity } from './incomingIdentity.js';
import { computeInsKey } from './insMatricule.js';
import { INS_OID, type InsMode } from './insOid.js';
import type { IdentityStatus } from './identityStatus.js';
import { matchIncoming, type MatchDecision } from './patientMatcher.js';
import type { PatientRecord } from './patientRecord.js';
import { checkTraits, type TraitsInput } from './strictTraits.js';

/**
 * The matching corpus (issue 6): tricky incoming identities against one registry, each with the
 * decision a careful secretary would take. The bar: 0 wrong attachments, every decision met.
 */
const ins = (m: string) => `${m}${computeInsKey(m) ?? 'XX'}`;
let nextId = 1;
function patient(traits: TraitsInput, status: IdentityStatus, insValue: string | null, oid: string = INS_OID.nir): PatientRecord {
  const t = checkTraits(traits, new Date('2026-01-01'));
  if (!t.ok) throw new Error(`bad fixture ${JSON.stringify(t.problems)}`);
  return { id: nextId++, ins: insValue === null ? null : { matricule: insValue.slice(0, 13), key: insValue.slice(13), oid }, traits: t.traits, status, version: 1, createdAt: 1, updatedAt: 1, mergedInto: null, insiAt: null, documentCheckedAt: null, documentKind: null };
}

const P = {
  ecetinsi: patient({ birthName: 'ECETINSI', firstNames: 'PIERRE-ALAIN MURIEL FLORIANT', sex: 'M', birthDate: '2009-07-14', birthPlace: '63220' }, 'qualifiee', '109076322083489'),
  dominique: patient({ birthName: 'ADRTROIS', firstNames: 'DOMINIQUE', sex: 'F', birthDate: '1997-02-26', birthPlace: '2A020' }, 'qualifiee', '297022A02077878'),
  toussaint: patient({ birthName: 'ADRTROIS', firstNames: 'TOUSSAINT', sex: 'M', birthDate: '1960-01-01', birthPlace: '2B020' }, 'qualifiee', '160012B02077713'),
  tchitchi: patient({ birthName: 'TCHITCHI', firstNames: 'CATARINA BELLA', sex: 'F', birthDate: '1936-06-21', birthPlace: '63220' }, 'recuperee', '236066322083656'),
  lucas: patient({ birthName: 'MARTIN', firstNames: 'LUCAS', sex: 'M', birthDate: '2015-03-04', birthPlace: '75056' }, 'qualifiee', ins('1150375056001')),
  hugo: patient({ birthName: 'MARTIN', firstNames: 'HUGO', sex: 'M', birthDate: '2015-03-04', birthPlace: '75056' }, 'qualifiee', ins('1150375056002')),
  jean50: patient({ birthName: 'DUPONT', firstNames: 'JEAN', sex: 'M', birthDate: '1950-05-06', birthPlace: '75056' }, 'qualifiee', ins('1500575056123')),
  jean62: patient({ birthName: 'DUPONT', firstNames: 'JEAN', sex: 'M', birthDate: '1962-11-20', birthPlace: '13055' }, 'qualifiee', ins('1621113055321')),
  nia: patient({ birthName: 'PROVISOIRE', firstNames: 'MATRICULE', sex: 'M', birthDate: '2009-07-01', birthPlace: '63220' }, 'qualifiee', '109076322088835', INS_OID.nia),
  marie: patient({ birthName: 'DURAND', firstNames: 'MARIE CLAIRE', sex: 'F', birthDate: '1980-04-05', birthPlace: '69123', usedName: 'LEFEBVRE' }, 'qualifiee', ins('2800469123045')),
  anne: patient({ birthName: 'BERNARD-LEROY', firstNames: 'ANNE', sex: 'F', birthDate: '1990-10-11' }, 'provisoire', null),
  dartagnan: patient({ birthName: "D'ARTAGNAN", firstNames: 'CHARLES', sex: 'M', birthDate: '1985-01-02', birthPlace: '32013' }, 'qualifiee', ins('1850132013777')),
  saintJust: patient({ birthName: 'SAINT-JUST', firstNames: 'LOUIS ANTOINE', sex: 'M', birthDate: '1967-08-25', birthPlace: '02105' }, 'qualifiee', ins('1670802105099')),
  zoe: patient({ birthName: 'ADRUN', firstNames: 'ZOE', sex: 'F', birthDate: '1975-12-31', birthPlace: '63220' }, 'validee', '275126322074974'),
  patTrois: patient({ birthName: 'PAT-TROIS', firstNames: 'DOMINIQUE MARIE-LOUISE', sex: 'F', birthDate: '1979-03-28', birthPlace: '51215' }, 'qualifiee', '279035121518989', INS_OID.test),
  demo: patient({ birthName: 'DEMONSTRATION', firstNames: 'CAMILLE', sex: 'F', birthDate: '1988-08-08', birthPlace: '75056' }, 'qualifiee', ins('2880875056555'), INS_OID.demo),
};
const REGISTRY = Object.values(P);
const insOf = (p: PatientRecord) => `${p.ins?.matricule ?? ''}${p.ins?.key ?? ''}`;

/** An incoming identity equal to a registry patient's, with overrides. */
function like(p: PatientRecord, over: Partial<IncomingIdentity> = {}): IncomingIdentity {
  return {
    source: 'message',
    ins: p.ins === null ? null : { value: insOf(p), oid: p.ins.oid },
    birthName: p.traits.birthName,
    usedName: null,
    firstNames: [...p.traits.firstNames],
    sex: p.traits.sex,
    birthDate: p.traits.birthDate,
    birthPlace: p.traits.birthPlace,
    ...over,
  };
}

const XDM = `<?xml version="1.0" encoding="UTF-8"?>
<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">
 <rim:RegistryObjectList><rim:ExtrinsicObject id="Document01" mimeType="text/xml" objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1">
  <rim:Slot name="sourcePatientInfo"><rim:ValueList>
   <rim:Value>PID-5|ADRTROIS^DOMINIQUE^DOMINIQUE^^^^L</rim:Value><rim:Value>PID-7|19970226</rim:Value><rim:Value>PID-8|F</rim:Value><rim:Value>PID-11|^^^^^^BDL^^2A020</rim:Value>
  </rim:ValueList></rim:Slot>
  <rim:ExternalIdentifier id="ei1" registryObject="Document01" identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" value="297022A02077878^^^&amp;1.2.250.1.213.1.4.8&amp;ISO^NH">
   <rim:Name><rim:LocalizedString value="XDSDocumentEntry.patientId"/></rim:Name></rim:ExternalIdentifier>
 </rim:ExtrinsicObject></rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;

const CDA = `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3"><recordTarget><patientRole>
 <id root="1.2.250.1.213.1.4.10" extension="279035121518989"/><id root="1.2.250.1.71.4.2.7" extension="IPP123"/>
 <patient><name><given>Dominique</given><given>Marie-Louise</given><family qualifier="BR">Pat-Trois</family></name>
  <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="19790328"/>
  <birthplace><place><addr><county>51215</county></addr></place></birthplace></patient>
</patientRole></recordTarget></ClinicalDocument>`;

interface Case {
  readonly name: string;
  readonly incoming: IncomingIdentity;
  readonly expected: MatchDecision;
  readonly patient?: PatientRecord;
  readonly mode?: InsMode;
  readonly current?: PatientRecord;
}

const CASES: Case[] = [
  { name: 'exact INS + traits, qualified', incoming: like(P.ecetinsi), expected: 'attach', patient: P.ecetinsi },
  { name: 'accents and lower case in the sender’s traits', incoming: like(P.ecetinsi, { birthName: 'Écétinsi', firstNames: ['pierre-alain', 'Muriel', 'floriant'] }), expected: 'attach', patient: P.ecetinsi },
  { name: 'only the first birth first name given', incoming: like(P.ecetinsi, { firstNames: ['PIERRE-ALAIN'] }), expected: 'attach', patient: P.ecetinsi },
  { name: 'partial first-name list', incoming: like(P.ecetinsi, { firstNames: ['PIERRE-ALAIN', 'MURIEL'] }), expected: 'ask-user' },
  { name: 'composed first name with a space instead of a hyphen', incoming: like(P.ecetinsi, { firstNames: ['PIERRE ALAIN'] }), expected: 'ask-user' },
  { name: 'wrong key', incoming: like(P.ecetinsi, { ins: { value: '109076322083488', oid: INS_OID.nir } }), expected: 'ask-user' },
  { name: 'matricule without key', incoming: like(P.ecetinsi, { ins: { value: '1090763220834', oid: INS_OID.nir } }), expected: 'ask-user' },
  { name: 'test OID in production', incoming: like(P.ecetinsi, { ins: { value: insOf(P.ecetinsi), oid: INS_OID.test } }), expected: 'ask-user' },
  { name: 'demo OID in production', incoming: like(P.ecetinsi, { ins: { value: insOf(P.ecetinsi), oid: INS_OID.demo } }), expected: 'ask-user' },
  { name: 'legacy INS-C OID', incoming: like(P.ecetinsi, { ins: { value: insOf(P.ecetinsi), oid: '1.2.250.1.213.1.4.2' } }), expected: 'ask-user' },
  { name: 'Corsica 2A exact', incoming: like(P.dominique), expected: 'attach', patient: P.dominique },
  { name: 'Corsica 2a in lower case', incoming: like(P.dominique, { ins: { value: '297022a02077878', oid: INS_OID.nir } }), expected: 'attach', patient: P.dominique },
  { name: 'Corsica 2B rewritten as 18 (same key, other INS)', incoming: like(P.toussaint, { ins: { value: '160011802077713', oid: INS_OID.nir } }), expected: 'ask-user' },
  { name: 'Corsica 2B exact', incoming: like(P.toussaint), expected: 'attach', patient: P.toussaint },
  { name: 'same INS, other sex', incoming: like(P.dominique, { sex: 'M' }), expected: 'ask-user' },
  { name: 'sex unknown (U)', incoming: like(P.ecetinsi, { sex: 'U' }), expected: 'ask-user' },
  { name: 'day and month swapped, with INS', incoming: like(P.marie, { birthDate: '1980-05-04' }), expected: 'ask-user' },
  { name: 'day and month swapped, no INS', incoming: like(P.marie, { ins: null, birthDate: '1980-05-04' }), expected: 'ask-user' },
  { name: 'used name sent as birth name', incoming: like(P.marie, { birthName: 'LEFEBVRE' }), expected: 'ask-user' },
  { name: 'birth name and used name both sent', incoming: like(P.marie, { usedName: 'LEFEBVRE' }), expected: 'attach', patient: P.marie },
  { name: 'married name only, no INS', incoming: like(P.marie, { ins: null, birthName: 'LEFEBVRE', firstNames: ['MARIE'] }), expected: 'ask-user' },
  { name: 'birth name, first first name, no INS', incoming: like(P.marie, { ins: null, firstNames: ['MARIE'] }), expected: 'ask-user' },
  { name: 'twin with his INS', incoming: like(P.lucas), expected: 'attach', patient: P.lucas },
  { name: 'twin without INS', incoming: like(P.lucas, { ins: null }), expected: 'ask-user' },
  { name: 'twin’s INS with the other twin’s first name', incoming: like(P.lucas, { firstNames: ['HUGO'] }), expected: 'ask-user' },
  { name: 'other twin with his INS', incoming: like(P.hugo), expected: 'attach', patient: P.hugo },
  { name: 'homonym with INS', incoming: like(P.jean50), expected: 'attach', patient: P.jean50 },
  { name: 'homonym without INS, birth date of one', incoming: like(P.jean50, { ins: null }), expected: 'ask-user' },
  { name: 'homonym without INS, unknown birth date', incoming: like(P.jean50, { ins: null, birthDate: '1971-01-01' }), expected: 'ask-user' },
  { name: 'homonym INS with the other homonym’s birth date', incoming: like(P.jean50, { birthDate: P.jean62.traits.birthDate }), expected: 'ask-user' },
  { name: 'NIA with the NIA OID', incoming: like(P.nia), expected: 'attach', patient: P.nia },
  { name: 'NIA matricule presented as a NIR', incoming: like(P.nia, { ins: { value: insOf(P.nia), oid: INS_OID.nir } }), expected: 'ask-user' },
  { name: 'registry identity only récupérée', incoming: like(P.tchitchi), expected: 'ask-user' },
  { name: 'registry identity only validée', incoming: like(P.zoe), expected: 'ask-user' },
  { name: 'provisional registry identity without INS', incoming: like(P.anne, { ins: { value: ins('2901075056789'), oid: INS_OID.nir } }), expected: 'ask-user' },
  { name: 'hyphenated birth name written with a space', incoming: like(P.anne, { birthName: 'BERNARD LEROY' }), expected: 'ask-user' },
  { name: 'curly apostrophe', incoming: like(P.dartagnan, { birthName: 'd’Artagnan' }), expected: 'attach', patient: P.dartagnan },
  { name: 'apostrophe dropped', incoming: like(P.dartagnan, { birthName: 'DARTAGNAN' }), expected: 'ask-user' },
  { name: 'hyphenated birth name, two first names', incoming: like(P.saintJust), expected: 'attach', patient: P.saintJust },
  { name: 'abbreviated hyphenated name', incoming: like(P.saintJust, { birthName: 'ST JUST' }), expected: 'ask-user' },
  { name: 'birthplace differs', incoming: like(P.ecetinsi, { birthPlace: '63113' }), expected: 'ask-user' },
  { name: 'birthplace not sent', incoming: like(P.ecetinsi, { birthPlace: null }), expected: 'attach', patient: P.ecetinsi },
  { name: 'unknown person with a valid INS', incoming: { source: 'cda', ins: { value: ins('1720175056321'), oid: INS_OID.nir }, birthName: 'INCONNU', usedName: null, firstNames: ['PAUL'], sex: 'M', birthDate: '1972-01-01', birthPlace: '75056' }, expected: 'no-match' },
  { name: 'unknown person without INS', incoming: { source: 'message', ins: null, birthName: 'PERSONNE', usedName: null, firstNames: ['NUL'], sex: 'F', birthDate: '2001-01-01', birthPlace: null }, expected: 'no-match' },
  { name: 'already attached elsewhere', incoming: like(P.ecetinsi), current: P.dominique, expected: 'ask-user' },
  { name: 'already attached to the same patient', incoming: like(P.ecetinsi), current: P.ecetinsi, expected: 'attach', patient: P.ecetinsi },
  { name: 'attached, now matching nobody (never a silent detach)', incoming: { source: 'message', ins: null, birthName: 'PERSONNE', usedName: null, firstNames: ['NUL'], sex: 'F', birthDate: '2001-01-01', birthPlace: null }, current: P.jean62, expected: 'ask-user' },
  { name: 'XDM METADATA.XML (PID-5/7/8/11)', incoming: incomingFromXdmMetadata(XDM), expected: 'attach', patient: P.dominique },
  { name: 'PID-7 with a time, PID-5 with a used name', incoming: { source: 'xdm', ins: { value: insOf(P.marie), oid: INS_OID.nir }, ...parseSourcePatientInfo(['PID-5|LEFEBVRE^^^^MME^^D~DURAND^MARIE^MARIE CLAIRE^^^^L', 'PID-7|198004050000', 'PID-8|F', 'PID-11|~^^^^^^BDL^^69123']) }, expected: 'attach', patient: P.marie },
  { name: 'CDA recordTarget with the test OID, qualification bench', incoming: incomingFromCda(CDA), mode: 'qualification', expected: 'attach', patient: P.patTrois },
  { name: 'same CDA (test OID) in production', incoming: incomingFromCda(CDA), expected: 'ask-user' },
  { name: 'demo identity in demo mode', incoming: like(P.demo), mode: 'demo', expected: 'attach', patient: P.demo },
  { name: 'real INS in demo mode', incoming: like(P.ecetinsi), mode: 'demo', expected: 'ask-user' },
  { name: 'fixture row with a wrong published key (DECOURCY)', incoming: { source: 'cda', ins: { value: '223042545611404', oid: INS_OID.nir }, birthName: 'DECOURCY', usedName: null, firstNames: ['RUTH', 'ISABELLE'], sex: 'F', birthDate: '2023-04-25', birthPlace: '75056' }, expected: 'no-match' },
];

describe('matching corpus', () => {
  it('has at least 40 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = matchIncoming(c.incoming, REGISTRY, { mode: c.mode ?? 'production', currentPatientId: c.current?.id ?? null });
    expect(result.decision).toBe(c.expected);
    if (c.expected === 'attach') expect(result.patientId).toBe(c.patient?.id);
    else expect(result.patientId).toBeNull();
    // Every candidate comes with its reasons.
    for (const cand of result.candidates) expect(cand.reasons.length).toBeGreaterThan(0);
  });

  it('makes 0 wrong attachments over the whole corpus', () => {
    const wrong = CASES.filter((c) => {
      const r = matchIncoming(c.incoming, REGISTRY, { mode: c.mode ?? 'production', currentPatientId: c.current?.id ?? null });
      return r.decision === 'attach' && (c.expected !== 'attach' || r.patientId !== c.patient?.id);
    });
    expect(wrong.map((c) => c.name)).toEqual([]);
  });

  it('explains: the test OID refusal, the swapped date, the existing attachment', () => {
    const oid = matchIncoming(like(P.ecetinsi, { ins: { value: insOf(P.ecetinsi), oid: INS_OID.test } }), REGISTRY, { mode: 'production' });
    expect(oid.problems).toContain('ins-oid-refused');
    expect(oid.candidates[0]?.patientId).toBe(P.ecetinsi.id);
    const swap = matchIncoming(like(P.marie, { ins: null, birthDate: '1980-05-04' }), REGISTRY, { mode: 'production' });
    expect(swap.candidates[0]?.reasons).toContain('birth-date-swapped');
    const moved = matchIncoming(like(P.ecetinsi), REGISTRY, { mode: 'production', currentPatientId: P.dominique.id });
    expect(moved.problems).toContain('already-attached-elsewhere');
    expect(moved.candidates.map((c) => c.patientId)).toEqual(expect.arrayContaining([P.ecetinsi.id, P.dominique.id]));
  });
});
