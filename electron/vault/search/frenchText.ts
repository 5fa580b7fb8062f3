/**
 * French-aware text for the FTS5 index. The tokenizer (`unicode61 remove_diacritics 2`) already
 * folds case and accents ("Échographie" ≡ "echographie"); what it cannot do is drop elided
 * articles and pronouns: "l’arbre" would index a stray token "l". The same normalisation runs
 * on indexed text and on queries, so "l'arbre", "L’arbre" and "arbre" all meet.
 */

// Elided forms, matched at the start of a word only ("aujourd'hui" keeps its "d").
const ELISION = /(?<![\p{L}\p{N}])(?:jusqu|lorsqu|puisqu|quoiqu|qu|[ldjnsmtc])['’‘ʼ](?=[\p{L}\p{N}])/giu;

export function normaliseForIndex(text: string): string {
  return text.replace(ELISION, '');
}

/** Tokens as the user typed them, elisions removed; a trailing `*` asks for a prefix match. */
function queryTokens(input: string): { word: string; prefix: boolean }[] {
  const tokens: { word: string; prefix: boolean }[] = [];
  const re = /([\p{L}\p{N}]+)(\*?)/gu;
  for (const m of normaliseForIndex(input).matchAll(re)) {
    const word = m[1];
    if (word !== undefined) tokens.push({ word, prefix: m[2] === '*' });
  }
  return tokens;
}

/**
 * Builds an FTS5 MATCH expression from what the user typed: every word must appear (AND), each
 * quoted so no input can inject FTS5 syntax (NEAR, column filters, …). `autocomplete` makes the
 * last word a prefix, as the search box does while typing. Returns null when nothing is left.
 */
export function buildMatchQuery(input: string, options: { autocomplete?: boolean } = {}): string | null {
  const tokens = queryTokens(input);
  if (tokens.length === 0) return null;
  return tokens
    .map((t, i) => {
      const prefix = t.prefix || (options.autocomplete === true && i === tokens.length - 1);
      return `"${t.word}"${prefix ? '*' : ''}`;
    })
    .join(' AND ');
}
