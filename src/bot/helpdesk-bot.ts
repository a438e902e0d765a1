import {
  MessageFactory,
  TeamsActivityHandler,
  TurnContext as BotTurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ChannelAccount,
  type ConversationState,
  type StatePropertyAccessor,
  type TurnContext,
  type UserState,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type Dialog, type DialogState } from '../../dialogs/dialog-kit';
import { renderWelcomeCard, welcomeCardData } from '../../cards/welcome';
import { toAttachment } from '../../cards/render';
import { isCancelRequestSubmit, isPassNotedSubmit, isReleaseCodeSubmit } from '../../cards/submits';
import type { Localizer } from '../i18n/localizer';
import type { Logger } from '../log';
import { normaliseReleaseCode, releaseCodeSpellings } from '../domain/release-code';
import { isRequestId } from '../domain/reset-request';
import { WindowCounter } from '../domain/rate-limit';
import type { PassEchoGuard } from './pass-echo-guard';
import { registerTurnSecret } from '../../dialogs/turn-marks';
import { channelKey, userKey, type ConversationReferences } from '../ports/conversation-references';
import {
  resolveTurnLocale,
  turnLocale,
  type LocaleSettings,
  type UserProfile,
} from '../../dialogs/turn-locale';

export interface HelpdeskBotDependencies {
  conversationState: ConversationState;
  userState: UserState;
  now: () => Date;
  /** Finds a pass the bot showed someone in what they send back, for the transcript to redact. */
  passEchoes?: PassEchoGuard;
  /** A conversation silent this long loses its unfinished intake (and the number in it). */
  draftExpiryMinutes: number;
  /** After an expired draft was overwritten: removes what storage keeps of the old version. */
  wipeStorageTraces?: () => Promise<void>;
  /** The dialog every 1:1 conversation runs (the diagnosis and the request intake). */
  rootDialog: Dialog;
  localizer: Localizer;
  locale: LocaleSettings;
  transcriptRetentionDays: number;
  logger: Logger;
  references: ConversationReferences;
  /** Channels whose references are kept when the bot is added to their team. */
  channels: { approvals: string; security: string | undefined };
  /** Clicks on approval cards (Universal Actions). */
  onCardAction: (context: TurnContext, value: AdaptiveCardInvokeValue) => Promise<AdaptiveCardInvokeResponse>;
  /** The requester pressed "I have noted it" under their pass; true if that moved the request on. */
  onPassNoted: (requestId: string, requesterId: string) => Promise<boolean>;
  /** The requester typed the release code on their pass card. */
  onReleaseCode: (
    requestId: string,
    requesterId: string,
    typed: string,
  ) => Promise<{ outcome: 'released' | 'wrong' | 'held' | 'notWaiting'; triesLeft: number }>;
  /** Typed reviewer commands (`requests`, `申請 REQ-…`); true when the text was one and was answered. */
  onReviewCommand?: (context: TurnContext, text: string) => Promise<boolean>;
  /** The requester pressed "cancel this request" on the status card; true if it was cancelled. */
  onCancelRequest: (requestId: string, requesterId: string) => Promise<boolean>;
  /** Messages one person may send a minute; past it they are told once and the rest are dropped. */
  messagesPerMinute: number;
}

export class HelpdeskBot extends TeamsActivityHandler {
  readonly profile: StatePropertyAccessor<UserProfile>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly lastTurnAt: StatePropertyAccessor<string>;
  private readonly dialogs: DialogSet;
  private readonly messages: WindowCounter;

