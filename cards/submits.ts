/*
 * What the cards' buttons send back (Action.Submit `data` merged with the card's inputs, or the
 * Universal Action's `data`). It arrives from the client, so nothing in it is trusted: each guard
 * checks the shape, and the handlers still check every value against live state.
 */

/** A JSON object (not an array, not null): the only shape card data comes in. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The pass card's "I have noted it" button (`pass.card.json`). */
export interface PassNotedSubmit {
  kind: 'passNoted';
  requestId: unknown;
}

/** The pass card's release code field and its button (`pass.card.json`). */
export interface ReleaseCodeSubmit {
  kind: 'releaseCode';
  requestId: unknown;
  releaseCode: unknown;
}

/** The status card's "cancel this request" button (`request-status.card.json`). */
export interface CancelRequestSubmit {
  kind: 'cancelRequest';
  requestId: unknown;
}

export function isPassNotedSubmit(value: unknown): value is PassNotedSubmit {
  return isRecord(value) && value.kind === 'passNoted';
}

export function isReleaseCodeSubmit(value: unknown): value is ReleaseCodeSubmit {
  return isRecord(value) && value.kind === 'releaseCode';
}

export function isCancelRequestSubmit(value: unknown): value is CancelRequestSubmit {
  return isRecord(value) && value.kind === 'cancelRequest';
}
