import { requestNextLines } from './request-next-steps';
import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  Dialog,
  DialogTurnStatus,
  type DialogContext,
  type DialogTurnResult,
} from './dialog-kit';
import { renderRequestStatusCard } from '../cards/request-status';
import { recogniseCommand, type Command } from './commands';
import { chooseLocale } from './turn-locale';
import { formatDateTime } from '../src/i18n/format';
import type { MessageKey } from '../src/i18n/catalogues';
import type { DialogTools } from './dialog-dependencies';

/**
 * The shared base of the conversation: `help`, `cancel`, `start over`, `status` and the language
 * switch work at any step, typed or from a card button, and the step in progress is asked again
 * afterwards instead of being lost.
 */
export abstract class InterruptibleDialog extends ComponentDialog {
  protected constructor(
    id: string,
    protected readonly tools: DialogTools,
  ) {
    super(id);
  }

  /** Where `start over` begins again. */
  protected abstract restart(innerDc: DialogContext): Promise<DialogTurnResult>;

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const command = recogniseCommand(innerDc.context.activity);
    if (command) {
      const result = await this.interrupt(innerDc, command);
      if (result) return result;
    }
    return super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext, command: Command): Promise<DialogTurnResult | undefined> {
    const { context } = innerDc;
    switch (command.kind) {
      case 'help':
        await this.sendHelp(context);
        await innerDc.repromptDialog();
        return Dialog.EndOfTurn;
      case 'language':
        await this.switchLanguage(context, command.locale);
        await innerDc.repromptDialog();
        return Dialog.EndOfTurn;
      case 'status':
        await this.sendStatus(context);
        await innerDc.repromptDialog();
        return Dialog.EndOfTurn;
      case 'cancel':
        await this.tools.say(context, 'dialog.cancelled');
        await innerDc.cancelAllDialogs();
        return { status: DialogTurnStatus.cancelled };
      case 'startOver':
        await this.tools.say(context, 'dialog.startingOver');
        await innerDc.cancelAllDialogs();
        return this.restart(innerDc);
    }
  }

  protected async sendHelp(context: TurnContext): Promise<void> {
    await this.tools.sendContactCard(context, 'help.title', ['help.body']);
  }

  protected async switchLanguage(context: TurnContext, locale: 'ja' | 'en'): Promise<void> {
    await chooseLocale(context, this.tools.profile, locale);
    await this.tools.say(context, 'language.switched');
  }

  /** The person's open request, read from storage (never from dialog state). */
  protected async sendStatus(context: TurnContext): Promise<void> {
    const requesterId = context.activity.from?.aadObjectId;
    const open = requesterId ? await this.tools.deps.requests.findOpenByRequester(requesterId) : undefined;
    if (!open) {
      await this.tools.say(context, 'status.none');
      return;
    }
    const { request } = open;
    const locale = this.tools.locale(context);
    await this.tools.sendCard(
      context,
      renderRequestStatusCard({
        title: this.tools.t(context, 'status.title', { requestId: request.id }),
        facts: [
          {
            label: this.tools.t(context, 'status.state'),
            value: this.tools.t(context, `status.state.${request.state}` as MessageKey),
          },
          {
            label: this.tools.t(context, 'status.created'),
            value: formatDateTime(new Date(request.createdAt), locale, this.tools.deps.config.timeZone),
          },
          {
            label: this.tools.t(context, 'status.phone'),
            value: request.newPhone
              ? this.tools.t(context, 'status.phoneMasked', { lastTwo: request.newPhone.lastTwo })
              : this.tools.t(context, 'status.phoneNone'),
          },
        ],
        notes:
          request.state === 'PENDING'
            ? requestNextLines(this.tools.deps.localizer, locale, request, this.tools.deps.config)
            : [],
        requestId: request.id,
        canCancel: request.state === 'PENDING',
        cancelLabel: this.tools.t(context, 'lifecycle.cancelButton'),
      }),
    );
  }
}
