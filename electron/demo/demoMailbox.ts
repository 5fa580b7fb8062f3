import { computeInsKey } from '../identity/insMatricule.js';
import { INS_OID } from '../identity/insOid.js';
import { buildXdm } from '../mail/xdm/buildXdm.js';
import type { Vault } from '../vault/client.js';
import type { DemoMessage } from '../vault/repo/mailbox.js';
import { DEMO_INSI_PEOPLE } from './demoInsi.js';

/**
 * The demo mailbox: a handful of fictitious MSSanté messages written into a demo vault at its
 * first open, so that trainers see a mailbox without any server. Every name and address is
 * obviously fictitious (domain `demo.mssante.invalid`, names of the « DÉMO » kind).
 */
const DOMAIN = 'demo.mssante.invalid';
const ME = `dr.demo@${DOMAIN}`;

/** A one-page PDF (PDF 1.4, Helvetica), offsets computed so that readers accept it. */
export function demoPdf(lines: readonly string[]): Buffer {
  const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);
  const text = lines.map((l, i) => `BT /F1 ${i === 0 ? 16 : 11} Tf 56 ${780 - i * 22} Td (${ascii(l)}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * An IHE_XDM.ZIP for the first fictitious person of the demo INSi (demo OID): the PDF in a CDA
 * R2 level 1. The patient matcher decides at the first open, as for a real message: linked if
 * the trainer's registry holds that person with a qualified identity, else « patient inconnu ».
 */
async function demoXdm(pdf: Buffer, now: Date): Promise<Buffer> {
  const person = DEMO_INSI_PEOPLE[0];
  if (person === undefined) throw new Error('no demo person');
  const ins = { value: person.matricule + (computeInsKey(person.matricule) ?? ''), oid: INS_OID.demo };
  const firstNames = person.firstNames.split(' ');
  const cda = `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <realmCode code="FR"/><typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.2.8.2.1"/><templateId root="1.2.250.1.213.1.1.1.1"/>
  <id root="1.2.250.1.213.1.4.11.99.1" extension="demo-xdm-1"/>
  <code code="11502-2" displayName="CR d'examens biologiques" codeSystem="2.16.840.1.113883.6.1"/>
  <title>Résultats biologiques (démonstration)</title>
  <effectiveTime value="${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/><languageCode code="fr-FR"/>
  <recordTarget><patientRole><id root="${ins.oid}" extension="${ins.value}"/>
    <patient><name>${firstNames.map((f) => `<given>${f}</given>`).join('')}<family qualifier="BR">${person.birthName}</family></name>
      <administrativeGenderCode code="${person.sex}" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="${person.birthDate.replace(/-/g, '')}"/></patient>
  </patientRole></recordTarget>
  <component><nonXMLBody><text mediaType="application/pdf" representation="B64">${pdf.toString('base64')}</text></nonXMLBody></component>
</ClinicalDocument>
`;
  const built = await buildXdm({
    mode: 'demo',
    patient: { ins, insQualified: true, traits: { birthName: person.birthName, firstNames, sex: person.sex, birthDate: person.birthDate, birthPlace: person.birthPlace } },
    author: { idNat: '810000000000', family: 'FICTIF-DEMO', given: 'Laboratoire' },
    documents: [
      {
        cda: Buffer.from(cda, 'utf8'),
        classCode: { code: '11', scheme: '1.2.250.1.213.1.1.4.1', displayName: 'Compte rendu' },
        healthcareFacilityType: { code: 'SA07', scheme: '1.2.250.1.71.4.2.4', displayName: 'Cabinet individuel' },
        practiceSetting: { code: 'AMBULATOIRE', scheme: '1.2.250.1.213.1.1.4.9', displayName: 'Ambulatoire' },
      },
    ],
    sourceId: '1.2.250.1.213.1.4.11.99',
    contentType: { code: '04', scheme: '1.2.250.1.213.2.2', displayName: 'Hospitalisation de jour' },
    vendor: { name: 'Caducée', product: 'Caducée (démonstration)', version: 'demo' },
    now,
  });
  return built.zip;
}

export function demoMessages(now: number = Date.now(), xdmZip?: Buffer): DemoMessage[] {
  const hours = (h: number) => now - h * 3_600_000;
  return [
    {
      folder: 'INBOX',
      uid: 1,
      messageId: `<demo-1@${DOMAIN}>`,
      date: hours(2),
      from: `Dr Alice EXEMPLE-DÉMO <alice.exemple@${DOMAIN}>`,
      to: [ME],
      subject: 'Compte rendu de consultation (démonstration)',
      bodyText: 'Cher confrère,\n\nVeuillez trouver ci-joint le compte rendu de consultation de votre patient fictif, M. Jean TEST-DÉMO.\n\nBien confraternellement,\nDr Alice EXEMPLE-DÉMO (personnage fictif)',
      flags: [],
      attachments: [{ filename: 'compte-rendu-demo.pdf', mime: 'application/pdf', data: demoPdf(['Compte rendu de consultation - DEMONSTRATION', 'Patient fictif : Jean TEST-DEMO, ne le 01/01/1970', 'Examen clinique sans particularite.', 'Document fictif, sans valeur medicale.']) }],
    },
    {
      folder: 'INBOX',
      uid: 2,
      messageId: `<demo-2@${DOMAIN}>`,
      date: hours(5),
      from: `Laboratoire FICTIF-DÉMO <labo.fictif@${DOMAIN}>`,
      to: [ME],
      subject: 'Résultats biologiques : accusé de lecture demandé (démonstration)',
      bodyText: 'Bonjour,\n\nLes résultats de Mme Marie EXEMPLE-DÉMO (patiente fictive) sont disponibles. Merci de nous confirmer leur lecture.\n\nLaboratoire FICTIF-DÉMO',
      flags: [],
      dispositionNotificationTo: `labo.fictif@${DOMAIN}`,
    },
    {
      folder: 'INBOX',
      uid: 3,
      messageId: `<demo-3@${DOMAIN}>`,
      date: hours(26),
      from: `Centre hospitalier IMAGINAIRE <secretariat.imaginaire@${DOMAIN}>`,
      to: [ME],
      subject: 'Lettre de sortie (démonstration)',
      bodyText: 'Madame, Monsieur,\n\nVotre patient fictif est sorti ce jour. La lettre de liaison suit par courrier.\n\nLe secrétariat (fictif)',
      bodyHtml: '<p>Madame, Monsieur,</p><p>Votre patient fictif est sorti ce jour. La lettre de liaison suit par courrier.</p><p><img data-blocked-src="https://images.demo.invalid/logo.png" alt="Logo (image distante bloquée)"></p><p>Le secrétariat (fictif)</p>',
      remoteContentBlocked: true,
      flags: ['\\Seen', '\\Flagged'],
    },
    {
      folder: 'INBOX',
      uid: 4,
      messageId: `<demo-4@${DOMAIN}>`,
      date: hours(72),
      from: `Dr Bruno MODÈLE-DÉMO <bruno.modele@${DOMAIN}>`,
      to: [ME],
      subject: 'Avis demandé pour un patient fictif',
      bodyText: 'Bonjour,\n\nPourriez-vous me donner votre avis sur le dossier de M. Paul FICTIF-DÉMO ? Rien d’urgent.\n\nMerci,\nDr Bruno MODÈLE-DÉMO (personnage fictif)',
      flags: ['\\Seen', '\\Answered'],
    },
    ...(xdmZip === undefined
      ? []
      : [
          {
            folder: 'INBOX',
            uid: 5,
            messageId: `<demo-5@${DOMAIN}>`,
            date: hours(1),
            from: `Laboratoire FICTIF-DÉMO <labo.fictif@${DOMAIN}>`,
            to: [ME],
            subject: 'Résultats biologiques de Mme Élise MARTIN-DURAND (démonstration)',
            bodyText: 'Bonjour,\n\nVeuillez trouver les résultats de votre patiente fictive, avec leur archive IHE_XDM pour le dossier patient.\n\nLaboratoire FICTIF-DÉMO',
            flags: [],
            attachments: [
              { filename: 'IHE_XDM.ZIP', mime: 'application/zip', data: xdmZip },
              { filename: 'resultats-demo.pdf', mime: 'application/pdf', data: XDM_PDF },
            ],
            xdm: { documents: [{ title: 'Résultats biologiques (démonstration)', typeCode: '11502-2' }], match: 'pending' as const, message: null, patientId: null },
          },
        ]),
    {
      folder: 'Sent',
      uid: 1,
      messageId: `<demo-sent-1@${DOMAIN}>`,
      date: hours(70),
      from: ME,
      to: [`bruno.modele@${DOMAIN}`],
      subject: 'RE: Avis demandé pour un patient fictif',
      bodyText: 'Bonjour,\n\nAucune contre-indication de mon côté. Bien à vous.\n\nDr DÉMO (personnage fictif)',
      flags: ['\\Seen'],
    },
  ];
}

const XDM_PDF = demoPdf(['Resultats biologiques - DEMONSTRATION', 'Patiente fictive : Elise MARTIN-DURAND', 'Document fictif, sans valeur medicale.']);

/** Writes the demo mailbox into a demo vault once; returns how many messages were written. */
export async function seedDemoMailbox(vault: Pick<Vault, 'mailboxSeedDemo'>): Promise<number> {
  const now = Date.now();
  return vault.mailboxSeedDemo(demoMessages(now, await demoXdm(XDM_PDF, new Date(now))));
}
