import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  Dialog,
  WaterfallDialog,
  type DialogContext,
  type DialogInstance,
  type DialogTurnResult,
  type WaterfallStepContext,
} from './dialog-kit';
import { renderQuestionCard } from '../cards/question';
import { renderRequestConfirmationCard } from '../cards/request-confirmation';
import { isAppError } from '../src/errors';
import type { MessageKey } from '../src/i18n/catalogues';
import type { ParsedPhone, PhoneRejectReason } from '../src/domain/phone';
import type { SealedPhone } from '../src/domain/phone-seal';
import { createPendingRequest } from '../src/domain/request-lifecycle';
import { redactText } from '../src/domain/redaction';
import { linkTranscriptToRequest, registerTurnPhoneNumber } from './turn-marks';
import type { VerificationMethod } from '../src/domain/reset-request';
import { openRequestIdFromConflict, REQUEST_ID_TAKEN } from '../src/ports/request-store';
import { requestNextLines } from './request-next-steps';
import { chosenOption, readAnswer } from './answers';
import { activeWaterfallOptions, type DialogTools } from './dialog-dependencies';
import type { DiagnosisResult } from './diagnosis-dialog';
import { readTypedPhone } from './typed-phone';

export const INTAKE_DIALOG = 'intake';
const STAGE = 'intake.stage';
const MAX_REASON_LENGTH = 500;

type Stage = 'phone' | 'verification' | 'reason' | 'confirm';

/** What has been collected so far; it lives in dialog state only until the request exists. */
interface Draft {
  stage: Stage;
  diagnosis: Omit<DiagnosisResult, 'phone'>;
  /** Sealed: bot state never holds the number readable (src/domain/phone-seal.ts). */
  phone?: SealedPhone;
  /** Lost or stolen only: the person chose to file before they have a new number. */
  noNumberYet?: true;
  verification?: VerificationMethod;
  reason?: string;
}

/** Every reason the phone module can give has its own explanation (the compiler checks the list). */
const PHONE_REASONS: Record<PhoneRejectReason, MessageKey> = {
  EMPTY: 'intake.phone.reason.EMPTY',
  TOO_LONG: 'intake.phone.reason.TOO_LONG',
  TOO_SHORT: 'intake.phone.reason.TOO_SHORT',
  LETTERS: 'intake.phone.reason.LETTERS',
  HAS_EXTENSION: 'intake.phone.reason.HAS_EXTENSION',
  INVALID_CHARACTERS: 'intake.phone.reason.INVALID_CHARACTERS',
  MISPLACED_PLUS: 'intake.phone.reason.MISPLACED_PLUS',
  UNKNOWN_COUNTRY_CODE: 'intake.phone.reason.UNKNOWN_COUNTRY_CODE',
  INVALID: 'intake.phone.reason.INVALID',
  NOT_MOBILE: 'intake.phone.reason.NOT_MOBILE',
};

const VERIFICATIONS: ReadonlyArray<{ value: VerificationMethod; words: readonly string[] }> = [
  { value: 'video_call', words: ['ビデオ', 'ビデオ通話', 'video', 'video call', 'teams', '通話', 'call'] },
  { value: 'in_person', words: ['対面', '窓口', 'in person', 'desk', 'it desk'] },
  { value: 'manager', words: ['上長', '上司', 'マネージャー', 'manager', 'my manager'] },
];

/** The button (and typed words) for filing a lost or stolen phone before there is a new number. */
const NO_NUMBER_YET = 'noNumberYet';
const NO_NUMBER_WORDS: ReadonlyArray<{ value: typeof NO_NUMBER_YET; words: readonly string[] }> = [
  {
    value: NO_NUMBER_YET,
    words: [
      'まだない',
      'まだありません',
      '新しい番号はまだありません',
      'no number yet',
      'not yet',
      "i don't have a new number yet",
    ],
  },
];

