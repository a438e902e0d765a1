/**
 * Masks personal data and secrets before text reaches a log line, a transcript or an audit record.
 *
 * Everything here runs on every log line, so it must be linear in the input: the phone detector is a
 * hand-written scanner (no regex can backtrack on it), and every regex below has bounded or mutually
 * exclusive repetitions.
 *
 * Phone-number rule (why these numbers):
 * A candidate is an optional `+` followed by digits, where digit groups may be separated by up to four
 * separator characters (spaces incl. full-width, every hyphen people type, dots, parentheses) and
 * invisible characters (zero-width, soft hyphen) may sit anywhere. Characters are folded with NFKC, so
 * full-width digits and `＋` count. Then, with D = number of digits:
 * - with `+`: D >= 7 is masked. E.164 numbers have at most 15 digits and the shortest real ones
 *   (Tokelau, Tristan da Cunha) have 7 with their country code; nothing else in our logs starts with
 *   `+` and has that many digits.
 * - grouped (a separator between digits, no `+`): D >= 8 is masked. 8-digit national numbers are
 *   common (Singapore, Hong Kong, the Nordics, the Gulf). More than 15 grouped digits are masked too,
 *   as one span: that is two numbers written side by side, and leaking is worse than over-masking.
 *   Exception: a single dot as the only separator is a decimal number.
 * - bare (digits only): 8..15 digits are masked, except compact dates (20261122) and runs starting
 *   with `1` that do not have exactly 11 digits. A `1` that starts a number written without `+` or
 *   trunk `0` is the NANP country code (always 11 digits with it) or a Chinese mobile (11 digits),
 *   whereas 10- and 13-digit runs starting with `1` are the epoch seconds / milliseconds and Teams
 *   activity ids that fill our logs. Longer bare runs are ids, not phone numbers.
 * Digits that directly follow an ASCII letter or `_`, and bare digits directly followed by one, are
 * part of an identifier (hex hashes, `0x8019019a`), unless the letters are a `TEL` label or an `ext`
 * follows. GUIDs, ISO dates and timestamps, and IPv4 addresses are recognised first and never scanned.
 *
 * Known gap: national numbers of fewer than 8 digits (small territories such as Aruba or Fiji,
 * "560 1234") are only masked when written with their `+` country code; without it they cannot be
 * told from counts, ports and postal codes.
 */

export interface RedactionOptions {
  /** Exact values to remove wherever they appear (e.g. an issued Temporary Access Pass). */
  readonly knownSecrets?: readonly string[];
  /** Extra deployment-specific patterns; every match becomes `[REDACTED]`. */
  readonly extraPatterns?: readonly RegExp[];
}

export const REDACTED = '[REDACTED]';

/** Secrets shorter than this would match inside ordinary words and numbers, so they are ignored. */
const MIN_SECRET_LENGTH = 6;
const MAX_DEPTH = 32;

// ---------------------------------------------------------------------------------------------------
// Phone characters. Exported so phone.ts accepts exactly the characters this scanner masks.

export type PhoneCharKind = 'digit' | 'plus' | 'separator' | 'ignorable' | 'other';

/** Invisible characters that people paste into numbers; NFKC leaves them in place. */
const IGNORABLE = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad]);

/**
 * Separators after NFKC folding. NFKC already maps full-width space, NBSP, `－`, `﹣`, `（`, `）`, `．`
 * and half-width `ｰ` onto these, but leaves the dashes, the minus sign and the katakana `ー` alone.
 */
const SEPARATORS = new Set([
  ' ',
  '-',
  '.',
  '(',
  ')',
  '\u2010', // ‐ hyphen (NFKC of the non-breaking hyphen ‑)
  '\u2012', // ‒
  '\u2013', // –
  '\u2014', // —
  '\u2015', // ―
  '\u2212', // − minus sign
  '\u30fc', // ー katakana prolonged sound mark, typed by Japanese IMEs for a hyphen
]);

function kindOfFolded(folded: string): PhoneCharKind {
  if (folded.length === 1) {
    const c = folded.charCodeAt(0);
    if (c >= 0x30 && c <= 0x39) return 'digit';
    if (c === 0x2b) return 'plus';
  }
  return SEPARATORS.has(folded) ? 'separator' : 'other';
}

const ASCII_KINDS: readonly PhoneCharKind[] = Array.from({ length: 0x80 }, (_, c) =>
  kindOfFolded(String.fromCharCode(c)),
);
const kindCache = new Map<number, PhoneCharKind>();
const KIND_CACHE_LIMIT = 4096;

