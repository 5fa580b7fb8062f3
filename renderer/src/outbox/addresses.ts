/**
 * The "À" field of the compose: comma- (or semicolon-) separated addresses, checked before
 * anything leaves the renderer (main checks again with zod).
 */
export const MAX_RECIPIENTS = 50;

export type AddressParse =
  | { readonly ok: true; readonly addresses: readonly string[] }
  | { readonly ok: false; readonly error: 'empty' | 'too-many' }
  | { readonly ok: false; readonly error: 'invalid'; readonly address: string };

// Deliberately plain: one @, a dotted domain, no spaces; the server has the final word.
const ADDRESS = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+\.[^\s@,;<>"().]{2,}$/;

export function parseAddresses(text: string): AddressParse {
  const parts = text
    .split(/[,;]/)
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '');
  if (parts.length === 0) return { ok: false, error: 'empty' };
  const unique = [...new Set(parts)];
  if (unique.length > MAX_RECIPIENTS) return { ok: false, error: 'too-many' };
  const bad = unique.find((address) => address.length > 320 || !ADDRESS.test(address));
  if (bad !== undefined) return { ok: false, error: 'invalid', address: bad };
  return { ok: true, addresses: unique };
}
