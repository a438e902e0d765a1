import { expandCard, type AdaptiveCardJson } from './render';
import template from './advice.card.json';

export interface AdviceCardData {
  title: string;
  paragraphs: string[];
  steps: Array<{ number: number; text: string }>;
  contactTitle: string;
  /** Empty when the advice needs no human; otherwise the helpdesk contact, always in full. */
  contactLines: string[];
  /** Notes for this person (e.g. about their registered sign-in methods), shown before the steps. */
  notes?: string[];
  /** Heading of `notes`; empty for none. */
  notesTitle?: string;
}

export function renderAdviceCard(data: AdviceCardData): AdaptiveCardJson {
  return expandCard(template, { ...data, notes: data.notes ?? [], notesTitle: data.notesTitle ?? '' });
}
