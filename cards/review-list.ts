import { expandCard, type AdaptiveCardJson } from './render';
import template from './review-list.card.json';

/** The verbs of the reviewer's cards; the `review.` prefix keeps them apart from the approval verbs. */
export const REVIEW_VERBS = ['review.list', 'review.open'] as const;
export type ReviewVerb = (typeof REVIEW_VERBS)[number];

export function isReviewVerb(value: unknown): value is ReviewVerb {
  return typeof value === 'string' && (REVIEW_VERBS as readonly string[]).includes(value);
}

/** Filter inputs a list button sends back; every field is checked again when it comes in. */
export interface ReviewListButton {
  title: string;
  state: string;
  person: string;
  since: string;
  until: string;
  offset: string;
}

export interface ReviewListCardData {
  title: string;
  filterLine: string;
  pageLine: string;
  empty: boolean;
  emptyText: string;
  rows: Array<{ requestId: string; title: string; detail: string; openLabel: string }>;
  buttons: ReviewListButton[];
}

export function renderReviewListCard(data: ReviewListCardData): AdaptiveCardJson {
  return expandCard(template, data);
}
