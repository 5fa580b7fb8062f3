/**
 * The recipients of the compose window as a list of addresses: what was typed is split on
 * commas and semicolons, trimmed, lower-cased, checked and added once. The server has the final
 * word on an address; this only stops what cannot be one.
 */
export const MAX_RECIPIENTS = 50;

// Deliberately plain: one @, a dotted domain, no spaces (the same rule as the compose's).
const ADDRESS = /^[^\s@,;<>"()]+@[^\s@,;<>"()]+\.[^\s@,;<>"().]{2,}$/;

export function isAddress(text: string): boolean {
  return text.length <= 320 && ADDRESS.test(text);
}

export type AddOutcome =
  | { readonly ok: true; readonly value: string[] }
  | { readonly ok: false; readonly error: 'invalid'; readonly address: string; readonly value: string[] }
  | { readonly ok: false; readonly error: 'too-many'; readonly value: string[] };

/** Adds what was typed (one address or several); stops at the first invalid one, keeping those before. */
export function addTyped(current: readonly string[], typed: string): AddOutcome {
  const value = [...current];
  for (const part of typed.split(/[,;]/)) {
    const address = part.trim().toLowerCase();
    if (address === '') continue;
    if (!isAddress(address)) return { ok: false, error: 'invalid', address, value };
    if (value.includes(address)) continue;
    if (value.length >= MAX_RECIPIENTS) return { ok: false, error: 'too-many', value };
    value.push(address);
  }
  return { ok: true, value };
}

export function removeAt(current: readonly string[], index: number): string[] {
  return current.filter((_, i) => i !== index);
}

/** Autocompletion waits for this many characters (one letter matches half the directory). */
export const MIN_QUERY = 2;
