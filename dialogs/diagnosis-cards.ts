import type { AdviceCardData } from '../cards/advice';
import type { QuestionCardData } from '../cards/question';
import type { Locale } from '../src/config';
import type { AdviceNode, EndNode, QuestionNode } from '../src/domain/diagnosis-map';
import type { Localizer } from '../src/i18n/localizer';

/** Tailored notes shown on a card (empty when there are none). */
export interface CardNotes {
  notes: string[];
  notesTitle: string;
}

const NO_NOTES: CardNotes = { notes: [], notesTitle: '' };

/**
 * What a diagnosis question card shows. The dialog and the shared card test both build cards here,
 * so the test parses exactly what people see.
 */
export function questionCardData(
  localizer: Localizer,
  locale: Locale,
  node: QuestionNode,
  notes: CardNotes = NO_NOTES,
): QuestionCardData {
  return {
    kind: 'diag',
    node: node.id,
    prompt: localizer.t(locale, node.promptKey),
    hint: node.hintKey ? localizer.t(locale, node.hintKey) : '',
    options: node.options.map((option) => ({
      value: option.value,
      label: localizer.t(locale, option.labelKey),
    })),
    submitLabel: localizer.t(locale, 'dialog.submit'),
    chooseLabel: localizer.t(locale, 'dialog.chooseOption'),
    listLabel: localizer.t(locale, 'dialog.listLabel'),
    ...notes,
  };
}

/** The button value that shows the whole list instead of the closest options; no option uses it. */
export const SHOW_ALL_OPTIONS = '*all';

/** The closest options to a text the question could not place, then a button for the whole list. */
export function offerCardData(
  localizer: Localizer,
  locale: Locale,
  node: QuestionNode,
  values: readonly string[],
): QuestionCardData {
  const full = questionCardData(localizer, locale, node);
  return {
    ...full,
    prompt: localizer.t(locale, 'dialog.closest.prompt'),
    hint: localizer.t(locale, 'dialog.closest.hint'),
    options: [
      ...values.flatMap((value) => full.options.filter((option) => option.value === value)),
      { value: SHOW_ALL_OPTIONS, label: localizer.t(locale, 'dialog.closest.showAll') },
    ],
  };
}

/** What an advice or end card shows; dead ends carry the full helpdesk contact. */
export function adviceCardData(
  localizer: Localizer,
  locale: Locale,
  node: AdviceNode | EndNode,
  notes: CardNotes = NO_NOTES,
): AdviceCardData {
  return {
    title: localizer.t(locale, node.titleKey),
    paragraphs: node.bodyKeys.map((key) => localizer.t(locale, key)),
    steps: (node.kind === 'advice' ? (node.stepKeys ?? []) : []).map((key, index) => ({
      number: index + 1,
      text: localizer.t(locale, key),
    })),
    contactTitle: localizer.t(locale, 'dialog.contactTitle'),
    contactLines: node.showContact ? localizer.fullContactLines(locale) : [],
    ...notes,
  };
}
