import MailComposer from 'nodemailer/lib/mail-composer';
import { buildMdn } from '../mdn/mdn.js';
import { buildXdm } from '../xdm/buildXdm.js';
import { INS_ECETINSI, testCda } from '../xdm/testCda.js';

/**
 * Received mails for the sync and parse tests (unit and integration), built with nodemailer's
 * MailComposer, the MDN builder and the XDM builder of this repository. Fictitious people and
 * the ANS test patient ECETINSI only.
 */
export { INS_ECETINSI };
export const XDM_PATIENT_ID = `${INS_ECETINSI.value}^^^&${INS_ECETINSI.oid}&ISO^NH`;

async function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}

/** A mail whose sender asks for a read receipt (Disposition-Notification-To = Return-Path). */
export function askingReceipt(messageId = '<accuse@hopital.test>'): Promise<Buffer> {
  return compose({
    from: 'Dr Durand <dr.durand@hopital.test>',
    to: 'dr.martin@medecin.test',
    cc: ['secretariat@medecin.test', 'Dr Petit <dr.petit@clinique.test>'],
    subject: 'Demande d’avis — accusé de lecture',
    messageId,
    inReplyTo: '<question@medecin.test>',
    references: ['<fil-1@medecin.test>', '<question@medecin.test>'],
    headers: { 'Disposition-Notification-To': 'dr.durand@hopital.test', 'Return-Path': '<dr.durand@hopital.test>' },
    text: 'Merci de confirmer la lecture de ce message.',
    html: '<p>Merci de confirmer la <b>lecture</b> de ce message.</p>',
  });
}

/** The MDN Dr Petit's software sent back for our message `<envoi-42@medecin.test>`. */
export function mdnFromPetit(originalMessageId = '<envoi-42@medecin.test>'): Buffer {
  return buildMdn({
    original: { messageId: originalMessageId, from: 'dr.martin@medecin.test', to: ['dr.petit@clinique.test'], subject: 'Compte rendu', dispositionNotificationTo: 'dr.martin@medecin.test' },
    reportingUa: 'clinique.test; Logiciel 2.1',
    finalRecipient: 'dr.petit@clinique.test',
    disposition: 'processed',
    messageId: '<mdn-1@clinique.test>',
    date: Date.UTC(2026, 10, 28, 9, 30),
  }).raw;
}


export async function xdmZip(): Promise<Buffer> {
  const built = await buildXdm({
    mode: 'production',
    patient: { ins: INS_ECETINSI, insQualified: true, traits: { birthName: 'ECETINSI', firstNames: ['PIERRE-ALAIN'], sex: 'M', birthDate: '2009-07-14', birthPlace: '63220' } },
    author: { idNat: '810012345678', family: 'MEDECIN', given: 'Jeanne' },
    documents: [
      {
        cda: testCda(),
        classCode: { code: '11', scheme: '1.2.250.1.213.1.1.4.1', displayName: 'Compte rendu' },
        healthcareFacilityType: { code: 'SA07', scheme: '1.2.250.1.71.4.2.4', displayName: 'Cabinet individuel' },
        practiceSetting: { code: 'AMBULATOIRE', scheme: '1.2.250.1.213.1.1.4.9', displayName: 'Ambulatoire' },
      },
    ],
    sourceId: '1.2.250.1.999.1',
    contentType: { code: '04', scheme: '1.2.250.1.213.2.2', displayName: 'Hospitalisation de jour' },
    vendor: { name: 'Caducée SAS', product: 'Caducée', version: '0.1.0' },
    now: new Date('2026-11-28T10:20:00Z'),
  });
  return built.zip;
}

/** A mail carrying an IHE_XDM.ZIP (and the usual PDF copy); `zip` replaces the archive (hostile ones). */
export async function withXdm(zip?: Buffer, messageId = '<xdm@labo.test>'): Promise<Buffer> {
  return compose({
    from: 'Laboratoire <labo@biologie.test>',
    to: 'dr.martin@medecin.test',
    subject: 'XDM/1.0/DDM+Résultats de biologie',
    messageId,
    text: 'Résultats joints (IHE_XDM).',
    attachments: [
      { filename: 'IHE_XDM.ZIP', content: zip ?? (await xdmZip()), contentType: 'application/zip' },
      { filename: 'resultats.pdf', content: Buffer.from('%PDF-1.4\n%resultats\n'), contentType: 'application/pdf' },
    ],
  });
}