const CONFIRM_WORDS: ReadonlyArray<{ value: 'submit' | 'editPhone' | 'cancel'; words: readonly string[] }> = [
  { value: 'submit', words: ['はい', '申請', '申請する', 'ok', 'yes', 'send', 'submit', 'send request'] },
  { value: 'editPhone', words: ['番号を直す', '直す', '修正', 'edit', 'change', 'change the number'] },
  { value: 'cancel', words: ['いいえ', 'やめる', 'no', 'cancel'] },
];

/**
 * Collects what IT needs for a reset (new number, how to verify, why), shows it for confirmation and
 * files the request. The target is always the Teams sender; nothing typed can name another person.
 */
export class IntakeDialog extends ComponentDialog {
  constructor(private readonly tools: DialogTools) {
    super(INTAKE_DIALOG);
    this.addDialog(new WaterfallDialog(STAGE, [this.ask.bind(this), this.read.bind(this)]));
    this.initialDialogId = STAGE;
  }

  protected override async onBeginDialog(
    innerDc: DialogContext,
    options?: object,
  ): Promise<DialogTurnResult> {
    // The number, if one was typed during the diagnosis, is kept once in the draft, not twice.
    const { phone: sealed, ...diagnosis } = options as DiagnosisResult;
    const refusal = await this.refusal(innerDc.context);
    if (refusal) return innerDc.endDialog();
    if (!sealed) return innerDc.beginDialog(STAGE, { stage: 'phone', diagnosis } satisfies Draft);
    const phone = this.tools.deps.phoneSeal.open(sealed);
    if (!phone) {
      await this.tools.say(innerDc.context, 'intake.phone.sealLost');
      return innerDc.beginDialog(STAGE, { stage: 'phone', diagnosis } satisfies Draft);
    }
    // Never asked again: shown in both forms now and on the confirmation, where it can be changed.
    registerTurnPhoneNumber(innerDc.context, phone.national, phone.international);
    await this.tools.say(innerDc.context, 'intake.phone.fromEarlier', {
      national: phone.national,
      international: phone.international,
    });
    return innerDc.beginDialog(STAGE, { stage: 'verification', diagnosis, phone: sealed } satisfies Draft);
  }

