import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * The release code binds the pass to the verification call (DESIGN.md section 3, "Release code"):
 * the approver reads it out, the requester types it, and only then is the pass made and shown. The
 * requester's Teams session may be an attacker's; the call is the channel the approver verified.
 *
 * Letters only, so it can never be taken for a phone number, and none that sound or look alike when
 * read out (no B/D/P/T/V, no I/L/O, no M/N, no S/F). Two groups of three: `KRW-HAX`.
 */
export const RELEASE_CODE_ALPHABET = 'ACEGHJKRUWXYZ';
const GROUP_LENGTH = 3;
/** Wrong codes allowed before the request is held for the approver. */
export const RELEASE_CODE_MAX_TRIES = 3;

export function newReleaseCode(): string {
  const group = (): string =>
    Array.from(
      { length: GROUP_LENGTH },
      () => RELEASE_CODE_ALPHABET[randomInt(RELEASE_CODE_ALPHABET.length)],
    ).join('');
  return `${group()}-${group()}`;
}

/** What the person typed, in the form the code was issued in: full-width, lower case, spaces, any dash. */
export function normaliseReleaseCode(typed: string): string {
  const letters = typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
  return letters.length === GROUP_LENGTH * 2
    ? `${letters.slice(0, GROUP_LENGTH)}-${letters.slice(GROUP_LENGTH)}`
    : letters;
}

/**
 * Keyed and bound to the request, so a stored hash is useless without the key and cannot be replayed
 * on another request. Only this hash is stored; the code itself exists on the approver's card.
 */
export function hashReleaseCode(key: string, requestId: string, code: string): string {
  return createHmac('sha256', key)
    .update(`release-code\u0000${requestId}\u0000${normaliseReleaseCode(code)}`)
    .digest('base64url');
}

export function releaseCodeMatches(
  key: string,
  requestId: string,
  typed: string,
  storedHash: string,
): boolean {
  const given = Buffer.from(hashReleaseCode(key, requestId, typed));
  const expected = Buffer.from(storedHash);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Every spelling of a code worth keeping out of a transcript (what was issued, and typed variants). */
export function releaseCodeSpellings(code: string): string[] {
  const plain = code.replace(/-/g, '');
  return [code, plain, code.toLowerCase(), plain.toLowerCase()];
}
