import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  Dialog,
  WaterfallDialog,
  type DialogInstance,
  type DialogTurnResult,
  type WaterfallStepContext,
} from './dialog-kit';
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
import type { SealedPhone } from '../src/domain/phone-seal';
import {
  registeredFrom,
  tailoredAdvice,
  tailoredStageOf,
  type RegisteredMethods,
  type TailoredAdvice,
} from '../src/domain/tailored-advice';
import { AppError, isAppError } from '../src/errors';
import { registerTurnPhoneNumber, startTranscriptSegment } from './turn-marks';
import { adviceCardData, offerCardData, questionCardData, SHOW_ALL_OPTIONS } from './diagnosis-cards';
import { closestOptions, MAX_ANSWER_LENGTH, matchTyped, readAnswer, type Candidate } from './answers';
import { canStillFile, hear, heardAnswer, saysMore, topicsAhead, type Heard } from './listening';
import { phoneInSentence } from './typed-phone';
import { normaliseTypedText } from '../src/domain/text';
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
  /** Answers typed before their question was asked (option values only); see listening.ts. */
  heard?: Heard;
  /**
   * A new number typed during the diagnosis, for the intake, sealed (src/domain/phone-seal.ts). Kept
   * only while the walk can still end in a request, so it never stays in state longer than the
   * intake keeps it.
   */
  phone?: SealedPhone;
  /** The options offered as closest to a text the question could not place, shown once instead of the list. */
  offer?: string[];
}

