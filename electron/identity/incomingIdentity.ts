import { asArray, parseXmlSafely, pick, text } from './xmlSafe.js';

/**
 * An identity as it arrives with an item (unchecked, as written by the sender):
 * - XDM `METADATA.XML`: XDSDocumentEntry.patientId `INS^^^&OID&ISO^NH` and `sourcePatientInfo`
 *   (PID-5 names with type L = birth name, D = used name, component 3 = the other first names;
 *   PID-7 birth date YYYYMMDD; PID-8 sex; PID-11 repetition of type BDL, county = INSEE code).
 * - CDA `recordTarget/patientRole`: `id` whose root is an INS OID, `family` qualified BR (birth)
 *   or SP (used), `given`s, `administrativeGenderCode`, `birthTime`, `birthplace/place/addr/county`.
 */
export interface IncomingIdentity {
  readonly source: 'xdm' | 'cda' | 'message' | 'other';
  /** As received: 15 characters + the OID, not yet checked. */
  readonly ins: { readonly value: string; readonly oid: string } | null;
  readonly birthName: string | null;
  readonly usedName: string | null;
  readonly firstNames: readonly string[];
  readonly sex: string | null;
  /** ISO YYYY-MM-DD when it could be read as a date, else as received. */
  readonly birthDate: string | null;
  readonly birthPlace: string | null;
}

const INS_OID_PREFIX = '1.2.250.1.213.1.4.';
const XDS_PATIENT_ID_SCHEME = 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427';

/** `162018885045327^^^&1.2.250.1.213.1.4.10&ISO^NH` → { value, oid }. */
export function parseXdsPatientId(cx: string): { value: string; oid: string } | null {
  const m = /^([^^]+)\^\^\^&([0-9.]+)&ISO(?:\^[A-Z]*)?$/.exec(cx.trim());
  return m === null || m[1] === undefined || m[2] === undefined ? null : { value: m[1], oid: m[2] };
}

export function hl7DateToIso(value: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(value.trim());
  return m === null ? value.trim() : `${m[1]}-${m[2]}-${m[3]}`;
}

/** Reads the PID-5/7/8/11 lines of `sourcePatientInfo`. */
export function parseSourcePatientInfo(values: readonly string[]): Omit<IncomingIdentity, 'source' | 'ins'> {
  const field = (n: number) => values.find((v) => v.startsWith(`PID-${n}|`))?.slice(`PID-${n}|`.length) ?? null;
  let birthName: string | null = null;
  let usedName: string | null = null;
  let firstNames: string[] = [];
  for (const rep of (field(5) ?? '').split('~')) {
    const c = rep.split('^');
    const type = c[6] ?? '';
    const family = c[0] ?? '';
    if (family === '') continue;
    if (type === 'L' || (type === '' && birthName === null)) {
      birthName = family;
      const given = [c[1] ?? '', ...(c[2] ?? '').split(' ')].filter((g) => g !== '');
      // Component 3 repeats the first given name in French feeds ("MARYSE^MARYSE BERTHE ALICE").
      firstNames = given.length > 1 && given[0] === given[1] ? given.slice(1) : given;
    } else if (type === 'D') usedName = family;
  }
  const pid7 = field(7);
  let birthPlace: string | null = null;
  for (const rep of (field(11) ?? '').split('~')) {
    const c = rep.split('^');
    if (c[6] === 'BDL') birthPlace = (c[8] ?? '') !== '' ? (c[8] ?? null) : (c[4] ?? null);
  }
  return { birthName, usedName, firstNames, sex: field(8), birthDate: pid7 === null ? null : hl7DateToIso(pid7), birthPlace };
}

/** The identity of the first document entry of an XDM `METADATA.XML`. */
export function incomingFromXdmMetadata(xml: string): IncomingIdentity {
  const doc = parseXmlSafely(xml, { arrays: ['ExtrinsicObject', 'Slot', 'Value', 'ExternalIdentifier'] });
  const list = pick(doc, 'SubmitObjectsRequest', 'RegistryObjectList') ?? pick(doc, 'ProvideAndRegisterDocumentSetRequest', 'SubmitObjectsRequest', 'RegistryObjectList');
  const entry = asArray(pick(list, 'ExtrinsicObject'))[0];
  const slots = asArray(pick(entry, 'Slot'));
  const info = slots.find((s) => pick(s, '@name') === 'sourcePatientInfo');
  const values = asArray(pick(info, 'ValueList', 'Value')).map((v) => text(v) ?? '');
  const ids = asArray(pick(entry, 'ExternalIdentifier'));
  const pid = ids.find((i) => pick(i, '@identificationScheme') === XDS_PATIENT_ID_SCHEME || text(pick(i, 'Name', 'LocalizedString', '@value')) === 'XDSDocumentEntry.patientId');
  const cx = pick(pid, '@value');
  return { source: 'xdm', ins: typeof cx === 'string' ? parseXdsPatientId(cx) : null, ...parseSourcePatientInfo(values) };
}

/** The identity of a CDA R2 `recordTarget`. */
export function incomingFromCda(xml: string): IncomingIdentity {
  const doc = parseXmlSafely(xml, { arrays: ['id', 'family', 'given', 'name', 'recordTarget'] });
  const role = pick(asArray(pick(doc, 'ClinicalDocument', 'recordTarget'))[0], 'patientRole');
  const insId = asArray(pick(role, 'id')).find((i) => String(pick(i, '@root') ?? '').startsWith(INS_OID_PREFIX));
  const root = pick(insId, '@root');
  const ext = pick(insId, '@extension');
  const patient = pick(role, 'patient');
  const name = asArray(pick(patient, 'name'))[0];
  const families = asArray(pick(name, 'family'));
  const familyOf = (q: string) => text(families.find((f) => pick(f, '@qualifier') === q)) ?? null;
  const birthName = familyOf('BR') ?? (families.length === 1 ? (text(families[0]) ?? null) : null);
  const givens = asArray(pick(name, 'given')).map((g) => text(g) ?? '').filter((g) => g !== '');
  const birthTime = pick(patient, 'birthTime', '@value');
  const gender = pick(patient, 'administrativeGenderCode', '@code');
  return {
    source: 'cda',
    ins: typeof root === 'string' && typeof ext === 'string' ? { value: ext, oid: root } : null,
    birthName,
    usedName: familyOf('SP'),
    firstNames: givens.flatMap((g) => g.split(' ')).filter((g) => g !== ''),
    sex: typeof gender === 'string' ? gender : null,
    birthDate: typeof birthTime === 'string' ? hl7DateToIso(birthTime) : null,
    birthPlace: text(pick(patient, 'birthplace', 'place', 'addr', 'county')) ?? null,
  };
}
