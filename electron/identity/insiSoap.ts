import { randomUUID } from 'node:crypto';
import type { InsiIns } from './insiAnswer.js';
import type { StrictTraits } from './strictTraits.js';

/**
 * INSi SOAP 1.2 requests (STANDARDS.md §5; shapes as in padoa/tlsi-ins, WSDL
 * DESIR_ICIR_EXP_1.5.0). Headers: `ContexteBAM` (Version 01_02: Id, Temps, Emetteur, empty
 * COUVERTURE), `ContexteLPS` (Nature CTXLPS, Version 01_00: Id, Temps, Emetteur, LPS{IDAM R="4",
 * Version, Instance, Nom "urn:lps:<name>:<version>"}), WS-Addressing `Action` and `MessageID`.
 *
 * [UNCONFIRMED] marks what our public sources did not show:
 * - the verification body: element names `VERIFINSAVECTRAITS` / `IndividuVerifie` / `INSFourni` /
 *   `TraitsIdentiteIndividu` come from a third-party .NET client's generated classes; the
 *   namespace `http://www.cnamts.fr/INSiVerif` is our guess. Check against the WSDL before
 *   qualification.
 * - `Emetteur`: padoa puts the user's e-mail; others put the PS identifier. A setting here.
 * - `Instance`: an identifier of this installation (a setting; padoa uses a UUID).
 */
export const INSI_ACTIONS = {
  recherche: 'urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite',
  verification: 'urn:ServiceIdentiteCertifiee:1.0.0:verifierInsAvecTraitsIdentite',
} as const;

export interface InsiContext {
  /** Numéro d'autorisation IDAM of the software (ContexteLPS/LPS/IDAM). */
  readonly idam: string;
  readonly softwareName: string;
  readonly softwareVersion: string;
  /** ContexteLPS/LPS/Instance: this installation. */
  readonly instance: string;
  /** ContexteBAM/Emetteur and ContexteLPS/Emetteur. [UNCONFIRMED] value expected. */
  readonly emitter: string;
}

export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

const el = (name: string, value: string) => `<${name}>${escapeXml(value)}</${name}>`;

function envelope(action: string, ctx: InsiContext, messageId: string, at: Date, body: string): string {
  const t = at.toISOString();
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:ctxbam="urn:siram:bam:ctxbam" xmlns:ctxlps="urn:siram:lps:ctxlps">',
    '<soap:Header>',
    `<ctxbam:ContexteBAM Version="01_02">${el('ctxbam:Id', randomUUID())}${el('ctxbam:Temps', t)}${el('ctxbam:Emetteur', ctx.emitter)}<ctxbam:COUVERTURE></ctxbam:COUVERTURE></ctxbam:ContexteBAM>`,
    `<ctxlps:ContexteLPS Nature="CTXLPS" Version="01_00">${el('ctxlps:Id', randomUUID())}${el('ctxlps:Temps', t)}${el('ctxlps:Emetteur', ctx.emitter)}`,
    `<ctxlps:LPS><ctxlps:IDAM R="4">${escapeXml(ctx.idam)}</ctxlps:IDAM>${el('ctxlps:Version', ctx.softwareVersion)}${el('ctxlps:Instance', ctx.instance)}${el('ctxlps:Nom', `urn:lps:${ctx.softwareName}:${ctx.softwareVersion}`)}</ctxlps:LPS></ctxlps:ContexteLPS>`,
    `${el('wsa:Action', action)}${el('wsa:MessageID', `uuid:${messageId}`)}`,
    '</soap:Header>',
    `<soap:Body>${body}</soap:Body>`,
    '</soap:Envelope>',
  ].join('');
}

export interface InsiSearchRequest {
  readonly birthName: string;
  /** One first name, or several joined by spaces (INSi is asked name by name, then all). */
  readonly firstName: string;
  readonly sex: 'M' | 'F';
  readonly birthDate: string;
  readonly birthPlace: string | null;
}

export function buildSearchRequest(req: InsiSearchRequest, ctx: InsiContext, messageId: string, at: Date): string {
  const p = 'insi_recsans_ins';
  const body = [
    `<${p}:RECSANSVITALE xmlns:${p}="http://www.cnamts.fr/INSiRecSans">`,
    el(`${p}:NomNaissance`, req.birthName),
    el(`${p}:Prenom`, req.firstName),
    el(`${p}:Sexe`, req.sex),
    el(`${p}:DateNaissance`, req.birthDate),
    req.birthPlace === null ? '' : el(`${p}:LieuNaissance`, req.birthPlace),
    `</${p}:RECSANSVITALE>`,
  ].join('');
  return envelope(INSI_ACTIONS.recherche, ctx, messageId, at, body);
}

export function buildVerifyRequest(ins: InsiIns, traits: StrictTraits, ctx: InsiContext, messageId: string, at: Date): string {
  const p = 'insi_verif';
  const body = [
    `<${p}:VERIFINSAVECTRAITS xmlns:${p}="http://www.cnamts.fr/INSiVerif"><${p}:IndividuVerifie>`,
    `<${p}:INSFourni><${p}:IdIndividu>${el(`${p}:NumIdentifiant`, ins.matricule)}${el(`${p}:Cle`, ins.key)}</${p}:IdIndividu>${el(`${p}:OID`, ins.oid)}</${p}:INSFourni>`,
    `<${p}:TraitsIdentiteIndividu>`,
    el(`${p}:NomNaissance`, traits.birthName),
    el(`${p}:Prenom`, traits.firstNames[0] ?? ''),
    el(`${p}:ListePrenom`, traits.firstNames.join(' ')),
    el(`${p}:Sexe`, traits.sex),
    el(`${p}:DateNaissance`, traits.birthDate),
    traits.birthPlace === null ? '' : el(`${p}:LieuNaissance`, traits.birthPlace),
    `</${p}:TraitsIdentiteIndividu></${p}:IndividuVerifie></${p}:VERIFINSAVECTRAITS>`,
  ].join('');
  return envelope(INSI_ACTIONS.verification, ctx, messageId, at, body);
}
