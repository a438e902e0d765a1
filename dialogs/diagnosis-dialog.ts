import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  Dialog,
  WaterfallDialog,
  type DialogInstance,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { renderAdviceCard } from '../cards/advice';
import { renderQuestionCard } from '../cards/question';
import {
  ACCOUNT_RECOVERY_ADVICE,
  CLOSING_NODE,
  getNode,
  ROOT_NODE,
  type AdviceNode,
  type ChoiceOption,
  type DiagnosisFacts,
  type EndNode,
  type NodeId,
  type QuestionNode,
} from '../src/domain/diagnosis-map';
import { extractHexCodes, recogniseErrors } from '../src/domain/error-codes';
import {
  registeredFrom,
  tailoredAdvice,
  tailoredStageOf,
  type RegisteredMethods,
  type TailoredAdvice,
} from '../src/domain/tailored-advice';
import { AppError, isAppError } from '../src/errors';
import { startTranscriptSegment } from '../src/bot/transcript-logging';
import { adviceCardData, questionCardData } from './diagnosis-cards';
import { MAX_ANSWER_LENGTH, matchTyped, readAnswer } from './answers';
import { normaliseTypedText } from '../src/bot/commands';
import { activeWaterfallOptions, type DialogTools } from './dialog-dependencies';

export const DIAGNOSIS_DIALOG = 'diagnosis';
const WALK = 'diagnosis.walk';
/** A slow directory must not stall the chat: past this, the diagnosis goes by the answers alone. */
export const METHODS_LOOKUP_TIMEOUT_MS = 3000;

/** Where the walk is; carried from node to node through `replaceDialog`. */
export interface DiagnosisPosition {
  nodeId: NodeId;
  facts: DiagnosisFacts;
  /** Node ids walked, for the request record and the statistics. */
  path: NodeId[];
  /** Error codes the person typed, including ones the map does not know. */
  errorCodes: string[];
  /**
   * The person's registered sign-in methods (types and device names only), looked up the first
   * time a node needs them and kept so the directory is asked once per diagnosis.
   */
  registered?: RegisteredMethods;
}

export interface DiagnosisResult {
  outcome: EndNode['outcome'];
  endNode: NodeId;
  facts: DiagnosisFacts;
  path: NodeId[];
  errorCodes: string[];
}

export function startPosition(): DiagnosisPosition {
  return { nodeId: ROOT_NODE, facts: {}, path: [ROOT_NODE], errorCodes: [] };
}

/** Walks the diagnosis map (src/domain/diagnosis-map.ts): one question per turn, advice in between. */
export class DiagnosisDialog extends ComponentDialog {
  constructor(private readonly tools: DialogTools) {
    super(DIAGNOSIS_DIALOG);
    this.addDialog(new WaterfallDialog(WALK, [this.showNode.bind(this), this.readChoice.bind(this)]));
    this.initialDialogId = WALK;
  }

  /** Shows the current node; advice moves straight on, a question waits for the answer. */
  private async showNode(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const position = (step.options as DiagnosisPosition | undefined) ?? startPosition();
    const node = getNode(position.nodeId);
    const tailored = await this.tailoredFor(step.context, position);
    switch (node.kind) {
      case 'question':
        await this.sendQuestion(step.context, node, tailored);
        return Dialog.EndOfTurn;
      case 'advice':
        await this.sendAdvice(step.context, node, tailored);
        return step.replaceDialog(WALK, this.moveTo(position, node.next, {}));
      case 'end': {
        if (this.offersAccountRecovery(node, position)) await this.sendAccountRecovery(step.context);
        await this.sendAdvice(step.context, node);
        this.tools.deps.logger.info({ endNode: node.id, outcome: node.outcome }, 'diagnosis finished');
        await this.recordOutcome(step.context, node, position);
        const result: DiagnosisResult = {
          outcome: node.outcome,
          endNode: node.id,
          facts: position.facts,
          path: position.path,
          errorCodes: position.errorCodes,
        };
        return step.endDialog(result);
      }
    }
  }