function kindOfCodePoint(code: number): PhoneCharKind {
  if (code < 0x80) return ASCII_KINDS[code] ?? 'other';
  if (IGNORABLE.has(code)) return 'ignorable';
  // Kana and kanji fill Japanese text and never fold to a phone character (except ー, handled below),
  // so they skip the comparatively slow normalize() call.
  if ((code >= 0x3040 && code <= 0x30fb) || (code >= 0x4e00 && code <= 0x9fff)) return 'other';
  const cached = kindCache.get(code);
  if (cached !== undefined) return cached;
  const kind = kindOfFolded(String.fromCodePoint(code).normalize('NFKC'));
  if (kindCache.size < KIND_CACHE_LIMIT) kindCache.set(code, kind);
  return kind;
}

/** How one character (a single code point) counts inside a phone number. */
export function phoneCharKind(ch: string): PhoneCharKind {
  const code = ch.codePointAt(0);
  return code === undefined ? 'other' : kindOfCodePoint(code);
}

/** The ASCII form of a digit or plus character (`９` → `9`, `＋` → `+`); other characters unchanged. */
export function foldPhoneChar(ch: string): string {
  const kind = phoneCharKind(ch);
  return kind === 'digit' || kind === 'plus' ? ch.normalize('NFKC') : ch;
}

// ---------------------------------------------------------------------------------------------------
// Phone scanner

interface Range {
  start: number;
  end: number;
}

/**
 * Things that look like grouped digits but are not phone numbers. Each pattern has fixed-width
 * repetitions only, so matching stays linear.
 */
const PROTECTED_PATTERNS: readonly RegExp[] = [
  // GUIDs, including all-digit ones: object ids, tenant ids, Graph request-ids.
  /(?<![0-9a-z])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-z])/gi,
  // ISO dates and timestamps (2026-11-22, 2026-11-22T23:41:09.123Z, 2026-11-22 09:00+09:00), also with . or /.
  /(?<!\d)(?:19|20)\d{2}([-./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?(?!\d)/g,
  // Day-first and month-first dates (22.11.2026, 11-22-2026).
  /(?<!\d)\d{1,2}([-./])\d{1,2}\1(?:19|20)\d{2}(?!\d)/g,
  // Dates with a month name, as Date.prototype.toString writes them (Sun Nov 22 2026 23:41:09).
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.? \d{1,2},? (?:19|20)\d{2}(?: \d{2}:\d{2})?/gi,
  // IPv4 addresses (ports after them are too short to matter).
  /(?<!\d\.|\d)(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)/g,
];

function findProtectedRanges(text: string): Range[] {
  const ranges: Range[] = [];
  for (const pattern of PROTECTED_PATTERNS) {
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      ranges.push({ start: match.index, end: match.index + match[0].length });
    }
  }
  ranges.sort((a, b) => a.start - b.start);
  return ranges;
}

function isAsciiWordChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x5f
  );
}

function isDigitCode(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

const OTHER_DIGIT = /^\p{Nd}$/u;

interface CharInfo {
  kind: PhoneCharKind;
  /** ASCII digit for digits, '' otherwise. */
  digit: string;
  width: number;
}

function charAt(text: string, index: number): CharInfo {
  const code = text.codePointAt(index) ?? 0;
  const width = code > 0xffff ? 2 : 1;
  let kind = kindOfCodePoint(code);
  let digit = '';
  if (kind === 'digit') {
    digit = code < 0x80 ? (text[index] ?? '') : String.fromCodePoint(code).normalize('NFKC');
  } else if (kind === 'other' && code >= 0x80 && OTHER_DIGIT.test(String.fromCodePoint(code))) {
    // Arabic-Indic and other script digits: phone.ts refuses them, but a person may still type them,
    // so they count towards the length here. Their value is not needed beyond the last two digits.
    kind = 'digit';
    digit = String.fromCodePoint(code);
  }
  return { kind, digit, width };
}

/** The code point before `index`, skipping invisible characters; -1 at the start. */
function previousCode(text: string, index: number): { code: number; index: number } {
  let i = index - 1;
  while (i >= 0) {
    let code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff && i > 0) {
      i -= 1;
      code = text.codePointAt(i) ?? code;
    }
    if (!IGNORABLE.has(code)) return { code, index: i };
    i -= 1;
  }
  return { code: -1, index: -1 };
}

function nextCode(text: string, index: number): number {
  let i = index;
  while (i < text.length) {
    const code = text.codePointAt(i) ?? -1;
    if (!IGNORABLE.has(code)) return code;
    i += code > 0xffff ? 2 : 1;
  }
  return -1;
}

