import type { Locale } from '../../src/config';
import type { AdaptiveCardJson } from '../../cards/render';
import { renderAdviceCard } from '../../cards/advice';
import { renderQuestionCard } from '../../cards/question';
import { renderRequestConfirmationCard } from '../../cards/request-confirmation';
import { renderRequestStatusCard } from '../../cards/request-status';
import { renderWelcomeCard, welcomeCardData } from '../../cards/welcome';
import { diagnosisMap } from '../../src/domain/diagnosis-map';
import { testLocalizer } from '../support/test-config';

const localizer = testLocalizer();

/**
 * One entry per template in cards/: how to render it with realistic data in a given language.
 * The shared card test fails when a template has no entry here. Where a card shows the
 * diagnosis map, every node of the real map is rendered, so all shipped text is parsed.
 */
export const cardFixtures: Record<string, (locale: Locale) => AdaptiveCardJson[]> = {
  welcome: (locale) => [renderWelcomeCard(welcomeCardData(localizer, locale, 30))],

  question: (locale) =>
    [...diagnosisMap.values()].flatMap((node) =>
      node.kind !== 'question'
        ? []
        : [
            renderQuestionCard({
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
            }),
          ],
    ),

  advice: (locale) =>
    [...diagnosisMap.values()].flatMap((node) =>
      node.kind === 'question'
        ? []
        : [
            renderAdviceCard({
              title: localizer.t(locale, node.titleKey),
              paragraphs: node.bodyKeys.map((key) => localizer.t(locale, key)),
              steps: (node.kind === 'advice' ? (node.stepKeys ?? []) : []).map((key, index) => ({
                number: index + 1,
                text: localizer.t(locale, key),
              })),
              contactTitle: localizer.t(locale, 'dialog.contactTitle'),
              contactLines: node.showContact ? localizer.contactLines(locale) : [],
            }),
          ],
    ),

  'request-confirmation': (locale) => [
    renderRequestConfirmationCard({
      node: 'confirm',
      title: localizer.t(locale, 'intake.confirm.title'),
      facts: [
        { label: localizer.t(locale, 'intake.confirm.phone'), value: '090-1234-5678 (+81 90-1234-5678)' },
        {
          label: localizer.t(locale, 'intake.confirm.verification'),
          value: localizer.t(locale, 'intake.verification.video_call'),
        },
        { label: localizer.t(locale, 'intake.confirm.reason'), value: '機種変更で番号が変わりました' },
      ],
      buttons: [
        { value: 'submit', label: localizer.t(locale, 'intake.confirm.submit'), style: 'positive' },
        { value: 'editPhone', label: localizer.t(locale, 'intake.confirm.editPhone'), style: 'default' },
        { value: 'cancel', label: localizer.t(locale, 'intake.confirm.cancel'), style: 'default' },
      ],
    }),
  ],

  'request-status': (locale) => [
    renderRequestStatusCard({
      title: localizer.t(locale, 'status.title', { requestId: 'REQ-7K3F9Q' }),
      facts: [
        { label: localizer.t(locale, 'status.state'), value: localizer.t(locale, 'status.state.PENDING') },
        {
          label: localizer.t(locale, 'status.phone'),
          value: localizer.t(locale, 'status.phoneMasked', { lastTwo: '78' }),
        },
      ],
      notes: [localizer.t(locale, 'intake.next')],
    }),
  ],
};