  /** Reads the answer to the question shown by `showNode`; anything unusable asks again. */
  private async readChoice(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const position = step.options as DiagnosisPosition;
    const node = getNode(position.nodeId);
    if (node.kind !== 'question') return step.replaceDialog(WALK, position);
    const answer = readAnswer(step.context.activity, 'diag', node.id);
    let option: ChoiceOption | undefined;
    let errorCodes = position.errorCodes;
    switch (answer.type) {
      case 'choice':
        option = node.options.find((candidate) => candidate.value === answer.value);
        break;
      case 'text':
        option = this.matchTyped(node, answer.normalised, step.context);
        if (node.freeText === 'error-code') {
          errorCodes = [...new Set([...errorCodes, ...extractHexCodes(answer.text)])];
          option ??= this.matchErrorCode(node, answer.text);
        }
        break;
      case 'stale':
        await this.tools.say(step.context, 'dialog.alreadyAnswered');
        return step.replaceDialog(WALK, position);
      case 'tooLong':
        await this.tools.say(step.context, 'dialog.tooLong', { max: 1000 });
        return step.replaceDialog(WALK, position);
      case 'empty':
      case 'invalid':
        break;
    }
    if (!option) {
      await this.tools.say(step.context, 'dialog.chooseOption');
      return step.replaceDialog(WALK, { ...position, errorCodes });
    }
    if (option.next === ROOT_NODE) startTranscriptSegment(step.context);
    return step.replaceDialog(WALK, this.moveTo({ ...position, errorCodes }, option.next, option.sets ?? {}));
  }

  /**
   * Where a conversation opened with `text` starts: people often open with what happened
   * ("電話番号が変わりました"), and answering the first question for them spares a repeat.
   */
  openingPosition(context: TurnContext, text: string | undefined): DiagnosisPosition {
    const start = startPosition();
    const root = getNode(ROOT_NODE);
    if (root.kind !== 'question' || text === undefined || text.length > MAX_ANSWER_LENGTH) return start;
    const option = this.matchTyped(root, normaliseTypedText(text), context);
    return option ? this.moveTo(start, option.next, option.sets ?? {}) : start;
  }

  /** Where the tenant has Entra ID account recovery, people with no method left hear of it first. */
  private offersAccountRecovery(node: EndNode, position: DiagnosisPosition): boolean {
    return (
      this.tools.deps.config.accountRecovery &&
      node.outcome === 'file-request' &&
      position.facts.workingMethod === 'none'
    );
  }

  private async sendAccountRecovery(context: TurnContext): Promise<void> {
    await this.tools.sendContactCard(context, ACCOUNT_RECOVERY_ADVICE.titleKey, [
      ...ACCOUNT_RECOVERY_ADVICE.bodyKeys,
    ]);
  }

  /** Statistics must never break a conversation: a failed write is logged and the person carries on. */
  private async recordOutcome(
    context: TurnContext,
    node: EndNode,
    position: DiagnosisPosition,
  ): Promise<void> {
    try {
      await this.tools.deps.onDiagnosisFinished?.({
        at: this.tools.deps.now().toISOString(),
        endNode: node.id,
        outcome: node.outcome,
        path: position.path
          .filter((id) => id !== CLOSING_NODE && id !== 'close.no' && id !== node.id)
          .join('>'),
        locale: this.tools.locale(context),
      });
    } catch (error) {
      this.tools.deps.logger.warn({ err: error }, 'could not record the diagnosis outcome');
    }
  }

