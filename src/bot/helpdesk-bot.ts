import {
  MessageFactory,
  TeamsActivityHandler,
  type ChannelAccount,
  type ConversationState,
  type StatePropertyAccessor,
  type TurnContext,
  type UserState,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type Dialog, type DialogState } from 'botbuilder-dialogs';
import { renderWelcomeCard, welcomeCardData } from '../../cards/welcome';
import { toAttachment } from '../../cards/render';
import type { Localizer } from '../i18n/localizer';
import type { Logger } from '../log';
import { resolveTurnLocale, turnLocale, type LocaleSettings, type UserProfile } from './turn-locale';

export interface HelpdeskBotDependencies {
  conversationState: ConversationState;
  userState: UserState;
  /** The dialog every 1:1 conversation runs (the diagnosis and the request intake). */
  rootDialog: Dialog;
  localizer: Localizer;
  locale: LocaleSettings;
  transcriptRetentionDays: number;
  logger: Logger;
}

export class HelpdeskBot extends TeamsActivityHandler {
  readonly profile: StatePropertyAccessor<UserProfile>;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly dialogs: DialogSet;

  constructor(private readonly deps: HelpdeskBotDependencies) {
    super();
    this.profile = deps.userState.createProperty<UserProfile>('profile');
    this.dialogState = deps.conversationState.createProperty<DialogState>('dialogState');
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(deps.rootDialog);

    this.onMembersAdded(async (context, next) => {
      await this.welcomeNewMembers(context, context.activity.membersAdded ?? []);
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.runDialogs(context);
      await next();
    });
  }

  /** Locale first, so that everything in the turn (including errors) speaks the same language. */
  override async run(context: TurnContext): Promise<void> {
    await resolveTurnLocale(context, this.profile, this.deps.locale);
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
    await this.deps.userState.saveChanges(context, false);
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
    this.deps.logger.info({ conversationType: 'personal' }, 'welcome card sent');
  }
}
