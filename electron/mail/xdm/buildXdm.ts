import { createHash, randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import yazl from 'yazl';
import { canShareIns } from '../../identity/identityStatus.js';
import { checkMatricule, formatIns } from '../../identity/insMatricule.js';
import { acceptOid, type InsMode } from '../../identity/insOid.js';
import type { PatientRecord } from '../../identity/patientRecord.js';
import { asArray, parseXmlSafely, pick, text, UnsafeXmlError } from '../../identity/xmlSafe.js';
import { XdmError } from './xdmErrors.js';
import { RPPS_OID, STRUCTURE_OID, XDS } from './xdsIds.js';

/**
 * Builds the IHE_XDM.ZIP sent with a patient-linked CDA over MSSanté (STANDARDS.md §3–4):
 * `README.TXT`, `INDEX.HTM`, `IHE_XDM/SUBSET01/METADATA.XML` (ebRIM 3.0 SubmitObjectsRequest:
 * one submission set, one document entry and one HasMember association per document, with
 * Slots, then Name, then Classifications, then ExternalIdentifiers, as the schema orders them)
 * and `IHE_XDM/SUBSET01/DOC0001.XML`…
 *
 * The patientId is the INS (`matricule^^^&OID&ISO^NH`) only when the identity is qualifiée
 * (`insQualified`, i.e. `canShareIns(status)`); an INS of any other identity is refused
 * (`ins-not-qualified`), and such a patient goes out under the local identifier (`^PI`) with
 * `X-MSS-INS: N`. A CDA whose recordTarget carries an INS is refused for a non-qualified identity
 * too, and for another patient's INS.
 */
export interface XdmCodeInput {
  readonly code: string;
  /** OID of the code system (e.g. JDV_J57 `1.2.250.1.213.1.1.4.1`). */
  readonly scheme: string;
  readonly displayName: string;
}

export interface XdmPatientInput {
  /** 15 characters + the OID. */
  readonly ins: { readonly value: string; readonly oid: string } | null;
  /** `canShareIns(record.status)`: only a qualifiée identity's INS may leave the workstation. */
  readonly insQualified: boolean;
  /** The local patient id (IPP) and the OID of its assigning authority. */
  readonly localId?: { readonly value: string; readonly oid: string } | undefined;
  readonly traits: {
    readonly birthName: string;
    readonly firstNames: readonly string[];
    readonly sex: string;
    /** YYYY-MM-DD */
    readonly birthDate: string;
    readonly birthPlace?: string | null | undefined;
    readonly usedName?: string | null | undefined;
  };
}

export interface XdmAuthorInput {
  /** idNat of the professional (e.g. `810012345678`). */
  readonly idNat: string;
  readonly family: string;
  readonly given: string;
  /** e.g. `SM26` / Qualifié en médecine générale / `1.2.250.1.71.4.2.5`. */
  readonly specialty?: XdmCodeInput | undefined;
  /** Organisation name and its identifier (FINESS/SIRET prefixed as in the RPPS, e.g. `1…`, `3…`). */
  readonly institution?: { readonly name: string; readonly id: string } | undefined;
}

export interface XdmDocumentInput {
  /** A CDA R2 document (level 1 with a PDF for the default formatCode). */
  readonly cda: Buffer;
  /** JDV_J57 (ASS_X04 from the CDA code). */
  readonly classCode: XdmCodeInput;
  readonly formatCode?: XdmCodeInput | undefined;
  /** Default: `N` (2.16.840.1.113883.5.25). MetaDMPMSS masks are added here. */
  readonly confidentiality?: readonly XdmCodeInput[] | undefined;
  /** JDV_J61, SAxx (1.2.250.1.71.4.2.4). */
  readonly healthcareFacilityType: XdmCodeInput;
  /** e.g. AMBULATOIRE (1.2.250.1.213.1.1.4.9). */
  readonly practiceSetting: XdmCodeInput;
}

export interface BuildXdmInput {
  readonly mode: InsMode;
  readonly patient: XdmPatientInput;
  readonly author: XdmAuthorInput;
  readonly documents: readonly XdmDocumentInput[];
  /** OID of the sending organisation/application (submission set sourceId). */
  readonly sourceId: string;
  /** JDV_J59 (1.2.250.1.213.2.2). */
  readonly contentType: XdmCodeInput;
  readonly vendor: { readonly name: string; readonly product: string; readonly version: string; readonly contact?: string | undefined };
  readonly now?: Date | undefined;
}

export interface BuiltXdmDocument {
  readonly path: string;
  readonly uniqueId: string;
  readonly hash: string;
  readonly size: number;
  readonly cdaCode: string;
}

export interface BuiltXdm {
  readonly zip: Buffer;
  readonly metadataXml: string;
  readonly documents: readonly BuiltXdmDocument[];
  /** For `X-MSS-CODECDA`: the CDA `code` of each document, in order. */
  readonly cdaCodes: readonly string[];
  /** For `X-MSS-INS`: `O` when the patientId is a qualified INS. */
  readonly insHeader: 'O' | 'N';
  /** Ready-made MSSanté headers (ECO.2.4.1 / ECO.2.4.2). */
  readonly headers: { readonly 'X-MSS-CODECDA': string; readonly 'X-MSS-INS': 'O' | 'N' };
}

/** The patient part of the input from a registry record. */
export function xdmPatientFromRecord(record: PatientRecord, localId?: { value: string; oid: string }): XdmPatientInput {
  const qualified = canShareIns(record.status);
  return {
    // A non-qualified identity's INS is not even passed on.
    ins: record.ins !== null && qualified ? { value: formatIns(record.ins), oid: record.ins.oid } : null,
    insQualified: qualified,
    localId,
    traits: record.traits,
  };
}

// ---------------------------------------------------------------------------------------------

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Values put inside HL7 v2 fields: the delimiters are refused rather than escaped. */
function hl7(value: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\^~|&\\\u0000-\u001f]/.test(value)) throw new XdmError('bad-input', `${what} contains an HL7 delimiter`);
  return value;
}

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
function oid(value: string, what: string): string {
  if (!OID.test(value) || value.length > 64) throw new XdmError('bad-input', `${what} is not an OID`);
  return value;
}

