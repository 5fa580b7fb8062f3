/**
 * The INS matricule: a NIR (numéro d'inscription au répertoire) or a NIA (numéro
 * d'identification d'attente), 13 characters + a 2-digit control key.
 *
 * Key = 97 − (the 13 characters read as a number, mod 97), written on two digits.
 * Corsica: the department "2A" / "2B" (characters 6–7) is replaced by 19 / 18 before computing
 * (STANDARDS.md §5, checked on ANS test numbers). Whether the NIA uses the very same key rule is
 * [UNCONFIRMED] in our sources; we apply it to both (the INSi NIA test answer TEST_2.05 checks
 * out with it) and say so in the refusal message when it fails.
 */

/** 13 characters: a sex/kind digit, then year, month, department (2A/2B allowed), commune, order. */
const MATRICULE_13 = /^[1-8]\d{4}(?:\d{2}|2[AB])\d{6}$/;

export interface InsMatricule {
  /** 13 characters, upper case (2A / 2B kept as written). */
  readonly matricule: string;
  /** 2 digits. */
  readonly key: string;
}

export type MatriculeRefusal = 'matricule-format' | 'matricule-key';

export type MatriculeCheck =
  | { readonly ok: true; readonly value: InsMatricule }
  | { readonly ok: false; readonly refusal: MatriculeRefusal; readonly message: string };

/** The 13 characters as a number, Corsica replaced; null when the shape is wrong. */
function numericValue(matricule: string): number | null {
  if (!MATRICULE_13.test(matricule)) return null;
  const digits = matricule.slice(0, 5) + matricule.slice(5, 7).replace('2A', '19').replace('2B', '18') + matricule.slice(7);
  // 10^13 < 2^53: exact in a double, no BigInt needed.
  return Number(digits);
}

/** The control key of a 13-character matricule ("78"), or null if the shape is wrong. */
export function computeInsKey(matricule: string): string | null {
  const n = numericValue(matricule.toUpperCase());
  if (n === null) return null;
  return String(97 - (n % 97)).padStart(2, '0');
}

/** Drops spaces (people type "2 97 02 2A 020 778 78"), folds 2a → 2A. */
function clean(input: string): string {
  return input.replace(/[\s.]/g, '').toUpperCase();
}

/**
 * Checks a matricule and its key. Accepts either the 15 characters together or the 13 + the key
 * apart (the INSi answer and the CSV carry them apart; XDS/CDA carry them together).
 */
export function checkMatricule(input: string, key?: string): MatriculeCheck {
  const all = clean(input) + (key === undefined ? '' : clean(key));
  const matricule = all.slice(0, 13);
  const givenKey = all.slice(13);
  if (all.length !== 15 || !/^\d{2}$/.test(givenKey) || numericValue(matricule) === null) {
    return {
      ok: false,
      refusal: 'matricule-format',
      message: 'Matricule INS mal formé : 13 caractères (chiffres, 2A ou 2B pour la Corse) suivis d’une clé de 2 chiffres sont attendus.',
    };
  }
  const expected = computeInsKey(matricule);
  if (expected !== givenKey) {
    return {
      ok: false,
      refusal: 'matricule-key',
      message: 'La clé du matricule INS ne correspond pas au numéro : erreur de saisie ou numéro altéré. L’identité n’est pas utilisée.',
    };
  }
  return { ok: true, value: { matricule, key: givenKey } };
}

/** "297022A02077878": the form used in XDS patientId, CDA id/@extension and the vault. */
export function formatIns(value: InsMatricule): string {
  return value.matricule + value.key;
}

/** NIR or NIA are told apart by the OID, never by the digits: this only masks for display. */
export function maskIns(value: InsMatricule): string {
  return `${value.matricule.slice(0, 1)} •• •• •• ••• ${value.matricule.slice(10)} ${value.key}`;
}
