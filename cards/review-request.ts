import { expandCard, type AdaptiveCardJson } from './render';
import template from './review-request.card.json';

export interface ReviewRequestCardData {
  title: string;
  facts: Array<{ label: string; value: string }>;
  graphTitle: string;
  graphLines: string[];
  timelineTitle: string;
  timeline: string[];
  transcriptTitle: string;
  transcriptNotes: string[];
  /** `emphasis` marks what the requester said, `default` what the bot sent. */
  transcript: Array<{ who: string; text: string; style: 'emphasis' | 'default' }>;
  /** Earlier / later transcript pages of the same request. */
  pages: Array<{ title: string; requestId: string; page: string }>;
  backLabel: string;
}

export function renderReviewRequestCard(data: ReviewRequestCardData): AdaptiveCardJson {
  return expandCard(template, data);
}