/** HL7 DTM in UTC, to the second. */
function dtm(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** A UUID-derived OID (ITU-T X.667), unique without a registered root. */
function uuidOid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}

const INS_OID_PREFIX = '1.2.250.1.213.1.4.';

interface CdaHeader {
  readonly code: XdmCodeInput;
  readonly title: string;
  readonly uniqueId: string;
  readonly languageCode: string;
  readonly creationTime: string | null;
  readonly recordTargetIns: { readonly value: string; readonly oid: string } | null;
}

function readCda(bytes: Buffer): CdaHeader {
  let doc: Record<string, unknown>;
  try {
    doc = parseXmlSafely(new TextDecoder('utf-8', { fatal: true }).decode(bytes), { maxBytes: 40_000_000, arrays: ['id', 'recordTarget'] });
  } catch (error) {
    throw new XdmError('bad-document', error instanceof UnsafeXmlError ? error.reason : 'not UTF-8');
  }
  const cd = pick(doc, 'ClinicalDocument');
  const code = pick(cd, 'code', '@code');
  const codeSystem = pick(cd, 'code', '@codeSystem');
  const id = asArray(pick(cd, 'id'))[0];
  const root = pick(id, '@root');
  const ext = pick(id, '@extension');
  if (typeof code !== 'string' || typeof codeSystem !== 'string' || typeof root !== 'string') throw new XdmError('bad-document', 'no code or id');
  const displayName = pick(cd, 'code', '@displayName');
  const effective = pick(cd, 'effectiveTime', '@value');
  const m = typeof effective === 'string' ? /^(\d{14})([+-]\d{4})?$/.exec(effective) : null;
  let creationTime: string | null = null;
  if (m?.[1] !== undefined) {
    const local = m[1];
    const iso = `${local.slice(0, 4)}-${local.slice(4, 6)}-${local.slice(6, 8)}T${local.slice(8, 10)}:${local.slice(10, 12)}:${local.slice(12, 14)}${m[2] === undefined ? 'Z' : `${m[2].slice(0, 3)}:${m[2].slice(3)}`}`;
    const t = new Date(iso);
    if (!Number.isNaN(t.getTime())) creationTime = dtm(t);
  }
  const role = pick(asArray(pick(cd, 'recordTarget'))[0], 'patientRole');
  const insId = asArray(pick(role, 'id')).find((i) => String(pick(i, '@root') ?? '').startsWith(INS_OID_PREFIX));
  const insRoot = pick(insId, '@root');
  const insExt = pick(insId, '@extension');
  const language = pick(cd, 'languageCode', '@code');
  return {
    code: { code, scheme: codeSystem, displayName: typeof displayName === 'string' ? displayName : code },
    title: text(pick(cd, 'title')) ?? (typeof displayName === 'string' ? displayName : code),
    uniqueId: typeof ext === 'string' && ext !== '' ? `${root}^${ext}` : root,
    languageCode: typeof language === 'string' ? language : 'fr-FR',
    creationTime,
    recordTargetIns: typeof insRoot === 'string' && typeof insExt === 'string' ? { value: insExt, oid: insRoot } : null,
  };
}

