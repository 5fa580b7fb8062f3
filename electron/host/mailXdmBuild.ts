import { randomUUID } from 'node:crypto';
import type { InsMode } from '../identity/insOid.js';
import type { PatientRecord } from '../identity/patientRecord.js';
import { buildXdm, xdmPatientFromRecord, type BuiltXdm } from '../mail/xdm/buildXdm.js';
import type { XdmSettings } from './config.js';

/**
 * The IHE_XDM.ZIP of a patient-linked message: each PDF wrapped in a CDA R2 level 1 document
 * (`nonXMLBody`, the PDF in base64: the ANS "document non structuré"), then `buildXdm`.
 * A qualified identity travels with its INS (recordTarget + patientId `^NH`, `X-MSS-INS: O`);
 * any other identity under this workstation's local patient id (`^PI`, `X-MSS-INS: N`).
 */

/**
 * Defaults of the deployment's `mail.xdm` settings. The OIDs are UUID-derived (ITU-T X.667):
 * unique without a registered root, until a deployment gives its structure's OIDs. The codes
 * are [UNCONFIRMED] values of the ANS value sets for a private practice.
 */
export const LOCAL_PATIENT_ID_OID = '2.25.208341372907744563298419516744317339143';
/** Every setting given. */
export type XdmResolved = { readonly [K in keyof XdmSettings]-?: NonNullable<XdmSettings[K]> };

export const XDM_DEFAULTS: XdmResolved = {
  localPatientIdOid: LOCAL_PATIENT_ID_OID,
  sourceOid: '2.25.208341372907744563298419516744317339144',
  classCode: { code: '11', scheme: '1.2.250.1.213.1.1.4.1', displayName: 'Compte rendu' },
  healthcareFacilityType: { code: 'SA07', scheme: '1.2.250.1.71.4.2.4', displayName: 'Cabinet individuel' },
  practiceSetting: { code: 'AMBULATOIRE', scheme: '1.2.250.1.213.1.1.4.9', displayName: 'Ambulatoire' },
  contentType: { code: '04', scheme: '1.2.250.1.213.2.2', displayName: 'Hospitalisation de jour' },
};

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const uuidOid = () => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
const hl7Time = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + '+0000';

/** The signed-in professional, as the card profile gives it. */
export interface XdmAuthor {
  readonly idNat: string;
  readonly lastName: string;
  readonly firstName: string;
}

function cdaForPdf(args: { pdf: Buffer; title: string; patient: PatientRecord; qualified: boolean; author: XdmAuthor; now: Date; settings: XdmResolved }): Buffer {
  const p = args.patient;
  const t = p.traits;
  const ins = args.qualified && p.ins !== null ? `<id root="${xml(p.ins.oid)}" extension="${xml(p.ins.matricule + p.ins.key)}"/>` : `<id root="${args.settings.localPatientIdOid}" extension="${p.id}"/>`;
  const given = t.firstNames.map((f, i) => `<given${i === 0 ? '' : ' qualifier="CL"'}>${xml(f)}</given>`).join('');
  const authorId = args.author.idNat;
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <realmCode code="FR"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.2.8.2.1"/>
  <templateId root="1.2.250.1.213.1.1.1.1"/>
  <id root="${uuidOid()}"/>
  <code code="11488-4" displayName="Compte rendu de consultation" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC"/>
  <title>${xml(args.title)}</title>
  <effectiveTime value="${hl7Time(args.now)}"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <languageCode code="fr-FR"/>
  <recordTarget><patientRole>${ins}
    <patient><name>${given}<family qualifier="BR">${xml(t.birthName)}</family></name>
      <administrativeGenderCode code="${xml(t.sex)}" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="${t.birthDate.replace(/-/g, '')}"/></patient>
  </patientRole></recordTarget>
  <author><time value="${hl7Time(args.now)}"/><assignedAuthor><id root="1.2.250.1.71.4.2.1" extension="${xml(authorId)}"/>
    <assignedPerson><name><given>${xml(args.author.firstName)}</given><family>${xml(args.author.lastName)}</family></name></assignedPerson></assignedAuthor></author>
  <custodian><assignedCustodian><representedCustodianOrganization><id root="${args.settings.sourceOid}"/></representedCustodianOrganization></assignedCustodian></custodian>
  <component><nonXMLBody><text mediaType="application/pdf" representation="B64">${args.pdf.toString('base64')}</text></nonXMLBody></component>
</ClinicalDocument>
`,
    'utf8',
  );
}

export async function buildMessageXdm(args: {
  mode: InsMode;
  patient: PatientRecord;
  author: XdmAuthor;
  pdfs: readonly { filename: string; content: Buffer }[];
  appVersion: string;
  /** The deployment's `mail.xdm` settings (defaults: `XDM_DEFAULTS`). */
  settings?: XdmSettings;
  now?: Date;
}): Promise<BuiltXdm> {
  const now = args.now ?? new Date();
  const given = args.settings ?? {};
  const settings: XdmResolved = {
    localPatientIdOid: given.localPatientIdOid ?? XDM_DEFAULTS.localPatientIdOid,
    sourceOid: given.sourceOid ?? XDM_DEFAULTS.sourceOid,
    classCode: given.classCode ?? XDM_DEFAULTS.classCode,
    healthcareFacilityType: given.healthcareFacilityType ?? XDM_DEFAULTS.healthcareFacilityType,
    practiceSetting: given.practiceSetting ?? XDM_DEFAULTS.practiceSetting,
    contentType: given.contentType ?? XDM_DEFAULTS.contentType,
  };
  const record = xdmPatientFromRecord(args.patient, { value: String(args.patient.id), oid: settings.localPatientIdOid });
  const qualified = record.ins !== null;
  return buildXdm({
    mode: args.mode,
    patient: record,
    author: { idNat: args.author.idNat, family: args.author.lastName || 'INCONNU', given: args.author.firstName || 'INCONNU' },
    documents: args.pdfs.map((pdf) => ({
      cda: cdaForPdf({ pdf: pdf.content, title: pdf.filename.replace(/\.pdf$/i, ''), patient: args.patient, qualified, author: args.author, now, settings }),
      classCode: settings.classCode,
      healthcareFacilityType: settings.healthcareFacilityType,
      practiceSetting: settings.practiceSetting,
    })),
    sourceId: settings.sourceOid,
    contentType: settings.contentType,
    vendor: { name: 'Caducée', product: 'Caducée', version: args.appVersion },
    now,
  });
}
