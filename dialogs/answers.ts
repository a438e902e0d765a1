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
