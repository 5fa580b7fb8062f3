import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeXml } from '../../../electron/identity/insiSoap.js';
import { parseXmlSafely, pick, text } from '../../../electron/identity/xmlSafe.js';

/**
 * A local INSi teleservice for tests: SOAP 1.2 over HTTP on 127.0.0.1, answers shaped exactly like
 * the real ones in ../shared/fixtures/ins/padoa+tlsi-ins/ (RESULTAT in the INSiResultat
 * namespace, CR 00/01/02, INDIVIDU{INSACTIF, INSHISTO*, TIQ}). Like the real service it refuses,
 * with a SOAP fault carrying a siram:Erreur, a request without ContexteLPS/ContexteBAM or with an
 * unknown IDAM authorisation number.
 *
 * Search: NomNaissance, Sexe, DateNaissance equal, LieuNaissance equal when given, and Prenom equal
 * to one of the identity's first names or to the whole list. Verification: the INS plus the
 * same rule on traits.
 */
export interface SimIdentity {
  readonly matricule: string;
  readonly key: string;
  readonly oid: string;
  readonly birthName: string;
  readonly firstNames: string;
  readonly sex: 'M' | 'F';
  readonly birthDate: string;
  readonly birthPlace: string;
  readonly history?: readonly { matricule: string; key: string; oid: string; from?: string; to?: string }[];
}

export interface SimRequest {
  readonly action: string;
  readonly idam: string | undefined;
  readonly messageId: string | undefined;
  readonly body: Record<string, string | undefined>;
}

export interface InsiSimulator {
  readonly url: string;
  readonly requests: SimRequest[];
  close(): Promise<void>;
}

const RESULT_OPEN = '<RESULTAT xmlns:ns3="http://www.cnamts.fr/INSiRecVit" xmlns:ns2="http://www.cnamts.fr/INSiRecSans" xmlns="http://www.cnamts.fr/INSiResultat">';
const wrap = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><S:Body xmlns:S="http://www.w3.org/2003/05/soap-envelope">${RESULT_OPEN}${inner}</RESULTAT></S:Body></soap:Envelope>`;
const cr = (code: string, label: string) => `<CR><CodeCR>${code}</CodeCR><LibelleCR>${label}</LibelleCR></CR>`;
const idIndividu = (m: string, k: string, oid: string) => `<IdIndividu><NumIdentifiant>${escapeXml(m)}</NumIdentifiant><Cle>${escapeXml(k)}</Cle></IdIndividu><OID>${escapeXml(oid)}</OID>`;

export function resultXml(found: readonly SimIdentity[]): string {
  if (found.length === 0) return wrap(cr('01', 'Aucune identite trouvee'));
  if (found.length > 1) return wrap(cr('02', 'Plusieurs identites trouvees'));
  const i = found[0] as SimIdentity;
  const histo = (i.history ?? [])
    .map((h) => `<INSHISTO>${h.from === undefined ? '' : `<DateDeb>${h.from}</DateDeb>`}${h.to === undefined ? '' : `<DateFin>${h.to}</DateFin>`}${idIndividu(h.matricule, h.key, h.oid)}</INSHISTO>`)
    .join('');
  const tiq = `<TIQ><NomNaissance>${escapeXml(i.birthName)}</NomNaissance><Prenom>${escapeXml(i.firstNames.split(' ')[0] ?? '')}</Prenom><ListePrenom>${escapeXml(i.firstNames)}</ListePrenom><Sexe>${i.sex}</Sexe><DateNaissance>${i.birthDate}</DateNaissance><LieuNaissance>${i.birthPlace}</LieuNaissance></TIQ>`;
  return wrap(`${cr('00', 'OK')}<INDIVIDU><INSACTIF>${idIndividu(i.matricule, i.key, i.oid)}</INSACTIF>${histo}${tiq}</INDIVIDU>`);
}

function fault(siram: string, text: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value><soap:Subcode><soap:Value>${siram}</soap:Value></soap:Subcode></soap:Code><soap:Reason><soap:Text xml:lang="fr">${escapeXml(text)}</soap:Text></soap:Reason><soap:Detail><siram:Erreur xmlns:siram="urn:siram" severite="fatal" code="${siram}">${escapeXml(text)}</siram:Erreur></soap:Detail></soap:Fault></soap:Body></soap:Envelope>`;
}

function traitsMatch(i: SimIdentity, b: Record<string, string | undefined>): boolean {
  const prenom = b.Prenom ?? '';
  const firstOk = prenom === i.firstNames || i.firstNames.split(' ').includes(prenom) || (b.ListePrenom !== undefined && b.ListePrenom === i.firstNames);
  return b.NomNaissance === i.birthName && firstOk && b.Sexe === i.sex && b.DateNaissance === i.birthDate && (b.LieuNaissance === undefined || b.LieuNaissance === i.birthPlace);
}

export async function startInsiSimulator(options: { port?: number; identities: readonly SimIdentity[]; idam?: string; delayMs?: number }): Promise<InsiSimulator> {
  const requests: SimRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: string) => {
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8' });
          res.end(body);
        };
        if (options.delayMs === undefined) send();
        else setTimeout(send, options.delayMs);
      };
      let doc: Record<string, unknown>;
      try {
        doc = parseXmlSafely(Buffer.concat(chunks).toString('utf8'));
      } catch {
        reply(400, fault('siram_40', 'Requete mal formee'));
        return;
      }
      const header = pick(doc, 'Envelope', 'Header');
      const action = text(pick(header, 'Action')) ?? '';
      const idam = text(pick(header, 'ContexteLPS', 'LPS', 'IDAM'));
      const body = pick(doc, 'Envelope', 'Body');
      const search = pick(body, 'RECSANSVITALE');
      const verify = pick(body, 'VERIFINSAVECTRAITS', 'IndividuVerifie');
      const fields = (node: unknown, names: string[]) => Object.fromEntries(names.map((n) => [n, text(pick(node, n))]));
      const traitsNode = search ?? pick(verify, 'TraitsIdentiteIndividu');
      const b: Record<string, string | undefined> = {
        ...fields(traitsNode, ['NomNaissance', 'Prenom', 'ListePrenom', 'Sexe', 'DateNaissance', 'LieuNaissance']),
        NumIdentifiant: text(pick(verify, 'INSFourni', 'IdIndividu', 'NumIdentifiant')),
        Cle: text(pick(verify, 'INSFourni', 'IdIndividu', 'Cle')),
        OID: text(pick(verify, 'INSFourni', 'OID')),
      };
      requests.push({ action, idam, messageId: text(pick(header, 'MessageID')), body: b });
      if (pick(header, 'ContexteBAM') === undefined || pick(header, 'ContexteLPS') === undefined) {
        reply(500, fault('siram_10', 'Contexte LPS ou BAM absent'));
        return;
      }
      if (options.idam !== undefined && idam !== options.idam) {
        reply(500, fault('siram_100', "L'accès par ce progiciel au service n'est pas autorisé. Contactez l'éditeur du progiciel ou votre responsable informatique."));
        return;
      }
      if (action.endsWith(':rechercherInsAvecTraitsIdentite') && search !== undefined) {
        reply(200, resultXml(options.identities.filter((i) => traitsMatch(i, b))));
      } else if (action.endsWith(':verifierInsAvecTraitsIdentite') && verify !== undefined) {
        reply(200, resultXml(options.identities.filter((i) => i.matricule === b.NumIdentifiant && i.key === b.Cle && i.oid === b.OID && traitsMatch(i, b))));
      } else reply(500, fault('siram_20', 'Action inconnue'));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/lps`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
