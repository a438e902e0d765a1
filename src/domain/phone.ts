/**
 * Parsing of the new phone number a person types, and how it is shown and sent to Graph.
 *
 * The `max` metadata is needed: the default build cannot tell a mobile number from a landline, and
 * only numbers that can receive an SMS are useful as an MFA method.
 */
import {
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber as LibPhoneNumber } from 'libphonenumber-js/max';
import { foldPhoneChar, MAX_PHONE_SEPARATOR_RUN, phoneCharKind } from './redaction';

export type { CountryCode };

/** A number split the way Graph wants it: sent as `+{countryCode} {nationalNumber}`. */
export interface PhoneNumber {
  /** Digits only, no `+`: `81`. */
  countryCode: string;
  /** Digits only, without the trunk prefix: `9012345678`. */
  nationalNumber: string;
}

/** `+81 9012345678` (the record's `graph` form) → `{ countryCode: '81', nationalNumber: '9012345678' }`. */
export function toPhoneNumber(graph: string): PhoneNumber | undefined {
  const match = /^\+([1-9]\d{0,2}) (\d{4,15})$/.exec(graph.trim());
  if (match === null) return undefined;
  return { countryCode: match[1], nationalNumber: match[2] };
}

/** Line types an SMS can reach. FIXED_LINE_OR_MOBILE is what NANP numbers always are. */
export type SmsLineType = 'MOBILE' | 'FIXED_LINE_OR_MOBILE';

export interface ParsedPhone {
  /** `+819012345678` */
  readonly e164: string;
  /** `+81 9012345678`: the form Graph's phone authentication methods expect. */
  readonly graph: string;
  /** `+81 90-1234-5678`: the national grouping after the country code, as the glossary shows it. */
  readonly international: string;
  /** `090-1234-5678`: how people in that country write it. */
  readonly national: string;
  readonly countryCallingCode: string;
  readonly region: CountryCode;
  readonly lineType: SmsLineType;
  /** The only part of the number that may outlive an open request. */
  readonly lastTwo: string;
}

/** Why a number was refused. A code, not prose: the bot localises it. */
export type PhoneRejectReason =
  | 'EMPTY'
  | 'TOO_LONG'
  | 'TOO_SHORT'
  /** Vanity numbers (1-800-FLOWERS): a code cannot be typed from letters, and they are easily mistyped. */
  | 'LETTERS'
  | 'HAS_EXTENSION'
  /** Anything that is not a digit, `+`, a separator or an extension (e.g. words around the number). */
  | 'INVALID_CHARACTERS'
  /** `+` in the middle, or twice. */
  | 'MISPLACED_PLUS'
  /** `+999`, and international network codes (+800 freephone, +881 satellite) that belong to no country. */
  | 'UNKNOWN_COUNTRY_CODE'
  /** Not a number that exists in its country's numbering plan. */
  | 'INVALID'
  /** A real number that cannot receive SMS: landline, toll-free, VoIP, pager… */
  | 'NOT_MOBILE';

export type PhoneParseResult =
  | { readonly ok: true; readonly phone: ParsedPhone }
  | { readonly ok: false; readonly reason: PhoneRejectReason };

/**
 * Longest input looked at. Generous for a number typed with spaces and a country code; checked before
 * any normalisation or regex so a pasted page is refused at once.
 */
export const MAX_PHONE_INPUT_LENGTH = 64;
/** E.164 allows 15 digits; two more leave room for a trunk `0` or `(0)` people keep after `+cc`. */
const MAX_DIGITS = 17;
export const FALLBACK_REGION: CountryCode = 'JP';

function isSmsLineType(type: string | undefined): type is SmsLineType {
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}

