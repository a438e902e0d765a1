import type { Locale } from '../src/config';
import { defaultRegionFor, parsePhoneNumber, type PhoneParseResult } from '../src/domain/phone';

/** A run that looks like one phone number inside a sentence (after NFKC, so digits are ASCII). */
const NUMBER_SPAN = /\+?\d[\d \-‐‑‒–—―−ー()]{6,}\d/g;
/** Error codes (0x8019019a) are never phone numbers, however many digits they hold. */
const HEX_CODE = /0 ?x ?[0-9a-f]{8}/gi;
/**
 * Fewer digits than this in a sentence is more likely a date or a count than a new number; a mobile
 * number has at least nine digits with its trunk prefix in every country the bot expects.
 */
const MIN_SENTENCE_DIGITS = 9;

/**
 * Reads the new phone number typed as an answer. The default region comes from the conversation's
 * language: the Agents Playground stamps every activity en-US, and a Japanese number typed without
 * +81 must still be read as Japanese.
 */
export function readTypedPhone(text: string, locale: Locale, activityLocale?: string): PhoneParseResult {
  const first = parseIn(text, locale, activityLocale);
  if (first.ok || first.reason !== 'INVALID_CHARACTERS') return first;
  // People answer in sentences ("新しい番号は 090-… です"): read the one number in it, if there is one.
  const spans = numberSpans(text);
  return spans.length === 1 && spans[0] ? parseIn(spans[0], locale, activityLocale) : first;
}

/**
 * The one phone number mentioned in a sentence typed for something else ("機種変更しました。新しい番号は
 * 090-… です"), with the text it was typed as; undefined when there is none, or more than one.
 */
export function phoneInSentence(
  text: string,
  locale: Locale,
  activityLocale?: string,
): { typed: string; result: PhoneParseResult } | undefined {
  const spans = numberSpans(text).filter((span) => span.replace(/\D/g, '').length >= MIN_SENTENCE_DIGITS);
  const [typed] = spans;
  if (spans.length !== 1 || typed === undefined) return undefined;
  return { typed, result: parseIn(typed, locale, activityLocale) };
}

function numberSpans(text: string): string[] {
  return text.normalize('NFKC').replace(HEX_CODE, ' ').match(NUMBER_SPAN) ?? [];
}

function parseIn(text: string, locale: Locale, activityLocale?: string): PhoneParseResult {
  const region = defaultRegionFor(null, locale === 'ja' ? 'ja-JP' : activityLocale);
  const parsed = parsePhoneNumber(text, region);
  if (parsed.ok || region === 'JP' || text.includes('+') || text.includes('＋')) return parsed;
  const asJapanese = parsePhoneNumber(text, 'JP');
  return asJapanese.ok ? asJapanese : parsed;
}