  constructor(private readonly deps: HelpdeskBotDependencies) {
    super();
    const now = deps.now;
    this.messages = new WindowCounter({
      limit: deps.messagesPerMinute,
      windowMs: 60_000,
      now: () => now().getTime(),
    });
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.lastTurnAt = deps.conversationState.createProperty<string>('lastTurnAt');
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(deps.rootDialog);

    this.onMembersAdded(async (context, next) => {
      await this.welcomeNewMembers(context, context.activity.membersAdded ?? []);
      await next();
    });

    this.onMessage(async (context, next) => {
      const sender = context.activity.from?.aadObjectId ?? context.activity.from?.id ?? '';
      const counted = this.messages.hit(sender);
      if (counted.over) {
        // Every message costs storage and often Graph; a flood gets one answer, then silence.
        if (counted.firstOver)
          await context.sendActivity(deps.localizer.t(turnLocale(context), 'limits.messages'));
        if (counted.firstOver) deps.logger.info('messages dropped: over the per-person limit');
      } else if (context.activity.conversation.conversationType !== 'personal') {
        // The diagnosis is private: it never runs in a channel or a group chat.
        await context.sendActivity(deps.localizer.t(turnLocale(context), 'channel.hint'));
      } else if (
        !(await this.handleReleaseCode(context)) &&
        !(await this.handlePassNoted(context)) &&
        !(await this.handleCancelRequest(context)) &&
        !(await this.handleReviewCommand(context))
      ) {
        await this.runDialogs(context);
      }
      await next();
    });
  }

  /** Keeps where each person and the configured channels can be reached proactively. */
  override async onTurnActivity(context: TurnContext): Promise<void> {
    await this.deps.passEchoes?.registerEchoes(context);
    await this.rememberReferences(context);
    await super.onTurnActivity(context);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return this.deps.onCardAction(context, invokeValue);
  }

  private async handlePassNoted(context: TurnContext): Promise<boolean> {
    const value: unknown = context.activity.value;
    if (!isPassNotedSubmit(value)) return false;
    const requester = context.activity.from.aadObjectId;
    const moved =
      isRequestId(value.requestId) && requester !== undefined
        ? await this.deps.onPassNoted(value.requestId, requester)
        : false;
    await context.sendActivity(
      this.deps.localizer.t(turnLocale(context), moved ? 'pass.notedThanks' : 'dialog.alreadyAnswered'),
    );
    return true;
  }

  private async handleReleaseCode(context: TurnContext): Promise<boolean> {
    const value: unknown = context.activity.value;
    if (!isReleaseCodeSubmit(value)) return false;
    const typed = typeof value.releaseCode === 'string' ? value.releaseCode.slice(0, 40) : '';
    // Right or wrong, what was typed is a secret of the call: never in the transcript.
    registerTurnSecret(context, typed, ...releaseCodeSpellings(normaliseReleaseCode(typed)));
    const requester = context.activity.from.aadObjectId;
    const attempt =
      isRequestId(value.requestId) && requester !== undefined && typed !== ''
        ? await this.deps.onReleaseCode(value.requestId, requester, typed)
        : { outcome: 'notWaiting' as const, triesLeft: 0 };
    const key = (
      {
        released: 'release.accepted',
        wrong: 'release.wrong',
        held: 'release.held',
        notWaiting: 'release.notWaiting',
      } as const
    )[attempt.outcome];
    await context.sendActivity(
      this.deps.localizer.t(turnLocale(context), key, { triesLeft: attempt.triesLeft }),
    );
    return true;
  }

  private async handleReviewCommand(context: TurnContext): Promise<boolean> {
    const text = context.activity.text;
    if (typeof text !== 'string' || text.trim() === '' || !this.deps.onReviewCommand) return false;
    return this.deps.onReviewCommand(context, text);
  }

  private async handleCancelRequest(context: TurnContext): Promise<boolean> {
    const value: unknown = context.activity.value;
    if (!isCancelRequestSubmit(value)) return false;
    const requester = context.activity.from.aadObjectId;
    const requestId = isRequestId(value.requestId) ? value.requestId : undefined;
    const cancelled =
      requestId !== undefined && requester !== undefined
        ? await this.deps.onCancelRequest(requestId, requester)
        : false;
    await context.sendActivity(
      this.deps.localizer.t(
        turnLocale(context),
        cancelled ? 'lifecycle.cancelled' : 'lifecycle.cannotCancel',
        {
          requestId: requestId ?? '',
        },
      ),
    );
    return true;
  }