// ---------------------------------------------------------------------------------------------
// ebRIM writers

const slot = (name: string, values: readonly string[]) =>
  `<rim:Slot name="${xmlEscape(name)}"><rim:ValueList>${values.map((v) => `<rim:Value>${xmlEscape(v)}</rim:Value>`).join('')}</rim:ValueList></rim:Slot>`;
const name = (value: string) => `<rim:Name><rim:LocalizedString value="${xmlEscape(value)}"/></rim:Name>`;

function codeClassification(scheme: string, object: string, c: XdmCodeInput): string {
  return (
    `<rim:Classification id="${urn()}" classificationScheme="${scheme}" classifiedObject="${object}" nodeRepresentation="${xmlEscape(c.code)}">` +
    slot('codingScheme', [c.scheme]) +
    name(c.displayName) +
    '</rim:Classification>'
  );
}

function externalIdentifier(scheme: string, object: string, value: string, label: string): string {
  return `<rim:ExternalIdentifier id="${urn()}" registryObject="${object}" identificationScheme="${scheme}" value="${xmlEscape(value)}">${name(label)}</rim:ExternalIdentifier>`;
}

function authorClassification(scheme: string, object: string, a: XdmAuthorInput): string {
  const slots = [slot('authorPerson', [`${hl7(a.idNat, 'idNat')}^${hl7(a.family, 'author family')}^${hl7(a.given, 'author given')}^^^^^^&${RPPS_OID}&ISO^D^^^IDNPS`])];
  if (a.institution !== undefined) slots.push(slot('authorInstitution', [`${hl7(a.institution.name, 'institution')}^^^^^&${STRUCTURE_OID}&ISO^IDNST^^^${hl7(a.institution.id, 'institution id')}`]));
  if (a.specialty !== undefined) slots.push(slot('authorSpecialty', [`${hl7(a.specialty.code, 'specialty')}^${hl7(a.specialty.displayName, 'specialty')}^${oid(a.specialty.scheme, 'specialty scheme')}`]));
  return `<rim:Classification id="${urn()}" classificationScheme="${scheme}" classifiedObject="${object}" nodeRepresentation="">${slots.join('')}</rim:Classification>`;
}

const urn = () => `urn:uuid:${randomUUID()}`;

function sourcePatientInfo(p: XdmPatientInput, patientId: string): string[] {
  const t = p.traits;
  const [first, ...others] = t.firstNames.map((f) => hl7(f, 'first name'));
  if (first === undefined) throw new XdmError('bad-input', 'no first name');
  const names = [`${hl7(t.birthName, 'birth name')}^${first}^${[first, ...others].join(' ')}^^^^L`];
  if (t.usedName !== null && t.usedName !== undefined && t.usedName !== '') names.push(`${hl7(t.usedName, 'used name')}^${first}^^^^^D`);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t.birthDate);
  if (date === null) throw new XdmError('bad-input', 'birth date');
  if (t.sex !== 'M' && t.sex !== 'F' && t.sex !== 'U') throw new XdmError('bad-input', 'sex');
  const values = [`PID-3|${patientId}`, `PID-5|${names.join('~')}`, `PID-7|${date[1]}${date[2]}${date[3]}`, `PID-8|${t.sex}`];
  if (t.birthPlace !== null && t.birthPlace !== undefined && t.birthPlace !== '') values.push(`PID-11|^^^^^^BDL^^${hl7(t.birthPlace, 'birth place')}`);
  return values;
}

