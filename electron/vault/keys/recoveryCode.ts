import { createHash, randomBytes } from 'node:crypto';

/**
 * The recovery code shown once at vault creation: 23 random Crockford-base32 characters
 * (115 bits) and one checksum character, printed as 6 groups of 4 ("7KQM-…"). Crockford's
 * alphabet has no I, L, O or U, and reading back maps O→0 and I/L→1, so a code copied by hand
 * survives the usual confusions; the checksum catches a typo before the (slow) KDF runs.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_CHARS = 23;

function checksumChar(data: string): string {
  const digest = createHash('sha256').update(`caducee-recovery:${data}`).digest();
  return ALPHABET[(digest[0] ?? 0) & 31] ?? '0';
}

export function generateRecoveryCode(): string {
  const bytes = randomBytes(DATA_CHARS);
  let data = '';
  for (const b of bytes) data += ALPHABET[b & 31];
  const code = data + checksumChar(data);
  return code.match(/.{4}/g)?.join('-') ?? code;
}

/** The canonical 24 characters, or null when the length or the checksum is wrong. */
export function normaliseRecoveryCode(input: string): string | null {
  const cleaned = input
    .toUpperCase()
    .replace(/[\s\-_.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (cleaned.length !== DATA_CHARS + 1 || ![...cleaned].every((c) => ALPHABET.includes(c))) return null;
  const data = cleaned.slice(0, DATA_CHARS);
  return checksumChar(data) === cleaned.slice(DATA_CHARS) ? cleaned : null;
}
