import { expandCard, type AdaptiveCardJson } from './render';
import template from './question.card.json';

/** Which dialog a submit belongs to; the dialog checks it before reading the value. */
export type QuestionKind = 'diag' | 'intake';

export interface QuestionCardData {
  kind: QuestionKind;
  /** The question's id; a submit from another question's card is "already answered". */
  node: string;
  prompt: string;
  hint: string;
  options: Array<{ value: string; label: string }>;
  /** Used when there are too many options for buttons and a list with one send button is shown. */
  submitLabel: string;
  chooseLabel: string;
  /** Label of the option list (required inputs must be labelled). */
  listLabel: string;
  /** Notes for this person (e.g. about their registered sign-in methods), shown under the hint. */
  notes?: string[];
  /** Heading of `notes`; empty for none. */
  notesTitle?: string;
}

export function renderQuestionCard(data: QuestionCardData): AdaptiveCardJson {
  return expandCard(template, { ...data, notes: data.notes ?? [], notesTitle: data.notesTitle ?? '' });
}
