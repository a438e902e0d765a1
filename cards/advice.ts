import { expandCard, type AdaptiveCardJson } from './render';
import template from './advice.card.json';

export interface AdviceCardData {
  title: string;
  paragraphs: string[];
  steps: Array<{ number: number; text: string }>;
  contactTitle: string;
  /** Empty when the advice needs no human; otherwise the helpdesk contact, always in full. */
  contactLines: string[];
}

export function renderAdviceCard(data: AdviceCardData): AdaptiveCardJson {
  return expandCard(template, data);
}
