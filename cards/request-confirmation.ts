import { expandCard, type AdaptiveCardJson } from './render';
import template from './request-confirmation.card.json';

export interface RequestConfirmationCardData {
  node: string;
  title: string;
  facts: Array<{ label: string; value: string }>;
  buttons: Array<{ value: 'submit' | 'editPhone' | 'cancel'; label: string; style: 'positive' | 'default' }>;
}

export function renderRequestConfirmationCard(data: RequestConfirmationCardData): AdaptiveCardJson {
  return expandCard(template, data);
}