export interface DiagnosisResult {
  outcome: EndNode['outcome'];
  endNode: NodeId;
  facts: DiagnosisFacts;
  path: NodeId[];
  errorCodes: string[];
  /** The new number typed during the diagnosis (sealed), which the intake uses instead of asking again. */
  phone?: SealedPhone;
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
    if (node.kind === 'question') {
      const heard = heardAnswer(node, position.heard ?? {});
      if (heard) {
        await this.tools.say(step.context, 'dialog.understood', {
          answer: this.tools.t(step.context, heard.labelKey),
        });
        return step.replaceDialog(WALK, this.moveTo(position, heard.next, heard.sets ?? {}));
      }
    }
    const tailored = await this.tailoredFor(step.context, position);
    switch (node.kind) {
      case 'question':
        if (position.offer) await this.sendOffer(step.context, node, position.offer);
        else await this.sendQuestion(step.context, node, tailored);
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
          ...(position.phone ? { phone: position.phone } : {}),
        };
        return step.endDialog(result);
      }
    }
  }

  /** Reads the answer to the question shown by `showNode`; anything unusable asks again. */
  private async readChoice(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { offer, ...position } = step.options as DiagnosisPosition;
    const node = getNode(position.nodeId);
    if (node.kind !== 'question') return step.replaceDialog(WALK, position);
    const answer = readAnswer(step.context.activity, 'diag', node.id);
    let option: ChoiceOption | undefined;
    let next: DiagnosisPosition = position;
    switch (answer.type) {
      case 'choice':
        if (answer.value === SHOW_ALL_OPTIONS && offer) return step.replaceDialog(WALK, position);
        option = node.options.find((candidate) => candidate.value === answer.value);
        break;
      case 'text': {
        const listened = this.listen(step.context, node, position, answer.text, answer.normalised);
        next = listened.position;
        option = this.matchTyped(node, answer.normalised, step.context);
        if (node.freeText === 'error-code') option ??= this.matchErrorCode(node, answer.text);
        const heard = heardAnswer(node, listened.now);
        // "No, I lost it" at the old-phone question is a lost phone, not only a missing one.
        option = node.listensFor === 'oldPhone' ? (heard ?? option) : (option ?? heard);
        if (option && !node.options.includes(option)) {
          // The answer belongs to an earlier question and changes the way on: say so.
          await this.tools.say(step.context, 'dialog.understood', {
            answer: this.tools.t(step.context, option.labelKey),
          });
        }
        if (option) break;
        if (listened.keptPhone || this.answersLater(node, position.heard ?? {}, listened.now)) {
          await this.tools.say(step.context, 'dialog.noted');
          return step.replaceDialog(WALK, next);
        }
        const closest = closestOptions(answer.normalised, this.candidates(node, step.context));
        if (closest.length > 0) return step.replaceDialog(WALK, { ...next, offer: closest });
        break;
      }
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
      return step.replaceDialog(WALK, next);
    }
    if (option.next === ROOT_NODE) startTranscriptSegment(step.context);
    return step.replaceDialog(WALK, this.moveTo(next, option.next, option.sets ?? {}));
  }

  /**
   * Takes from a typed text everything it answers (see listening.ts), the error codes it names and a
   * new phone number, which is masked in the transcript and kept only while a request can follow.
   */
  private listen(
    context: TurnContext,
    node: QuestionNode,
    position: DiagnosisPosition,
    text: string,
    normalised: string,
  ): { position: DiagnosisPosition; now: Heard; keptPhone: boolean } {
    const now = hear(text, normalised);
    const errorCodes = [...new Set([...position.errorCodes, ...extractHexCodes(text)])];
    let phone = position.phone;
    const found = phoneInSentence(text, this.tools.locale(context), context.activity.locale);
    if (found) {
      const shown = found.result.ok ? [found.result.phone.national, found.result.phone.international] : [];
      registerTurnPhoneNumber(context, found.typed, ...shown);
      if (found.result.ok && canStillFile(node.id))
        phone = this.tools.deps.phoneSeal.seal(found.result.phone);
    }
    return {
      position: {
        ...position,
        heard: { ...position.heard, ...now },
        errorCodes,
        ...(phone ? { phone } : {}),
      },
      now,
      keptPhone: phone !== position.phone,
    };
  }

  /** True when the text told something new that a question further on will use. */
  private answersLater(node: QuestionNode, before: Heard, now: Heard): boolean {
    const ahead = topicsAhead(node.id);
    const useful: Heard = {};
    for (const topic of ahead) if (now[topic] !== undefined) useful[topic] = now[topic];
    return saysMore(before, useful);
  }

  /**
   * Where a conversation opened with `text` starts: people often open with what happened
   * ("電話番号が変わりました", "0x8019019a が出ます"), and answering the questions for them spares a repeat.
   */
  async openingPosition(context: TurnContext, text: string | undefined): Promise<DiagnosisPosition> {
    const start = startPosition();
    const root = getNode(ROOT_NODE);
    if (root.kind !== 'question' || text === undefined || text.length > MAX_ANSWER_LENGTH) return start;
    const normalised = normaliseTypedText(text);
    if (normalised === '') return start;
    const { position, now, keptPhone } = this.listen(context, root, start, text, normalised);
    const option = this.matchTyped(root, normalised, context);
    // The first question is then skipped in showNode, which says what it understood.
    if (option) return { ...position, heard: { ...position.heard, situation: option.value } };
    if (heardAnswer(root, now) === undefined && (keptPhone || this.answersLater(root, {}, now))) {
      await this.tools.say(context, 'dialog.noted');
    }
    return position;
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
      ...(position.heard ? { heard: position.heard } : {}),
      ...(position.phone && canStillFile(next) ? { phone: position.phone } : {}),
    };
  }

  /** Typed answers: the option's listed words in either language, its label, or its number. */
  private matchTyped(node: QuestionNode, typed: string, context: TurnContext): ChoiceOption | undefined {
    const value = matchTyped(typed, this.candidates(node, context));
    return node.options.find((option) => option.value === value);
  }

  private candidates(node: QuestionNode, context: TurnContext): Array<Candidate<string>> {
    return node.options.map((option) => ({
      value: option.value,
      words: [...option.matches.ja, ...option.matches.en, this.tools.t(context, option.labelKey)],
    }));
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

  /** The closest options to what the person typed, and a button for the whole list. */
  private async sendOffer(
    context: TurnContext,
    node: QuestionNode,
    values: readonly string[],
  ): Promise<void> {
    await this.tools.sendCard(
      context,
      renderQuestionCard(offerCardData(this.tools.deps.localizer, this.tools.locale(context), node, values)),
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
