import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, TurnContext } from 'botbuilder';
import { renderApprovalCard } from '../../cards/approval';
import { renderApprovalRestrictedCard } from '../../cards/approval-restricted';
import { releaseCodeSpellings } from '../domain/release-code';
import { tapLifetime } from '../domain/tap-lifetime';
import type { MessageKey } from '../i18n/catalogues';
import type { Localizer } from '../i18n/localizer';
import type { ApprovalService, ClickAnswer, ClickNotice } from '../requests/approval-service';
import { approvalCardData, restrictedCardData, type ApprovalViewConfig } from './approval-view';
import { readApprovalInvoke } from './invoke-payload';
import { registerRequestNumber, registerTurnSecret } from '../../dialogs/turn-marks';

export interface ApprovalHandlerDependencies {
  approvals: ApprovalService;
  localizer: Localizer;
  config: ApprovalViewConfig;
}

const CARD = 'application/vnd.microsoft.card.adaptive';

/**
 * Handles clicks on approval cards (Universal Actions): reads the invoke, hands it to the approval
 * use cases (src/requests/approval-service.ts) and answers with what they decided, as a card, so a
 * stale or repeated click never shows an error.
 */
export class ApprovalHandler {
  constructor(private readonly deps: ApprovalHandlerDependencies) {}

  async handle(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const { activity } = context;
    const from = activity.from;
    const conversationId = activity.conversation?.id ?? '';
    const answer = await this.deps.approvals.click({
      ...readApprovalInvoke(activity.value, value),
      clicker: from?.aadObjectId ? { id: from.aadObjectId, name: from.name ?? '' } : null,
      senderKey: from?.id ?? '',
      // Teams adds `;messageid=…` to a thread's conversation id; the card was posted to the channel.
      origin: {
        conversationId: conversationId.split(';')[0],
        activityId: activity.replyToId,
        reported: conversationId,
      },
    });
    return this.render(context, answer);
  }

  private render(context: TurnContext, answer: ClickAnswer): AdaptiveCardInvokeResponse {
    const { localizer, config } = this.deps;
    const locale = config.defaultLocale;
    if (answer.kind === 'message') return this.message(answer.key);
    // Any answer may show the card, which shows the number while the request is open.
    if (answer.request !== undefined) registerRequestNumber(context, answer.request);
    if (answer.kind === 'restricted') {
      return {
        statusCode: 200,
        type: CARD,
        value: renderApprovalRestrictedCard(
          restrictedCardData(localizer, locale, answer.requestId, answer.reason),
        ),
      } satisfies AdaptiveCardInvokeResponse;
    }
    if (answer.releaseCode !== undefined) {
      registerTurnSecret(context, ...releaseCodeSpellings(answer.releaseCode));
    }
    return {
      statusCode: 200,
      type: CARD,
      value: renderApprovalCard(
        approvalCardData(this.deps, answer.request, answer.facts, this.noticeText(answer.notice)),
      ),
    } satisfies AdaptiveCardInvokeResponse;
  }

  private noticeText(notice: ClickNotice | undefined): string | undefined {
    const { localizer, config } = this.deps;
    const locale = config.defaultLocale;
    if (notice === undefined) return undefined;
    if ('inputProblems' in notice) {
      const { maxMinutes } = tapLifetime(config.tapMaxLifetimeMinutes);
      const problems = notice.inputProblems
        .map((key) => localizer.t(locale, key, { max: maxMinutes }))
        .join(' / ');
      return localizer.t(locale, 'approval.refused.input', { problems });
    }
    return notice.params === undefined
      ? localizer.t(locale, notice.key)
      : localizer.t(locale, notice.key, notice.params);
  }

  private message(key: MessageKey): AdaptiveCardInvokeResponse {
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      // Teams takes a plain string for this response type; botbuilder types `value` as an object.
      value: this.deps.localizer.t(this.deps.config.defaultLocale, key) as unknown as Record<string, unknown>,
    };
  }
}
