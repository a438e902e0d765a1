import type { Activity } from 'botbuilder';
import type { QuestionKind } from '../cards/question';
import { normaliseTypedText } from '../src/bot/commands';

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
    if (typeof value !== 'object' || Array.isArray(value)) return { type: 'invalid' };
    const data = value as Record<string, unknown>;
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
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as Record<string, unknown>).kind;
  return kind === 'diag' || kind === 'intake';
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
  const words = (candidate: Candidate<T>): string[] => candidate.words.map(normaliseTypedText);
  const exact = candidates.find((candidate) => words(candidate).includes(typed));
  if (exact) return exact.value;
  const containing = candidates.filter((candidate) =>
    words(candidate).some((word) => containsWord(typed, word) && samePolarity(typed, word)),
  );
  return containing.length === 1 ? containing[0]?.value : undefined;
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
