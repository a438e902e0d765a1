import { expandCard, type AdaptiveCardJson } from './render';
import template from './request-status.card.json';

export interface RequestStatusCardData {
  title: string;
  facts: Array<{ label: string; value: string }>;
  notes: string[];
}

export function renderRequestStatusCard(data: RequestStatusCardData): AdaptiveCardJson {
  return expandCard(template, data);
}
