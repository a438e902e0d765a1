import { expandCard, type AdaptiveCardJson } from './render';
import template from './pass.card.json';

/**
 * Shows a Temporary Access Pass. The card exists only on its way to Teams: the transcript stores it
 * with the pass redacted and nothing else keeps it.
 */
export interface PassCardData {
  requestId: string;
  title: string;
  body: string;
  passLine: string;
  /** The requester confirms they noted the pass; sessions are revoked after that. */
  showNoted: boolean;
  afterNoted: string;
  notedLabel: string;
  /** Who to call if the pass does not work (or Teams cannot be opened after the sign-out). */
  contactTitle: string;
  contactLines: string[];
}

export function renderPassCard(data: PassCardData): AdaptiveCardJson {
  return expandCard(template, data);
}