/** After NFKC: `ext. 12`, `extension 12`, `x12`, `#12`, `内線12`. */
const EXTENSION_MARKER = /(?:ext(?:ension|n)?|内線|x|#)\.?[\s:]*\d/i;
const TEL_URI_PREFIX = /^tel:/i;
const LATIN_LETTER = /[a-z]/i;

function reject(reason: PhoneRejectReason): PhoneParseResult {
  return { ok: false, reason };
}

interface ScannedInput {
  digits: string;
  hasPlus: boolean;
  misplacedPlus: boolean;
  /** More separators in a row than the redactor joins into one number. */
  spreadOut: boolean;
  /** NFKC forms of everything that is not a digit, plus, separator or invisible character. */
  others: string;
}

function scan(text: string): ScannedInput {
  let digits = '';
  let hasPlus = false;
  let misplacedPlus = false;
  let spreadOut = false;
  let separatorRun = 0;
  let others = '';
  for (const ch of text) {
    switch (phoneCharKind(ch)) {
      case 'digit':
        if (separatorRun > MAX_PHONE_SEPARATOR_RUN && (hasPlus || digits.length > 0)) spreadOut = true;
        separatorRun = 0;
        digits += foldPhoneChar(ch);
        break;
      case 'plus':
        if (hasPlus || digits.length > 0) misplacedPlus = true;
        hasPlus = true;
        separatorRun = 0;
        break;
      case 'separator':
        separatorRun += 1;
        break;
      case 'ignorable':
        break;
      case 'other':
        others += ch.normalize('NFKC');
        break;
    }
  }
  return { digits, hasPlus, misplacedPlus, spreadOut, others };
}

function hasExtension(text: string): boolean {
  const folded = text.normalize('NFKC');
  const marker = EXTENSION_MARKER.exec(folded);
  // The marker must follow the number itself, or `x12` alone would count as an extension.
  return marker !== null && /\d/.test(folded.slice(0, marker.index));
}

/**
 * `+81 90-1234-5678`: the national form without its trunk prefix, so Japanese readers see the
 * grouping they know. libphonenumber's own international form replaces hyphens with spaces, and is
 * used where the national form has brackets (NANP, Russia) or does not simply prefix the number.
 */
function internationalForm(phone: LibPhoneNumber): string {
  const national = phone.formatNational();
  const nationalDigits = national.replace(/\D/g, '');
  const prefixLength = nationalDigits.length - phone.nationalNumber.length;
  if (prefixLength < 0 || nationalDigits.slice(prefixLength) !== phone.nationalNumber) {
    return phone.formatInternational();
  }
  let index = 0;
  for (let skipped = 0; skipped < prefixLength; index += 1) {
    if (/\d/.test(national.charAt(index))) skipped += 1;
  }
  const rest = national.slice(index).replace(/^[\s-]+/, '');
  if (/[()]/.test(rest)) return phone.formatInternational();
  return `+${phone.countryCallingCode} ${rest}`;
}

/**
 * Parses what a person typed as their new phone number. Accepts full-width digits and `＋`, every
 * hyphen people type (including the katakana `ー`), spaces, dots, parentheses and invisible
 * characters; refuses anything that cannot receive an SMS code, with the reason.
 */
export function parsePhoneNumber(input: string, defaultRegion: CountryCode): PhoneParseResult {
  if (typeof input !== 'string') return reject('EMPTY');
  if (input.length > MAX_PHONE_INPUT_LENGTH) return reject('TOO_LONG');
  const text = input.trim().replace(TEL_URI_PREFIX, '');
  const scanned = scan(text);
  if (scanned.others.length > 0) {
    if (hasExtension(text)) return reject('HAS_EXTENSION');
    if (LATIN_LETTER.test(scanned.others)) return reject('LETTERS');
    return reject('INVALID_CHARACTERS');
  }
  if (scanned.digits.length === 0) return reject(scanned.hasPlus ? 'TOO_SHORT' : 'EMPTY');
  if (scanned.misplacedPlus) return reject('MISPLACED_PLUS');
  // `090      1234 5678` would be masked in two pieces in transcripts; nobody types a number so.
  if (scanned.spreadOut) return reject('INVALID');
  if (scanned.digits.length > MAX_DIGITS) return reject('TOO_LONG');

  const region = isSupportedCountry(defaultRegion) ? defaultRegion : FALLBACK_REGION;
  const candidate = `${scanned.hasPlus ? '+' : ''}${scanned.digits}`;
  switch (validatePhoneNumberLength(candidate, region)) {
    case 'INVALID_COUNTRY':
      return reject('UNKNOWN_COUNTRY_CODE');
    case 'TOO_SHORT':
    case 'NOT_A_NUMBER':
      return reject('TOO_SHORT');
    case 'TOO_LONG':
      return reject('TOO_LONG');
    case 'INVALID_LENGTH':
    case undefined:
      break;
  }
  const phone = parsePhoneNumberFromString(candidate, region);
  if (phone === undefined) return reject('INVALID');
  if (phone.ext !== undefined) return reject('HAS_EXTENSION');
  if (!phone.isValid()) return reject(scanned.digits.length > 15 ? 'TOO_LONG' : 'INVALID');
  // Only valid numbers get a country: +44 is shared by GB, GG, JE and IM. A valid number without one
  // is on an international network (+800 freephone, +881 satellite), which has no SMS country.
  if (phone.country === undefined) return reject('UNKNOWN_COUNTRY_CODE');
  const type = phone.getType();
  if (!isSmsLineType(type)) return reject('NOT_MOBILE');

  return {
    ok: true,
    phone: {
      e164: phone.number,
      graph: `+${phone.countryCallingCode} ${phone.nationalNumber}`,
      international: internationalForm(phone),
      national: phone.formatNational(),
      countryCallingCode: phone.countryCallingCode,
      region: phone.country,
      lineType: type,
      lastTwo: phone.nationalNumber.slice(-2),
    },
  };
}

function supportedRegion(value: string): CountryCode | undefined {
  const upper = value.toUpperCase();
  return /^[A-Z]{2}$/.test(upper) && isSupportedCountry(upper) ? upper : undefined;
}

/** Language-only locales that name one country for certain. */
const LANGUAGE_REGIONS: Readonly<Record<string, CountryCode>> = { ja: 'JP' };

/**
 * The region a number without `+` is read in: the directory's usageLocation (set by admins for
 * licensing, so the most reliable), then the region of the Teams locale (`ja-JP`, `en-US`,
 * `zh-Hant-TW`), then a language that implies one (`ja`), then the fallback.
 */
export function defaultRegionFor(
  usageLocation?: string | null,
  locale?: string | null,
  fallback: CountryCode = FALLBACK_REGION,
): CountryCode {
  if (typeof usageLocation === 'string' && usageLocation.length <= 8) {
    const region = supportedRegion(usageLocation.trim());
    if (region !== undefined) return region;
  }
  if (typeof locale === 'string' && locale.length <= 35) {
    const [language = '', ...rest] = locale.trim().split(/[-_]/);
    for (const subtag of rest) {
      // Region subtags are two letters; script (Hant) and numeric (419) subtags are skipped.
      const region = subtag.length === 2 ? supportedRegion(subtag) : undefined;
      if (region !== undefined) return region;
    }
    const byLanguage = LANGUAGE_REGIONS[language.toLowerCase()];
    if (byLanguage !== undefined) return byLanguage;
  }
  return fallback;
}

/** The calling code of a region, for prompts such as "numbers without + are read as +81". */
export function callingCodeFor(region: CountryCode): string {
  return getCountryCallingCode(region);
}

/**
 * `•••• •••• ••78`: how a number is shown once only its last two digits may be kept. Anything but two
 * digits is shown fully masked rather than trusted.
 */
export function maskPhone(lastTwo: string): string {
  const tail = /^[0-9]{2}$/.test(lastTwo) ? lastTwo : '••';
  return `•••• •••• ••${tail}`;
}
