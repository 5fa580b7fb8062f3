import type { InsiService } from '../identity/insiClient.js';
import { parseInsiResponse, type InsiOperation } from '../identity/insiAnswer.js';
import { computeInsKey } from '../identity/insMatricule.js';
import { INS_OID } from '../identity/insOid.js';
import { escapeXml } from '../identity/insiSoap.js';
import type { StrictTraits } from '../identity/strictTraits.js';

/**
 * The INSi teleservice of the demo mode: in process, no network, fictitious people only, all
 * under the demo OID (…4.11), so that a demo profile can never hold a real INS. Answers are
 * written as INSi's SOAP RESULTAT and go through the real parser (`parseInsiResponse`): the
 * registry receives genuine `InsiAnswer`s and applies the same rules as in production.
 *
 * Matching follows the real service as our simulator does: birth name, sex and birth date
 * equal, birthplace equal when given, and a first name equal to one of the person's first names
 * (or to the whole list). Verification: the INS as well.
 */
export interface DemoPerson {
  /** 13 characters; the key is computed. */
  readonly matricule: string;
  readonly birthName: string;
  readonly firstNames: string;
  readonly sex: 'M' | 'F';
  readonly birthDate: string;
  readonly birthPlace: string;
}

/** Fictitious people (names, dates and numbers invented for training; demo OID only). */
export const DEMO_INSI_PEOPLE: readonly DemoPerson[] = [
  { matricule: '2850375056123', birthName: 'MARTIN-DURAND', firstNames: 'ELISE MARIE', sex: 'F', birthDate: '1985-03-14', birthPlace: '75056' },
  { matricule: '1521169123045', birthName: 'LEFEVRE', firstNames: 'JEAN-BAPTISTE LOUIS', sex: 'M', birthDate: '1952-11-02', birthPlace: '69123' },
  { matricule: '216072A004018', birthName: 'ROUSSEAU', firstNames: 'CHLOE', sex: 'F', birthDate: '2016-07-21', birthPlace: '2A004' },
  { matricule: '1990133063077', birthName: 'DUBOIS', firstNames: 'THEO PAUL', sex: 'M', birthDate: '1999-01-30', birthPlace: '33063' },
  { matricule: '2700999341056', birthName: "N'DIAYE", firstNames: 'AMINATA', sex: 'F', birthDate: '1970-09-05', birthPlace: '99341' },
];

const RESULT_OPEN = '<RESULTAT xmlns="http://www.cnamts.fr/INSiResultat">';
const wrap = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>${RESULT_OPEN}${inner}</RESULTAT></soap:Body></soap:Envelope>`;
const cr = (code: string, label: string) => `<CR><CodeCR>${code}</CodeCR><LibelleCR>${label}</LibelleCR></CR>`;

function resultXml(found: readonly DemoPerson[]): string {
  if (found.length === 0) return wrap(cr('01', 'Aucune identite trouvee'));
  if (found.length > 1) return wrap(cr('02', 'Plusieurs identites trouvees'));
  const p = found[0] as DemoPerson;
  const key = computeInsKey(p.matricule) ?? '';
  const e = escapeXml;
  const ins = `<IdIndividu><NumIdentifiant>${e(p.matricule)}</NumIdentifiant><Cle>${key}</Cle></IdIndividu><OID>${INS_OID.demo}</OID>`;
  const tiq = `<TIQ><NomNaissance>${e(p.birthName)}</NomNaissance><Prenom>${e(p.firstNames.split(' ')[0] ?? '')}</Prenom><ListePrenom>${e(p.firstNames)}</ListePrenom><Sexe>${p.sex}</Sexe><DateNaissance>${p.birthDate}</DateNaissance><LieuNaissance>${p.birthPlace}</LieuNaissance></TIQ>`;
  return wrap(`${cr('00', 'OK')}<INDIVIDU><INSACTIF>${ins}</INSACTIF>${tiq}</INDIVIDU>`);
}

function traitsMatch(p: DemoPerson, t: StrictTraits): boolean {
  const theirs = p.firstNames.split(' ');
  const firstOk = t.firstNames.join(' ') === p.firstNames || t.firstNames.some((f) => theirs.includes(f));
  return p.birthName === t.birthName && firstOk && p.sex === t.sex && p.birthDate === t.birthDate && (t.birthPlace === null || t.birthPlace === p.birthPlace);
}

export function createDemoInsi(options: { people?: readonly DemoPerson[]; now?: () => number } = {}): InsiService {
  const people = options.people ?? DEMO_INSI_PEOPLE;
  const now = options.now ?? Date.now;
  const answer = (operation: InsiOperation, found: readonly DemoPerson[]) => Promise.resolve(parseInsiResponse(resultXml(found), operation, now()));
  return {
    rechercherIns: (traits) => answer('recherche', people.filter((p) => traitsMatch(p, traits))),
    verifierIns: (ins, traits) =>
      answer(
        'verification',
        people.filter((p) => ins.oid === INS_OID.demo && p.matricule === ins.matricule && computeInsKey(p.matricule) === ins.key && traitsMatch(p, traits)),
      ),
  };
}
