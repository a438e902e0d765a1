import type { Activity } from 'botbuilder';
import type { QuestionKind } from '../cards/question';
import { isRecord } from '../cards/submits';
import { normaliseTypedText } from '../src/domain/text';

/** Longest typed answer read at a question; anything longer is refused before any matching. */
export const MAX_ANSWER_LENGTH = 1000;

export type Answer =
  | { type: 'choice'; value: string }
  | { type: 'text'; text: string; normalised: string }
  /** A button from an earlier card (another question, or a finished conversation). */
  | { type: 'stale' }
  /** A submit whose fields are missing or not ours, or something that is neither text nor a submit. */
  | { type: 'invalid' }
  | { type: 'empty' }
  | { type: 'tooLong' };

/**
 * Reads what the person answered to question `node` of dialog `kind`. Card data is only trusted to
 * say which button was pressed; the dialog still checks the value against the question's options.
 */
export function readAnswer(activity: Partial<Activity>, kind: QuestionKind, node: string): Answer {
  const value: unknown = activity.value;
  if (value !== undefined && value !== null) {
    if (!isRecord(value)) return { type: 'invalid' };
    const data = value;
    if (data.kind === 'diag' || data.kind === 'intake') {
      if (data.kind !== kind || data.node !== node) return { type: 'stale' };
      return typeof data.value === 'string' && data.value !== '' && data.value.length <= 100
        ? { type: 'choice', value: data.value }
        : { type: 'invalid' };
    }
    return { type: 'invalid' };
  }
  const text = typeof activity.text === 'string' ? activity.text : '';
  if (text.length > MAX_ANSWER_LENGTH) return { type: 'tooLong' };
  const normalised = normaliseTypedText(text);
  if (normalised === '') return { type: 'empty' };
  return { type: 'text', text, normalised };
}

/** True when a submit came from one of the bot's question cards, whatever its state. */
export function isQuestionSubmit(activity: Partial<Activity>): boolean {
  const value: unknown = activity.value;
  return isRecord(value) && (value.kind === 'diag' || value.kind === 'intake');
}

export interface Candidate<T extends string> {
  value: T;
  words: readonly string[];
}

const NEGATIVE = /ない|ません|なし|無い|(^|[^a-z])(no|not|never|none)($|[^a-z])|n't/;

/**
 * A sentence and a word inside it must agree on negation: 「管理者ではありません」 contains
 * 「管理者」 but must not be read as "yes, I am an admin".
 */
function samePolarity(typed: string, word: string): boolean {
  return NEGATIVE.test(typed) === NEGATIVE.test(word);
}

function containsWord(typed: string, word: string): boolean {
  if (word.length < 2) return false;
  // Latin words must stand alone ("no" is not inside "not sure"); Japanese has no spaces to look for.
  if (/^[\x20-\x7e]+$/.test(word)) {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).test(typed);
  }
  return typed.includes(word);
}

/**
 * What a typed answer means: its number in the list, an exact word of one option, or else words of
 * exactly one option inside a longer sentence ("電話番号が変わりました"). Text that names two
 * options is not guessed at; the person is asked to choose.
 */
export function matchTyped<T extends string>(
  typed: string,
  candidates: ReadonlyArray<Candidate<T>>,
): T | undefined {
  if (/^\d{1,2}$/.test(typed)) return candidates[Number(typed) - 1]?.value;
  const exact = candidates.find((candidate) => wordsOf(candidate).includes(typed));
  if (exact) return exact.value;
  const containing = mentionedOptions(typed, candidates);
  return containing.length === 1 ? containing[0] : undefined;
}

function wordsOf<T extends string>(candidate: Candidate<T>): string[] {
  return candidate.words.map(normaliseTypedText);
}

/**
 * The options whose words appear in the typed text (already normalised), agreeing on negation; no
 * list numbers, as a sentence typed for another question may hold a number.
 */
export function mentionedOptions<T extends string>(
  typed: string,
  candidates: ReadonlyArray<Candidate<T>>,
): T[] {
  return candidates
    .filter((candidate) =>
      wordsOf(candidate).some((word) => containsWord(typed, word) && samePolarity(typed, word)),
    )
    .map((candidate) => candidate.value);
}

const STOP_WORDS = new Set(
  'the a an my i me to is it of and or do does did how what why when can could should in on at for with you your this that be am are was were have has had get got not there its im hello thank thanks please sorry'.split(
    ' ',
  ),
);

/** Latin words, stemmed so "codes" meets "code" and "changed" meets "change". */
function latinFeatures(text: string): string[] {
  return (text.match(/[a-z0-9]+/g) ?? [])
    .filter((token) => token.length >= 3 && !STOP_WORDS.has(token))
    .map((token) => token.replace(/(ing|ed|es|s)$/, '').slice(0, 6))
    .filter((stem) => stem.length >= 3);
}

/**
 * Pairs of neighbouring characters of the Japanese in the text. Pairs of hiragana alone are endings
 * and particles (ます, した, ない) that every sentence has, so they say nothing about the topic.
 */
function japaneseFeatures(text: string): string[] {
  const features: string[] = [];
  for (const run of text.match(/[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}ー]+/gu) ?? []) {
    const chars = [...run];
    if (chars.length === 1 && !/\p{Script=Hiragana}/u.test(run)) features.push(run);
    for (let i = 0; i + 1 < chars.length; i++) {
      const pair = `${chars[i] ?? ''}${chars[i + 1] ?? ''}`;
      if (!/^\p{Script=Hiragana}+$/u.test(pair)) features.push(pair);
    }
  }
  return features;
}

function features(text: string): Set<string> {
  return new Set([...latinFeatures(text), ...japaneseFeatures(text)]);
}

/**
 * Below this, a typed text is too far from an option to offer it: one feature that only this option
 * has, or several it shares with others.
 */
const CLOSE_ENOUGH = 1;

/**
 * The options nearest to a text that matched none (or several) of them, best first and at most
 * `max`: offered as buttons, so a question the bot cannot place still gets an answer it can act on.
 * Empty when nothing comes close; then the person is asked to choose from the whole list.
 */
export function closestOptions<T extends string>(
  typed: string,
  candidates: ReadonlyArray<Candidate<T>>,
  max = 3,
): T[] {
  const typedFeatures = features(typed);
  const mentioned = new Set(mentionedOptions(typed, candidates));
  const optionFeatures = candidates.map((candidate) => features(wordsOf(candidate).join(' ')));
  // A feature many options share ("phone", 番号) says less than one that names a single option.
  const spread = (feature: string): number => optionFeatures.filter((set) => set.has(feature)).length;
  return candidates
    .map((candidate, index) => ({
      value: candidate.value,
      index,
      score: mentioned.has(candidate.value)
        ? Number.POSITIVE_INFINITY
        : [...typedFeatures]
            .filter((feature) => optionFeatures[index]?.has(feature))
            .reduce((sum, feature) => sum + 1 / spread(feature), 0),
    }))
    .filter((scored) => scored.score >= CLOSE_ENOUGH)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, max)
    .map((scored) => scored.value);
}

/** The option a person chose, by button or by typing one of its words; undefined if neither. */
export function chosenOption<T extends string>(
  answer: Answer,
  candidates: ReadonlyArray<Candidate<T>>,
): T | undefined {
  if (answer.type === 'choice')
    return candidates.find((candidate) => candidate.value === answer.value)?.value;
  if (answer.type === 'text') return matchTyped(answer.normalised, candidates);
  return undefined;
}