  /** Asks for what the current stage needs. */
  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = step.options as Draft;
    if (this.lostNumber(draft)) return this.askNumberAgain(step, draft);
    await this.sendStagePrompt(step.context, draft);
    return Dialog.EndOfTurn;
  }

  /** Reads the answer for the current stage and moves on, or explains and asks again. */
  private async read(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = step.options as Draft;
    // The answer was to a question shown with a number this instance can no longer read.
    if (this.lostNumber(draft)) return this.askNumberAgain(step, draft);
    const answer = readAnswer(step.context.activity, 'intake', draft.stage);
    if (answer.type === 'stale') {
      await this.tools.say(step.context, 'dialog.alreadyAnswered');
      return step.replaceDialog(STAGE, draft);
    }
    if (answer.type === 'tooLong') {
      await this.tools.say(step.context, 'dialog.tooLong', {
        max: draft.stage === 'reason' ? MAX_REASON_LENGTH : 1000,
      });
      return step.replaceDialog(STAGE, draft);
    }
    switch (draft.stage) {
      case 'phone': {
        if (this.mayFileWithoutNumber(draft) && chosenOption(answer, NO_NUMBER_WORDS) === NO_NUMBER_YET) {
          await this.tools.say(step.context, 'intake.phone.noNumberNoted');
          const { phone: _dropped, ...rest } = draft;
          const next: Stage = draft.verification && draft.reason ? 'confirm' : 'verification';
          return step.replaceDialog(STAGE, { ...rest, noNumberYet: true, stage: next });
        }
        if (answer.type !== 'text') {
          await this.tools.say(
            step.context,
            answer.type === 'empty' ? 'intake.phone.reason.EMPTY' : 'dialog.empty',
          );
          return step.replaceDialog(STAGE, draft);
        }
        // Short national numbers escape the pattern rules; the transcript must not keep them either.
        registerTurnPhoneNumber(step.context, answer.text);
        const parsed = readTypedPhone(
          answer.text,
          this.tools.locale(step.context),
          step.context.activity.locale,
        );
        if (!parsed.ok) {
          await this.tools.say(step.context, PHONE_REASONS[parsed.reason]);
          return step.replaceDialog(STAGE, draft);
        }
        registerTurnPhoneNumber(step.context, parsed.phone.national, parsed.phone.international);
        await this.tools.say(step.context, 'intake.phone.accepted', {
          national: parsed.phone.national,
          international: parsed.phone.international,
        });
        // After "change the number" the other answers are kept and the person goes back to confirm.
        const next: Stage = draft.verification && draft.reason ? 'confirm' : 'verification';
        const { noNumberYet: _dropped, ...rest } = draft;
        const phone = this.tools.deps.phoneSeal.seal(parsed.phone);
        return step.replaceDialog(STAGE, { ...rest, phone, stage: next });
      }
      case 'verification': {
        const value = chosenOption(answer, VERIFICATIONS);
        if (!value) {
          await this.tools.say(step.context, 'dialog.chooseOption');
          return step.replaceDialog(STAGE, draft);
        }
        return step.replaceDialog(STAGE, { ...draft, verification: value, stage: 'reason' });
      }
      case 'reason': {
        if (answer.type !== 'text') {
          await this.tools.say(step.context, 'dialog.empty');
          return step.replaceDialog(STAGE, draft);
        }
        // The reason outlives the open request; a number typed into it must not (DESIGN.md section 3).
        const reason = redactText(answer.text.normalize('NFKC').trim());
        if (reason.length > MAX_REASON_LENGTH) {
          await this.tools.say(step.context, 'dialog.tooLong', { max: MAX_REASON_LENGTH });
          return step.replaceDialog(STAGE, draft);
        }
        return step.replaceDialog(STAGE, { ...draft, reason, stage: 'confirm' });
      }
      case 'confirm': {
        const value = chosenOption(answer, CONFIRM_WORDS);
        if (value === 'editPhone') return step.replaceDialog(STAGE, { ...draft, stage: 'phone' });
        if (value === 'cancel') {
          await this.tools.say(step.context, 'dialog.cancelled');
          return step.endDialog();
        }
        if (value === 'submit') {
          await this.file(step.context, draft);
          return step.endDialog();
        }
        await this.tools.say(step.context, 'intake.confirm.prompt');
        return step.replaceDialog(STAGE, draft);
      }
    }
  }

  protected override async onRepromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    const draft = activeWaterfallOptions<Draft>(instance);
    if (!draft) return;
    if (this.lostNumber(draft)) {
      // The draft is the waterfall's own options object: changed here, it is what the next answer reads.
      delete draft.phone;
      draft.stage = 'phone';
      await this.tools.say(context, 'intake.phone.sealLost');
    }
    await this.sendStagePrompt(context, draft);
  }

  /** The draft's number, opened; undefined when there is none or its seal does not open. */
  private phoneOf(draft: Draft): ParsedPhone | undefined {
    return draft.phone === undefined ? undefined : this.tools.deps.phoneSeal.open(draft.phone);
  }

  /**
   * True when the draft holds a number that no longer opens: sealed under another key (the secret
   * was changed between two turns) or written before numbers were sealed.
   */
  private lostNumber(draft: Draft): boolean {
    return draft.phone !== undefined && this.phoneOf(draft) === undefined;
  }

  /** Says so and asks for the number again; the other answers are kept. */
  private async askNumberAgain(step: WaterfallStepContext, draft: Draft): Promise<DialogTurnResult> {
    await this.tools.say(step.context, 'intake.phone.sealLost');
    const { phone: _unreadable, ...rest } = draft;
    return step.replaceDialog(STAGE, { ...rest, stage: 'phone' } satisfies Draft);
  }

  /**
   * The people who cannot file here are told why, and who to contact, before any question: no
   * identity from Teams, an open request already, or the monthly cap reached.
   */
  private async refusal(context: TurnContext): Promise<boolean> {
    const requesterId = context.activity.from?.aadObjectId;
    if (!requesterId || !context.activity.conversation?.tenantId) {
      await this.tools.sendContactCard(context, 'intake.refused.title', ['intake.noIdentity']);
      return true;
    }
    const open = await this.tools.deps.requests.findOpenByRequester(requesterId);
    const requester = { id: requesterId, name: context.activity.from.name ?? '' };
    if (open) {
      await this.tools.deps.onRequestRefused(requester, 'open request exists', open.request.id);
      await this.tools.sendContactCard(context, 'intake.refused.title', ['intake.alreadyOpen'], {
        requestId: open.request.id,
      });
      return true;
    }
    if (await this.frozen(context, requester)) return true;
    const now = this.tools.deps.now();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const filed = await this.tools.deps.requests.countCreatedSince(requesterId, monthStart);
    const cap = this.tools.deps.config.monthlyRequestCap;
    if (filed >= cap) {
      await this.tools.deps.onRequestRefused(requester, 'monthly cap reached');
      await this.tools.sendContactCard(context, 'intake.refused.title', ['intake.monthlyCap'], { cap });
      this.tools.deps.logger.info({ cap }, 'request refused: monthly cap reached');
      return true;
    }
    return false;
  }

  /** Only a lost or stolen phone may be reported before the person has a new number. */
  private mayFileWithoutNumber(draft: Draft): boolean {
    return draft.diagnosis.facts.lostOrStolen === true;
  }

  /** The tenant-wide freeze: the person is sent to the helpdesk, audited, and nothing is filed. */
  private async frozen(context: TurnContext, requester: { id: string; name: string }): Promise<boolean> {
    if (!(await this.tools.deps.requestsFrozen())) return false;
    await this.tools.deps.onRequestRefused(requester, 'requests frozen');
    await this.tools.sendContactCard(context, 'intake.refused.title', ['intake.frozen']);
    return true;
  }

  private async file(context: TurnContext, draft: Draft): Promise<void> {
    const { activity } = context;
    const requesterId = activity.from.aadObjectId;
    const tenantId = activity.conversation.tenantId;
    const phone = this.phoneOf(draft);
    const numberGiven =
      phone !== undefined || (draft.noNumberYet === true && this.mayFileWithoutNumber(draft));
    if (!numberGiven || !draft.verification || draft.reason === undefined || !requesterId || !tenantId) {
      await this.tools.sayWithContact(context, 'error.generic');
      return;
    }
    const input = {
      tenantId,
      requester: { aadObjectId: requesterId, teamsUserId: activity.from.id, name: activity.from.name ?? '' },
      locale: this.tools.locale(context),
      ...(phone
        ? { newPhone: { graph: phone.graph, international: phone.international, national: phone.national } }
        : {}),
      verification: draft.verification,
      reason: draft.reason,
      diagnosis: {
        path: draft.diagnosis.path.join('>'),
        situation: draft.diagnosis.facts.situation ?? '',
        errorCodes: draft.diagnosis.errorCodes,
        workingMethods: draft.diagnosis.facts.workingMethod ? [draft.diagnosis.facts.workingMethod] : [],
        lostOrStolen: draft.diagnosis.facts.lostOrStolen === true,
      },
    };
    // Checked again here: the freeze may have begun while this person was answering.
    if (await this.frozen(context, { id: requesterId, name: activity.from.name ?? '' })) return;
    // A clash of random ids is possible in principle; draw again a few times rather than fail.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const stored = await this.tools.deps.requests.create(
          createPendingRequest(input, this.tools.deps.now()),
        );
        this.tools.deps.logger.info({ requestId: stored.request.id }, 'request filed');
        linkTranscriptToRequest(context, stored.request.id);
        await this.tools.say(context, 'intake.created', { requestId: stored.request.id });
        const delivered = await this.tools.deps.onRequestFiled(stored.request);
        if (delivered) {
          const locale = this.tools.locale(context);
          await this.tools.sendContactText(
            context,
            this.tools.t(context, 'intake.next.title'),
            requestNextLines(this.tools.deps.localizer, locale, stored.request, this.tools.deps.config),
          );
        } else {
          await this.tools.sendContactCard(
            context,
            'approval.undeliverable.title',
            ['approval.undeliverable'],
            {
              requestId: stored.request.id,
            },
          );
        }
        return;
      } catch (error) {
        const openId = openRequestIdFromConflict(error);
        if (openId) {
          await this.tools.sendContactCard(context, 'intake.refused.title', ['intake.alreadyOpen'], {
            requestId: openId,
          });
          return;
        }
        if (!(isAppError(error, 'CONFLICT') && error.details[0] === REQUEST_ID_TAKEN)) throw error;
      }
    }
    throw new Error('could not draw a free request id');
  }

  private async sendStagePrompt(context: TurnContext, draft: Draft): Promise<void> {
    switch (draft.stage) {
      case 'phone':
        if (!this.mayFileWithoutNumber(draft)) {
          await this.tools.say(context, 'intake.phone.prompt');
          return;
        }
        await this.tools.sendCard(
          context,
          renderQuestionCard({
            kind: 'intake',
            node: 'phone',
            prompt: this.tools.t(context, 'intake.phone.prompt'),
            hint: this.tools.t(context, 'intake.phone.noNumberYetHint'),
            options: [{ value: NO_NUMBER_YET, label: this.tools.t(context, 'intake.phone.noNumberYet') }],
            submitLabel: this.tools.t(context, 'dialog.submit'),
            chooseLabel: this.tools.t(context, 'dialog.chooseOption'),
            listLabel: this.tools.t(context, 'dialog.listLabel'),
          }),
        );
        return;
      case 'verification':
        await this.tools.sendCard(
          context,
          renderQuestionCard({
            kind: 'intake',
            node: 'verification',
            prompt: this.tools.t(context, 'intake.verification.prompt'),
            hint: '',
            options: VERIFICATIONS.map(({ value }) => ({
              value,
              label: this.tools.t(context, `intake.verification.${value}`),
            })),
            submitLabel: this.tools.t(context, 'dialog.submit'),
            chooseLabel: this.tools.t(context, 'dialog.chooseOption'),
            listLabel: this.tools.t(context, 'dialog.listLabel'),
          }),
        );
        return;
      case 'reason':
        await this.tools.say(context, 'intake.reason.prompt');
        return;
      case 'confirm': {
        const { verification, reason } = draft;
        const phone = this.phoneOf(draft);
        if ((!phone && !draft.noNumberYet) || !verification || reason === undefined) return;
        if (phone) registerTurnPhoneNumber(context, phone.national, phone.international);
        await this.tools.sendCard(
          context,
          renderRequestConfirmationCard({
            node: 'confirm',
            title: this.tools.t(context, 'intake.confirm.title'),
            facts: [
              {
                label: this.tools.t(context, 'intake.confirm.phone'),
                value: phone
                  ? `${phone.national} (${phone.international})`
                  : this.tools.t(context, 'intake.confirm.phoneNone'),
              },
              {
                label: this.tools.t(context, 'intake.confirm.verification'),
                value: this.tools.t(context, `intake.verification.${verification}`),
              },
              { label: this.tools.t(context, 'intake.confirm.reason'), value: reason },
            ],
            buttons: [
              { value: 'submit', label: this.tools.t(context, 'intake.confirm.submit'), style: 'positive' },
              {
                value: 'editPhone',
                label: this.tools.t(context, 'intake.confirm.editPhone'),
                style: 'default',
              },
              { value: 'cancel', label: this.tools.t(context, 'intake.confirm.cancel'), style: 'default' },
            ],
          }),
        );
        return;
      }
    }
  }
}
