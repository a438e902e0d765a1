import type { TurnContext } from 'botbuilder';
import type { ResetRequest } from '../src/domain/reset-request';

/*
 * What the code running in a turn tells the transcript (src/bot/transcript-logging.ts reads it at the
 * end of the turn). Kept in turn state, so dialogs and the bot only need the context, and calling
 * these without the middleware installed is harmless.
 */

const NOTES_KEY = Symbol('transcriptNotes');

export class TurnNotes {
  readonly secrets = new Set<string>();
  readonly phones = new Set<string>();
  startsSegment = false;
  readonly requestIds: string[] = [];
}

/** The turn's notes, created on first use. */
export function notesOf(context: TurnContext): TurnNotes {
  const found: unknown = context.turnState.get(NOTES_KEY);
  if (found instanceof TurnNotes) return found;
  const notes = new TurnNotes();
  context.turnState.set(NOTES_KEY, notes);
  return notes;
}

/**
 * Values that must not reach the transcript from anywhere in this turn, incoming activity included,
 * such as an issued Temporary Access Pass; each becomes `[REDACTED]`. Values shorter than six
 * characters are ignored, as they would match inside ordinary words and numbers.
 */
export function registerTurnSecret(context: TurnContext, ...values: readonly string[]): void {
  addValues(notesOf(context).secrets, values);
}

/**
 * Phone numbers typed or shown in this turn, incoming activity included: the raw text typed at the
 * phone prompt and the forms the bot shows back. The pattern rules already mask most numbers; this
 * catches the ones they cannot tell from other numbers (national numbers of fewer than eight digits),
 * with the same `[phone •••78]` mark so the transcript reads alike for every number. Values shorter
 * than six characters are ignored.
 */
export function registerTurnPhoneNumber(context: TurnContext, ...values: readonly string[]): void {
  addValues(notesOf(context).phones, values);
}

/**
 * Every form of a request's number, for a turn that may show it (approval cards, notices, invoke
 * answers). Only an open request still holds the number; a final one has nothing to register.
 */
export function registerRequestNumber(context: TurnContext, request: Pick<ResetRequest, 'newPhone'>): void {
  const phone = request.newPhone;
  // A lost phone reported before there was a new number has none to register.
  if (!phone) return;
  const forms = [phone.graph, phone.international, phone.national].filter(
    (form): form is string => typeof form === 'string' && form !== '',
  );
  const national = phone.graph?.split(' ')[1];
  registerTurnPhoneNumber(
    context,
    ...forms,
    ...forms.map((form) => form.replace(/[^0-9+]/g, '')),
    ...(national === undefined ? [] : [national]),
  );
}

const MIN_REGISTERED_LENGTH = 6;

function addValues(target: Set<string>, values: readonly string[]): void {
  for (const value of values) {
    if (typeof value !== 'string' || value.trim().length < MIN_REGISTERED_LENGTH) continue;
    target.add(value);
    target.add(value.trim());
  }
}

/**
 * This turn begins a new diagnosis: the whole turn, its incoming activity included, goes to a new
 * segment, and so does every later turn until the next call.
 */
export function startTranscriptSegment(context: TurnContext): void {
  notesOf(context).startsSegment = true;
}

/** A request was filed in this turn: its id is linked to the turn's segment. */
export function linkTranscriptToRequest(context: TurnContext, requestId: string): void {
  notesOf(context).requestIds.push(requestId);
}
