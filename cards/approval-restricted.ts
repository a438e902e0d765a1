import { expandCard, type AdaptiveCardJson } from './render';
import template from './approval-restricted.card.json';

/**
 * What an approval card shows to someone who may not see the request (not an approver, a card
 * answered outside its conversation, too many refreshes): the request id and why, never a
 * person's name, account or number.
 */
export interface ApprovalRestrictedCardData {
  title: string;
  message: string;
}

export function renderApprovalRestrictedCard(data: ApprovalRestrictedCardData): AdaptiveCardJson {
  return expandCard(template, data);
}
