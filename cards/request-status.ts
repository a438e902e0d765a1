import { expandCard, type AdaptiveCardJson } from './render';
import template from './request-status.card.json';

export interface RequestStatusCardData {
  title: string;
  facts: Array<{ label: string; value: string }>;
  notes: string[];
  requestId: string;
  /** Only a pending request can be cancelled by its requester. */
  canCancel: boolean;
  cancelLabel: string;
}

export function renderRequestStatusCard(data: RequestStatusCardData): AdaptiveCardJson {
  return expandCard(template, data);
}