const EXTENSION_AFTER = /^(?:ext|x)\.?\s?\d/i;
/**
 * Longest run of separators inside one number (`) - ` in `(090) - 1234`). phone.ts refuses longer
 * runs, so every number it accepts is masked here as one piece.
 */
export const MAX_PHONE_SEPARATOR_RUN = 4;

interface Candidate {
  start: number;
  /** End of the last digit (exclusive). */
  end: number;
  /** Where scanning stopped; the next candidate cannot start before it. */
  scanEnd: number;
  digitCount: number;
  /** The digits in ASCII, up to 16 of them (enough to decide). */
  digits: string;
  lastTwo: string;
  hasPlus: boolean;
  grouped: boolean;
  onlySingleDot: boolean;
}

function scanCandidate(text: string, start: number, limit: number): Candidate {
  const first = charAt(text, start);
  const hasPlus = first.kind === 'plus';
  let i = hasPlus ? start + first.width : start;
  let digitCount = 0;
  let digits = '';
  let lastTwo = '';
  let end = start;
  let separatorRun = 0;
  let pendingDots = 0;
  let pendingOthers = 0;
  let dots = 0;
  let otherSeparators = 0;
  while (i < limit) {
    const info = charAt(text, i);
    if (info.kind === 'digit') {
      if (digitCount > 0) {
        dots += pendingDots;
        otherSeparators += pendingOthers;
      }
      pendingDots = 0;
      pendingOthers = 0;
      separatorRun = 0;
      if (digitCount < 16) digits += info.digit;
      digitCount += 1;
      lastTwo = (lastTwo + info.digit).slice(-2);
      end = i + info.width;
    } else if (info.kind === 'separator') {
      separatorRun += 1;
      if (separatorRun > MAX_PHONE_SEPARATOR_RUN) break;
      if (text[i] === '.' || text[i] === '\uff0e') pendingDots += 1;
      else pendingOthers += 1;
    } else if (info.kind !== 'ignorable') {
      // Another `+` starts the next number; anything else ends this one.
      break;
    }
    i += info.width;
  }
  return {
    start,
    end,
    scanEnd: Math.max(end, start + first.width),
    digitCount,
    digits,
    lastTwo,
    hasPlus,
    grouped: dots + otherSeparators > 0,
    onlySingleDot: dots === 1 && otherSeparators === 0,
  };
}

/** yyyymmdd between 1900 and 2099. */
const COMPACT_DATE = /^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/;

function looksLikePhone(c: Candidate): boolean {
  const d = c.digitCount;
  if (c.hasPlus) return d >= 7;
  if (c.grouped) return !c.onlySingleDot && d >= 8;
  if (d < 8 || d > 15) return false;
  if (c.digits.startsWith('1')) return d === 11;
  return d > 8 || !COMPACT_DATE.test(c.digits);
}

function leftBoundaryAllows(text: string, index: number): boolean {
  const prev = previousCode(text, index);
  if (prev.code < 0) return true;
  if (isAsciiWordChar(prev.code)) {
    // `TEL09012345678` is a label, not an identifier.
    return /tel$/i.test(text.slice(Math.max(0, prev.index - 2), prev.index + 1));
  }
  // The fractional part of a number (`12:34:56.789012345`) is not a phone number.
  if (prev.code === 0x2e || prev.code === 0x2c) {
    const before = previousCode(text, prev.index);
    if (before.code >= 0 && isDigitCode(before.code)) return false;
  }
  return true;
}

function rightBoundaryAllows(text: string, c: Candidate): boolean {
  if (c.hasPlus || c.grouped) return true;
  const next = nextCode(text, c.end);
  if (next < 0 || !isAsciiWordChar(next)) return true;
  return EXTENSION_AFTER.test(text.slice(c.end, c.end + 8));
}

function phoneMask(lastTwo: string): string {
  return `[phone •••${lastTwo}]`;
}

const NUMBER_START: ReadonlySet<PhoneCharKind> = new Set(['digit', 'plus']);