  private async rememberReferences(context: TurnContext): Promise<void> {
    const { activity } = context;
    // Without the id of the message just received: a proactive message is no reply to it, and the
    // reference stays the same from turn to turn, so it is not rewritten on every turn.
    const { activityId: _received, ...reference } = BotTurnContext.getConversationReference(activity);
    if (activity.conversation?.conversationType === 'personal' && activity.from?.aadObjectId) {
      await this.deps.references.save(userKey(activity.from.aadObjectId), reference);
      return;
    }
    const channelData = activity.channelData as
      { team?: { id?: string }; channel?: { id?: string } } | undefined;
    if (!channelData?.team) return;
    // When the bot joins a team it hears from one channel only; the configured channels belong to the
    // same team (same service URL and tenant), so their references are derived from this one.
    const botAdded = (activity.membersAdded ?? []).some((member) => member.id === activity.recipient?.id);
    for (const channelId of [this.deps.channels.approvals, this.deps.channels.security]) {
      if (!channelId) continue;
      if (botAdded || channelData.channel?.id === channelId || activity.conversation?.id === channelId) {
        await this.deps.references.save(channelKey(channelId), {
          ...reference,
          conversation: {
            ...reference.conversation,
            id: channelId,
            isGroup: true,
            conversationType: 'channel',
          },
        } as typeof reference);
      }
    }
  }

  /** Locale first, so that everything in the turn (including errors) speaks the same language. */
  override async run(context: TurnContext): Promise<void> {
    await resolveTurnLocale(context, this.profile, this.deps.locale);
    await this.expireStaleDraft(context);
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
    await this.deps.userState.saveChanges(context, false);
  }

  /**
   * A diagnosis left unanswered for longer than the draft expiry is discarded on the next message,
   * with what it held (the full number of an unfiled request); the person starts again. The stale
   * sweep (`SqliteStorage.deleteStaleConversations`) wipes the ones nobody comes back to.
   */
  private async expireStaleDraft(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.type !== 'message' || activity.conversation?.conversationType !== 'personal') return;
    const now = this.deps.now();
    const last = await this.lastTurnAt.get(context);
    const stale =
      last !== undefined && now.getTime() - Date.parse(last) > this.deps.draftExpiryMinutes * 60_000;
    if (stale && ((await this.dialogState.get(context))?.dialogStack.length ?? 0) > 0) {
      await this.dialogState.delete(context);
      await this.deps.conversationState.saveChanges(context, true);
      await this.deps.wipeStorageTraces?.();
      await context.sendActivity(
        this.deps.localizer.t(turnLocale(context), 'draft.expired', {
          minutes: this.deps.draftExpiryMinutes,
        }),
      );
      this.deps.logger.info({ conversationType: 'personal' }, 'an unfinished diagnosis expired');
    }
    await this.lastTurnAt.set(context, now.toISOString());
  }

  /** Forgets the conversation's dialog stack; used after an error so the person is not stuck. */
  async clearConversation(context: TurnContext): Promise<void> {
    await this.deps.conversationState.delete(context);
  }

  private async runDialogs(context: TurnContext): Promise<void> {
    const dialogContext = await this.dialogs.createContext(context);
    const result = await dialogContext.continueDialog();
    if (result.status === DialogTurnStatus.empty) {
      await dialogContext.beginDialog(this.deps.rootDialog.id);
    }
  }

  private async welcomeNewMembers(context: TurnContext, members: ChannelAccount[]): Promise<void> {
    const botWasAdded = members.some((member) => member.id === context.activity.recipient.id);
    // Only the 1:1 chat gets the welcome card; in a team the bot stays quiet until it has work.
    if (!botWasAdded || context.activity.conversation.conversationType !== 'personal') return;
    const locale = turnLocale(context);
    const card = renderWelcomeCard(
      welcomeCardData(this.deps.localizer, locale, this.deps.transcriptRetentionDays),
    );
    await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
    // The welcome card names the helpdesk and asks to keep it: the first reply need not repeat it.
    const profile = await this.profile.get(context, {});
    await this.profile.set(context, { ...profile, contactShown: true });
    this.deps.logger.info({ conversationType: 'personal' }, 'welcome card sent');
  }
}