  /** Re-sends the current question, e.g. after `help` or a language switch. */
  protected override async onRepromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const position = activeWaterfallOptions<DiagnosisPosition>(instance);
    if (!position) return;
    const node = getNode(position.nodeId);
    if (node.kind !== 'question') return;
    // Never a new lookup here: the notes shown before are shown again (e.g. in the other language).
    const stage = tailoredStageOf(node.id);
    const tailored =
      stage && position.registered ? tailoredAdvice(stage, position.facts, position.registered) : undefined;
    await this.sendQuestion(context, node, tailored);
  }

  /**
   * The notes for the node at `position`, if it shows any. Looks the person's methods up the first
   * time and stores them in `position`, which is the waterfall's own options object, so the answer
   * stays with the dialog state for the rest of this diagnosis.
   */
  private async tailoredFor(
    context: TurnContext,
    position: DiagnosisPosition,
  ): Promise<TailoredAdvice | undefined> {
    const stage = tailoredStageOf(position.nodeId);
    if (!stage) return undefined;
    position.registered ??= await this.lookUpMethods(context);
    return tailoredAdvice(stage, position.facts, position.registered);
  }

  private async lookUpMethods(context: TurnContext): Promise<RegisteredMethods> {
    const { directory, logger } = this.tools.deps;
    const userId = context.activity.from?.aadObjectId;
    if (!userId) {
      logger.warn(
        { reason: 'NO_AAD_OBJECT_ID' },
        'registered sign-in methods not checked; going by the answers',
      );
      return { status: 'unavailable' };
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AppError('TIMEOUT', 'Listing the registered methods took too long')),
        METHODS_LOOKUP_TIMEOUT_MS,
      );
    });
    try {
      const methods = await Promise.race([directory.listMethods(userId), timeout]);
      return { status: 'known', methods: registeredFrom(methods) };
    } catch (error) {
      // Only the code: an error's message may quote what Graph sent back.
      logger.warn(
        { reason: isAppError(error) ? error.code : 'UNEXPECTED' },
        'registered sign-in methods not checked; going by the answers',
      );
      return { status: 'unavailable' };
    } finally {
      clearTimeout(timer);
    }
  }

  private moveTo(position: DiagnosisPosition, next: NodeId, sets: DiagnosisFacts): DiagnosisPosition {
    // Starting over is a new diagnosis, so the methods are looked up again when needed.
    if (next === ROOT_NODE) return { ...startPosition(), errorCodes: [] };
    return {
      nodeId: next,
      facts: { ...position.facts, ...sets },
      path: [...position.path, next],
      errorCodes: position.errorCodes,
      ...(position.registered ? { registered: position.registered } : {}),
    };
  }

  /** Typed answers: the option's listed words in either language, its label, or its number. */
  private matchTyped(node: QuestionNode, typed: string, context: TurnContext): ChoiceOption | undefined {
    const value = matchTyped(
      typed,
      node.options.map((option) => ({
        value: option.value,
        words: [...option.matches.ja, ...option.matches.en, this.tools.t(context, option.labelKey)],
      })),
    );
    return node.options.find((option) => option.value === value);
  }

  private matchErrorCode(node: QuestionNode, text: string): ChoiceOption | undefined {
    const [first] = recogniseErrors(text);
    return first === undefined ? undefined : node.options.find((option) => option.value === first);
  }

  /** The tailored notes as card text; the heading only when there is something under it. */
  private notesText(
    context: TurnContext,
    tailored: TailoredAdvice | undefined,
  ): { notes: string[]; notesTitle: string } {
    const notes = (tailored?.notes ?? []).map((note) => this.tools.t(context, note.key, note.params));
    const titleKey = tailored?.titleKey;
    return { notes, notesTitle: titleKey && notes.length > 0 ? this.tools.t(context, titleKey) : '' };
  }

  private async sendQuestion(
    context: TurnContext,
    node: QuestionNode,
    tailored?: TailoredAdvice,
  ): Promise<void> {
    const { localizer } = this.tools.deps;
    await this.tools.sendCard(
      context,
      renderQuestionCard(
        questionCardData(localizer, this.tools.locale(context), node, this.notesText(context, tailored)),
      ),
    );
  }

  private async sendAdvice(
    context: TurnContext,
    node: AdviceNode | EndNode,
    tailored?: TailoredAdvice,
  ): Promise<void> {
    const { localizer } = this.tools.deps;
    await this.tools.sendCard(
      context,
      renderAdviceCard(
        adviceCardData(localizer, this.tools.locale(context), node, this.notesText(context, tailored)),
      ),
    );
  }
}
