/**
 * How names are compared (and how INSi wants them written).
 *
 * Rules we follow (INSi request format and RNIV annex on traits; the sources we could read are
 * digests, so each rule says how sure we are):
 * 1. Upper case (INSi: "names are upper case" — confirmed by every INSi request and answer).
 * 2. Diacritics removed: É→E, Ç→C, Ÿ→Y (INSi answers carry none — confirmed by the fixtures).
 * 3. Ligatures expanded: Œ→OE, Æ→AE (INSi test request "COEUR" for Cœur — seen in a third-party
 *    fixture; ß→SS is our choice [UNCONFIRMED]).
 * 4. Apostrophes of any shape (’ ‘ ʼ ` ´) become ' (INSi test request "D'AEION" keeps the
 *    apostrophe — seen in a third-party fixture).
 * 5. Hyphens of any shape (‐ ‑ – —) become -, spaces around a hyphen or an apostrophe are removed,
 *    runs of spaces become one, ends are trimmed. [UNCONFIRMED: our reading of the RNIV typing
 *    rules; "JEAN - PIERRE" is clearly a typing variant of "JEAN-PIERRE".]
 * 6. Any other character (digits, dots, commas…) becomes a space. [UNCONFIRMED]
 *
 * Two levels of equality:
 * - `canonicalName` (rules 1–6): equality here is what an automatic attachment requires.
 * - `looseNameKey`: canonical, then hyphens, apostrophes and spaces dropped ("JEAN PIERRE" ≈
 *   "JEAN-PIERRE", "DAEION" ≈ "D'AEION"). Only ever a reason to ASK the user, never to attach:
 *   a hyphen can separate two people's names.
 */

const APOSTROPHES = /[’‘ʼ`´′]/g;
const HYPHENS = /[‐‑‒–—―−]/g;

export function canonicalName(input: string): string {
  return input
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[œŒ]/g, 'OE')
    .replace(/[æÆ]/g, 'AE')
    .replace(/ß/g, 'SS')
    .replace(APOSTROPHES, "'")
    .replace(HYPHENS, '-')
    .toUpperCase()
    .replace(/[^A-Z'\- ]/g, ' ')
    .replace(/\s*([-'])\s*/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export function looseNameKey(input: string): string {
  return canonicalName(input).replace(/[-' ]/g, '');
}

/**
 * The list of first names. INSi's `ListePrenom` separates them with spaces and keeps hyphens
 * inside a composed first name ("PIERRE-ALAIN MURIEL FLORIANT" is three first names); a CDA or
 * a form gives them one by one. The first one is the "premier prénom de naissance".
 */
export function splitFirstNames(input: string | readonly string[]): string[] {
  const parts = typeof input === 'string' ? [input] : input;
  return parts.flatMap((p) => canonicalName(p).split(' ')).filter((p) => p !== '' && p !== '-' && p !== "'");
}

/** Searchable words of a name: canonical, split on spaces, hyphens and apostrophes. */
export function searchWords(input: string): string[] {
  return canonicalName(input)
    .split(/[-' ]/)
    .filter((w) => w.length > 0);
}

/** A name that INSi would accept: letters, single inner spaces, hyphens, apostrophes. */
export function isWellFormedName(canonical: string): boolean {
  return /^[A-Z]+(?:[ '-][A-Z]+)*$/.test(canonical);
}
