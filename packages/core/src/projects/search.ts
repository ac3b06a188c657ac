/**
 * Japanese text search without a word splitter: text is NFKC-normalised (full-width ↔ half-width,
 * ｶﾅ → カナ), lower-cased, and indexed as overlapping character pairs (bigrams), the scheme pg_bigm
 * uses. A query matches when its bigrams are all present and the normalised text contains it.
 */
export function normalizeSearchText(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The distinct bigrams of a text (single characters for one-character words). */
export function searchGrams(value: string): string[] {
  const grams = new Set<string>();
  for (const word of normalizeSearchText(value).split(' ')) {
    const chars = Array.from(word);
    if (chars.length === 1) grams.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  }
  return [...grams];
}
