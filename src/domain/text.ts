/**
 * What a person typed, in the one form every comparison uses: full-width and half-width alike
 * (NFKC), no invisible characters, no closing punctuation, single spaces, lower case.
 */
export function normaliseTypedText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .trim()
    .replace(/[。.!！?？]+$/u, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}
