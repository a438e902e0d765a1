import type { Dialog } from './dialog-kit';
import {
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from './dialog-kit';
import { recogniseCommand } from './commands';
import { startTranscriptSegment } from './turn-marks';
import { isQuestionSubmit } from './answers';
import { DiagnosisDialog, DIAGNOSIS_DIALOG, startPosition, type DiagnosisResult } from './diagnosis-dialog';
import { DialogTools, type DialogDependencies } from './dialog-dependencies';
import { IntakeDialog, INTAKE_DIALOG } from './intake-dialog';
import { InterruptibleDialog } from './interruptible-dialog';

export const MAIN_DIALOG = 'main';
const FLOW = 'main.flow';

/** The 1:1 conversation: diagnosis first, then the request intake when the diagnosis calls for it. */
export class MainDialog extends InterruptibleDialog {
  private readonly diagnosis: DiagnosisDialog;

  constructor(tools: DialogTools) {
    super(MAIN_DIALOG, tools);
    this.diagnosis = new DiagnosisDialog(tools);
    this.addDialog(this.diagnosis);
    this.addDialog(new IntakeDialog(tools));
    this.addDialog(
      new WaterfallDialog(FLOW, [
        this.greet.bind(this),
        this.afterDiagnosis.bind(this),
        this.afterIntake.bind(this),
      ]),
    );
    this.initialDialogId = FLOW;
  }

  protected restart(innerDc: DialogContext): Promise<DialogTurnResult> {
    return innerDc.beginDialog(FLOW);
  }

  /** Handles a command or an old card that opened the conversation, then starts the diagnosis. */
  private async greet(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    // Each diagnosis is its own transcript segment, so a reviewer reads one conversation per request.
    startTranscriptSegment(context);
    const command = recogniseCommand(context.activity);
    // A language switch first, so that the helpdesk contact is introduced in the chosen language.
    if (command?.kind === 'language') await this.switchLanguage(context, command.locale);
    await this.tools.introduceContactOnce(context);
    switch (command?.kind) {
      case 'help':
        await this.sendHelp(context);
        break;
      case 'language':
        break;
      case 'status':
        await this.sendStatus(context);
        return step.endDialog();
      case 'cancel':
        await this.tools.say(context, 'dialog.cancelled');
        return step.endDialog();
      default:
        if (isQuestionSubmit(context.activity)) await this.tools.say(context, 'dialog.alreadyAnswered');
        else
          return step.beginDialog(
            DIAGNOSIS_DIALOG,
            await this.diagnosis.openingPosition(context, context.activity.text),
          );
    }
    return step.beginDialog(DIAGNOSIS_DIALOG, startPosition());
  }

  /** Files a request when the diagnosis found no way for the person to help themselves. */
  private async afterDiagnosis(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const result = step.result as DiagnosisResult | undefined;
    if (result?.outcome === 'file-request') return step.beginDialog(INTAKE_DIALOG, result);
    return step.endDialog(result);
  }

  private async afterIntake(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog();
  }
}

export function createMainDialog(deps: DialogDependencies): Dialog {
  return new MainDialog(new DialogTools(deps));
}