function patientIdOf(input: BuildXdmInput): { patientId: string; qualified: boolean } {
  const p = input.patient;
  if (p.ins !== null) {
    if (!p.insQualified) throw new XdmError('ins-not-qualified');
    const m = checkMatricule(p.ins.value);
    if (!m.ok || !acceptOid(p.ins.oid, input.mode).ok) throw new XdmError('ins-invalid');
    return { patientId: `${formatIns(m.value)}^^^&${p.ins.oid.trim()}&ISO^NH`, qualified: true };
  }
  if (p.localId === undefined) throw new XdmError('no-patient-id');
  return { patientId: `${hl7(p.localId.value, 'local id')}^^^&${oid(p.localId.oid, 'local id OID')}&ISO^PI`, qualified: false };
}

function zipToBuffer(files: readonly { name: string; data: Buffer }[], mtime: Date): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(f.data, f.name, { mtime, mode: 0o100644 });
  zip.end();
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    sink.on('data', (c: Buffer) => chunks.push(c));
    sink.on('end', () => resolve(Buffer.concat(chunks)));
    sink.on('error', reject);
    zip.outputStream.on('error', reject);
    zip.outputStream.pipe(sink);
  });
}

export async function buildXdm(input: BuildXdmInput): Promise<BuiltXdm> {
  if (input.documents.length === 0 || input.documents.length > 99) throw new XdmError('bad-input', 'document count');
  oid(input.sourceId, 'sourceId');
  const now = input.now ?? new Date();
  const { patientId, qualified } = patientIdOf(input);
  const spi = sourcePatientInfo(input.patient, patientId);
  const sourcePatientId = input.patient.localId === undefined ? patientId : `${input.patient.localId.value}^^^&${input.patient.localId.oid}&ISO^PI`;
  const ownIns = input.patient.ins === null ? null : checkMatricule(input.patient.ins.value);

  const setId = urn();
  const objects: string[] = [];
  const associations: string[] = [];
  const built: BuiltXdmDocument[] = [];
  const files: { name: string; data: Buffer }[] = [];

  input.documents.forEach((d, i) => {
    const cda = readCda(d.cda);
    if (cda.recordTargetIns !== null) {
      if (!qualified) throw new XdmError('ins-not-qualified', 'INS in the CDA recordTarget');
      const theirs = checkMatricule(cda.recordTargetIns.value);
      if (!theirs.ok || ownIns === null || !ownIns.ok || formatIns(theirs.value) !== formatIns(ownIns.value) || cda.recordTargetIns.oid !== input.patient.ins?.oid) throw new XdmError('patient-mismatch');
    }
    const file = `DOC${String(i + 1).padStart(4, '0')}.XML`;
    const hash = createHash('sha1').update(d.cda).digest('hex');
    const entryId = urn();
    const formatCode = d.formatCode ?? XDS.formatCdaPdf;
    const confidentiality = d.confidentiality ?? [{ code: 'N', scheme: '2.16.840.1.113883.5.25', displayName: 'Normal' }];
    const E = XDS.documentEntry;
    objects.push(
      `<rim:ExtrinsicObject id="${entryId}" mimeType="text/xml" objectType="${E.objectType}">` +
        slot('creationTime', [cda.creationTime ?? dtm(now)]) +
        slot('hash', [hash]) +
        slot('languageCode', [cda.languageCode]) +
        slot('size', [String(d.cda.length)]) +
        slot('sourcePatientId', [sourcePatientId]) +
        slot('sourcePatientInfo', spi) +
        slot('URI', [file]) +
        name(cda.title) +
        authorClassification(E.author, entryId, input.author) +
        codeClassification(E.classCode, entryId, d.classCode) +
        confidentiality.map((c) => codeClassification(E.confidentialityCode, entryId, c)).join('') +
        codeClassification(E.formatCode, entryId, formatCode) +
        codeClassification(E.healthcareFacilityTypeCode, entryId, d.healthcareFacilityType) +
        codeClassification(E.practiceSettingCode, entryId, d.practiceSetting) +
        codeClassification(E.typeCode, entryId, cda.code) +
        externalIdentifier(E.patientId, entryId, patientId, 'XDSDocumentEntry.patientId') +
        externalIdentifier(E.uniqueId, entryId, cda.uniqueId, 'XDSDocumentEntry.uniqueId') +
        '</rim:ExtrinsicObject>',
    );
    associations.push(
      `<rim:Association id="${urn()}" associationType="${XDS.hasMember}" sourceObject="${setId}" targetObject="${entryId}">${slot('SubmissionSetStatus', ['Original'])}</rim:Association>`,
    );
    built.push({ path: `IHE_XDM/SUBSET01/${file}`, uniqueId: cda.uniqueId, hash, size: d.cda.length, cdaCode: cda.code.code });
    files.push({ name: `IHE_XDM/SUBSET01/${file}`, data: d.cda });
  });

  const S = XDS.submissionSet;
  const submissionSet =
    `<rim:RegistryPackage id="${setId}">` +
    slot('submissionTime', [dtm(now)]) +
    name(`${input.vendor.product} — envoi MSSanté`) +
    authorClassification(S.author, setId, input.author) +
    codeClassification(S.contentTypeCode, setId, input.contentType) +
    externalIdentifier(S.uniqueId, setId, uuidOid(), 'XDSSubmissionSet.uniqueId') +
    externalIdentifier(S.sourceId, setId, input.sourceId, 'XDSSubmissionSet.sourceId') +
    externalIdentifier(S.patientId, setId, patientId, 'XDSSubmissionSet.patientId') +
    '</rim:RegistryPackage>' +
    `<rim:Classification id="${urn()}" classifiedObject="${setId}" classificationNode="${S.classificationNode}"/>`;

  const metadataXml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0">' +
    `<rim:RegistryObjectList>${submissionSet}${objects.join('')}${associations.join('')}</rim:RegistryObjectList>` +
    '</lcm:SubmitObjectsRequest>\n';

  const v = input.vendor;
  const readme = [
    'IHE XDM (ITI-32) - archive IHE_XDM.ZIP',
    `Editeur : ${v.name}`,
    `Logiciel : ${v.product} ${v.version}`,
    ...(v.contact === undefined ? [] : [`Contact : ${v.contact}`]),
    `Date : ${now.toISOString()}`,
    '',
    'Contenu : voir INDEX.HTM. Metadonnees XDS : IHE_XDM/SUBSET01/METADATA.XML.',
    '',
  ].join('\r\n');
  const index =
    '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>IHE_XDM</title></head><body>\n' +
    `<h1>Archive IHE XDM</h1><p>${xmlEscape(`${v.product} ${v.version} (${v.name})`)}</p>\n<ul>\n` +
    '<li><a href="README.TXT">README.TXT</a></li>\n<li><a href="IHE_XDM/SUBSET01/METADATA.XML">IHE_XDM/SUBSET01/METADATA.XML</a></li>\n' +
    built.map((b) => `<li><a href="${b.path}">${b.path}</a></li>`).join('\n') +
    '\n</ul></body></html>\n';

  const zip = await zipToBuffer(
    [
      { name: 'README.TXT', data: Buffer.from(readme, 'utf8') },
      { name: 'INDEX.HTM', data: Buffer.from(index, 'utf8') },
      { name: 'IHE_XDM/SUBSET01/METADATA.XML', data: Buffer.from(metadataXml, 'utf8') },
      ...files,
    ],
    now,
  );
  const cdaCodes = built.map((b) => b.cdaCode);
  const insHeader = qualified ? 'O' : 'N';
  return { zip, metadataXml, documents: built, cdaCodes, insHeader, headers: { 'X-MSS-CODECDA': cdaCodes.join(','), 'X-MSS-INS': insHeader } };
}