function maskPhones(text: string): string {
  // Most strings of a card hold no digit, and the protected-range patterns are the costly part;
  // every character before the first digit or plus sign would only be skipped.
  let i = 0;
  while (i < text.length && !NUMBER_START.has(charAt(text, i).kind)) i += charAt(text, i).width;
  if (i >= text.length) return text;
  const ranges = findProtectedRanges(text);
  let rangeIndex = 0;
  let out = '';
  let copiedUpTo = 0;
  while (i < text.length) {
    while (rangeIndex < ranges.length && (ranges[rangeIndex]?.end ?? 0) <= i) rangeIndex += 1;
    const range = ranges[rangeIndex];
    if (range !== undefined && range.start <= i) {
      i = range.end;
      continue;
    }
    const info = charAt(text, i);
    if ((info.kind !== 'digit' && info.kind !== 'plus') || !leftBoundaryAllows(text, i)) {
      // A rejected digit is glued to a word; skip the whole run so its inner digits are not retried.
      i += info.width;
      if (info.kind === 'digit') {
        while (i < text.length && charAt(text, i).kind === 'digit') i += charAt(text, i).width;
      }
      continue;
    }
    const limit = range === undefined ? text.length : range.start;
    const candidate = scanCandidate(text, i, limit);
    const isPhone =
      candidate.digitCount > 0 && looksLikePhone(candidate) && rightBoundaryAllows(text, candidate);
    if (isPhone) {
      let start = candidate.start;
      const masked = text.slice(start, candidate.end);
      const prev = text[start - 1];
      // Take the opening parenthesis of `(090) 1234 5678` along, so no lone bracket is left behind.
      if ((prev === '(' || prev === '\uff08') && /^[^(（]*[)）]/.test(masked)) start -= 1;
      out += text.slice(copiedUpTo, start) + phoneMask(candidate.lastTwo);
      copiedUpTo = candidate.end;
    }
    i = candidate.scanEnd;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

// ---------------------------------------------------------------------------------------------------
// Secrets in text

const SENSITIVE_EXACT = new Set([
  'pass',
  'passwd',
  'pwd',
  'passcode',
  'tap',
  'authorization',
  'proxyauthorization',
  'sig',
  'signature',
  'assertion',
  'sas',
]);

const SENSITIVE_SUFFIXES: readonly string[] = [
  'password',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'accesskey',
  'accountkey',
  'sharedaccesskey',
  'signingkey',
  'hmackey',
  'auditkey',
  'encryptionkey',
  'connectionstring',
  'cookie',
  'accesspass',
  'passphrase',
  'clientassertion',
  'credential',
  'credentials',
];

/**
 * Whether a property or parameter name holds a secret. Names are compared without case and
 * punctuation (`access_token`, `Access-Token` and `accessToken` are one name). Only whole words at
 * the end count, so `passed`, `passive`, `compass` and `bypassCount` are ordinary keys.
 */
export function isSensitiveKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (SENSITIVE_EXACT.has(normalised)) return true;
  return SENSITIVE_SUFFIXES.some((suffix) => normalised.endsWith(suffix));
}

const AUTHORIZATION_HEADER =
  /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)(?:(bearer|basic|negotiate|ntlm|digest|pop)\s+)?[^\s"',;]+/gi;
/** `https://user:password@host`: the user name may stay, the password may not. */
const URL_CREDENTIALS = /(\/\/[^/\s:@]+:)[^/\s@]+@/g;
const COOKIE_HEADER = /\b((?:set-)?cookie)(\s*:\s*)[^\r\n]+/gi;
const BEARER = /\bbearer\s+[A-Za-z0-9\-._~+/]{16,}=*/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** Headers with their own rule above; the plain-pair rule would take the scheme name for the value. */
const HEADER_KEYS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
/** `"key": "value"` as it appears in serialised JSON; the value length is bounded to stay linear. */
const JSON_PAIR = /"([A-Za-z0-9_.-]{1,64})"(\s*:\s*)"(?:[^"\\\r\n]|\\.){0,4096}"/g;
/** `key=value` in query strings, form bodies and connection strings, and `key: value` in messages. */
const PLAIN_PAIR = /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,64})(=|:[ \t]*)([^\s"'&;,]+)/g;

function redactSecrets(text: string): string {
  // Every pattern below needs one of these, so text without any has nothing to redact.
  if (!/[:=]|eyJ|bearer/i.test(text)) return text;
  return text
    .replace(AUTHORIZATION_HEADER, (_m, name: string, sep: string, scheme: string | undefined) =>
      scheme === undefined ? `${name}${sep}${REDACTED}` : `${name}${sep}${scheme} ${REDACTED}`,
    )
    .replace(URL_CREDENTIALS, `$1${REDACTED}@`)
    .replace(COOKIE_HEADER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(BEARER, (m) => `${m.slice(0, 6)} ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(JSON_PAIR, (m, key: string, sep: string) =>
      isSensitiveKey(key) ? `"${key}"${sep}"${REDACTED}"` : m,
    )
    .replace(PLAIN_PAIR, (m, key: string, sep: string, value: string) =>
      isSensitiveKey(key) && !HEADER_KEYS.has(key.toLowerCase()) && !value.startsWith('[')
        ? `${key}${sep}${REDACTED}`
        : m,
    );
}

function removeKnownSecrets(text: string, secrets: readonly string[] | undefined): string {
  if (secrets === undefined || secrets.length === 0) return text;
  // Longest first, so a secret that contains another is removed whole.
  const usable = secrets
    .filter((s) => typeof s === 'string' && s.trim().length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of usable) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

function applyExtraPatterns(text: string, patterns: readonly RegExp[] | undefined): string {
  if (patterns === undefined) return text;
  let out = text;
  for (const pattern of patterns) {
    const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
    global.lastIndex = 0;
    out = out.replace(global, REDACTED);
  }
  return out;
}

/** Masks phone numbers (keeping the last two digits), tokens, known secrets and configured patterns. */
export function redactText(text: string, options: RedactionOptions = {}): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  let out = removeKnownSecrets(text, options.knownSecrets);
  out = applyExtraPatterns(out, options.extraPatterns);
  out = redactSecrets(out);
  return maskPhones(out);
}

// ---------------------------------------------------------------------------------------------------
// Deep redaction

function defineValue(target: object, key: PropertyKey, value: unknown): void {
  // defineProperty, not assignment: a `__proto__` key in logged data must not change the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function readProperty(source: object, key: string): unknown {
  try {
    return (source as Record<string, unknown>)[key];
  } catch {
    return '[Unreadable]';
  }
}

class DeepRedactor {
  private readonly onPath = new Set<object>();
  private readonly done = new Map<object, unknown>();

  constructor(private readonly options: RedactionOptions) {}

  copy(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return redactText(value, this.options);
    if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
    if (typeof value !== 'object' || value === null) return value;
    if (this.onPath.has(value)) return '[Circular]';
    const known = this.done.get(value);
    if (known !== undefined) return known;
    if (depth >= MAX_DEPTH) return '[Truncated]';

    this.onPath.add(value);
    try {
      const copied = this.copyObject(value, depth);
      this.done.set(value, copied);
      return copied;
    } finally {
      this.onPath.delete(value);
    }
  }

  private copyObject(value: object, depth: number): unknown {
    if (value instanceof Date) return new Date(value.getTime());
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      // Bytes are never logged: they may hold anything, and they are noise in a log line.
      return `[Binary ${value.byteLength} bytes]`;
    }
    if (value instanceof RegExp) return value.toString();
    if (value instanceof URL) return redactText(value.toString(), this.options);
    if (Array.isArray(value)) return value.map((item: unknown) => this.copy(item, depth + 1));
    if (value instanceof Map) {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of value as Map<unknown, unknown>) {
        const sensitive = typeof k === 'string' && isSensitiveKey(k);
        out.set(this.copy(k, depth + 1), sensitive ? this.hide(v) : this.copy(v, depth + 1));
      }
      return out;
    }
    if (value instanceof Set) {
      return new Set([...(value as Set<unknown>)].map((item) => this.copy(item, depth + 1)));
    }
    if (value instanceof Error) return this.copyError(value, depth);
    const out: Record<string, unknown> = {};
    this.copyOwnProperties(value, out, depth);
    return out;
  }

  private copyError(error: Error, depth: number): Error {
    // Keep the prototype so `instanceof AppError` and the logger's error serializer still work.
    const out = Object.create(Object.getPrototypeOf(error) as object) as Error;
    defineValue(out, 'name', error.name);
    defineValue(out, 'message', redactText(error.message, this.options));
    if (error.stack !== undefined) defineValue(out, 'stack', redactText(error.stack, this.options));
    if (error.cause !== undefined) defineValue(out, 'cause', this.copy(error.cause, depth + 1));
    this.copyOwnProperties(error, out, depth, new Set(['name', 'message', 'stack', 'cause']));
    return out;
  }

  private copyOwnProperties(
    source: object,
    target: object,
    depth: number,
    skip: ReadonlySet<string> = new Set(),
  ): void {
    for (const key of Object.keys(source)) {
      if (skip.has(key)) continue;
      const raw = readProperty(source, key);
      const value = isSensitiveKey(key) ? this.hide(raw) : this.copy(raw, depth + 1);
      defineValue(target, redactText(key, this.options), value);
    }
  }

  private hide(value: unknown): unknown {
    // null and undefined say "not set", which is useful and reveals nothing.
    return value === null || value === undefined ? value : REDACTED;
  }
}

/**
 * A redacted deep copy: strings go through {@link redactText}, values under sensitive keys become
 * `[REDACTED]`, cycles become `[Circular]`, binary data becomes a byte count. The input is never
 * changed. Class instances other than errors, dates, maps and sets come back as plain objects.
 */
export function redactDeep<T>(value: T, options: RedactionOptions = {}): T {
  return new DeepRedactor(options).copy(value, 0) as T;
}
