import { checkMatricule, type InsMatricule } from './insMatricule.js';
import { checkTraits, type StrictTraits } from './strictTraits.js';
import { asArray, parseXmlSafely, pick, text } from './xmlSafe.js';

/**
 * An answer of the INSi teleservice, as parsed from its SOAP response (RESULTAT of namespace
 * http://www.cnamts.fr/INSiResultat: `CR{CodeCR, LibelleCR}`, `INDIVIDU{INSACTIF, INSHISTO*,
 * TIQ}`; shaped like the padoa/tlsi-ins fixtures).
 *
 * The constructor is private to this module: the ONLY way to obtain an `InsiAnswer` is to parse a
 * SOAP response with `parseInsiResponse`. The registry accepts nothing else to move an identity
 * to "récupérée" (`isInsiAnswer` checks a module-private WeakSet, so a look-alike object fails).
 */
export type InsiCode = '00' | '01' | '02';
export type InsiOperation = 'recherche' | 'verification';

export interface InsiIns extends InsMatricule {
  readonly oid: string;
}
export interface InsiHistoricIns extends InsiIns {
  readonly from: string | null;
  readonly to: string | null;
}
export interface InsiIdentity {
  readonly ins: InsiIns;
  /** Previous matricules (INSHISTO), the active one included when INSi repeats it. */
  readonly history: readonly InsiHistoricIns[];
  readonly traits: StrictTraits;
}

export class InsiAnswerError extends Error {
  override name = 'InsiAnswerError';
  constructor(readonly reason: 'not-a-result' | 'unknown-code' | 'identity-malformed' | 'key-mismatch') {
    super(`INSi answer refused: ${reason}`);
  }
}

const genuine = new WeakSet<object>();
/** Never exported: without it the constructor throws, so answers cannot be fabricated. */
const CONSTRUCTING: unique symbol = Symbol('insi-answer');

export class InsiAnswer {
  constructor(
    token: typeof CONSTRUCTING,
    readonly operation: InsiOperation,
    readonly code: InsiCode,
    readonly label: string,
    readonly identity: InsiIdentity | null,
    readonly receivedAt: number,
  ) {
    if (token !== CONSTRUCTING) throw new TypeError('InsiAnswer comes from parseInsiResponse only');
    Object.freeze(this);
    genuine.add(this);
  }
}

const build = (operation: InsiOperation, code: InsiCode, label: string, identity: InsiIdentity | null, at: number) =>
  new InsiAnswer(CONSTRUCTING, operation, code, label, identity, at);

export function isInsiAnswer(value: unknown): value is InsiAnswer {
  return typeof value === 'object' && value !== null && genuine.has(value);
}

function readIns(node: unknown): InsiIns {
  const num = text(pick(node, 'IdIndividu', 'NumIdentifiant')) ?? '';
  const key = text(pick(node, 'IdIndividu', 'Cle')) ?? '';
  const oid = text(pick(node, 'OID')) ?? '';
  const check = checkMatricule(num, key);
  if (!check.ok) throw new InsiAnswerError(check.refusal === 'matricule-key' ? 'key-mismatch' : 'identity-malformed');
  if (oid === '') throw new InsiAnswerError('identity-malformed');
  return { ...check.value, oid };
}

/**
 * Parses an INSi SOAP 1.2 response body. Throws `InsiAnswerError` on anything that is not a
 * RESULTAT with a known code, or on a 00 whose identity is malformed (INSi's own matricule with
 * a wrong key is refused too: an identity we cannot check is not stored).
 */
export function parseInsiResponse(xml: string, operation: InsiOperation, receivedAt: number): InsiAnswer {
  const doc = parseXmlSafely(xml, { arrays: ['INSHISTO'] });
  const result = pick(doc, 'Envelope', 'Body', 'RESULTAT');
  if (result === undefined) throw new InsiAnswerError('not-a-result');
  const code = text(pick(result, 'CR', 'CodeCR'));
  const label = text(pick(result, 'CR', 'LibelleCR')) ?? '';
  if (code !== '00' && code !== '01' && code !== '02') throw new InsiAnswerError('unknown-code');
  if (code !== '00') return build(operation, code, label, null, receivedAt);

  const individu = pick(result, 'INDIVIDU');
  const tiq = pick(individu, 'TIQ');
  const traits = checkTraits(
    {
      birthName: text(pick(tiq, 'NomNaissance')) ?? '',
      firstNames: text(pick(tiq, 'ListePrenom')) ?? text(pick(tiq, 'Prenom')) ?? '',
      sex: text(pick(tiq, 'Sexe')) ?? '',
      birthDate: text(pick(tiq, 'DateNaissance')) ?? '',
      birthPlace: text(pick(tiq, 'LieuNaissance')) ?? null,
    },
    new Date(receivedAt),
  );
  if (!traits.ok) throw new InsiAnswerError('identity-malformed');
  const { usedName: _u, usedFirstName: _f, ...strict } = traits.traits;
  // A past matricule that does not check out is dropped, not fatal: history only ever leads to
  // asking the user, while the active INS must be flawless.
  const history = asArray(pick(individu, 'INSHISTO')).flatMap((h) => {
    try {
      return [{ ...readIns(h), from: text(pick(h, 'DateDeb')) ?? null, to: text(pick(h, 'DateFin')) ?? null }];
    } catch {
      return [];
    }
  });
  return build(operation, code, label, { ins: readIns(pick(individu, 'INSACTIF')), history, traits: strict }, receivedAt);
}
