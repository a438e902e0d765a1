import { MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import { renderApprovalCard } from '../../cards/approval';
import { passCardData, renderPassCard, type PassCardView } from '../../cards/pass';
import { toAttachment } from '../../cards/render';
import type { HelpdeskAdapter } from '../bot-adapter';
import type { Config, Locale } from '../config';
import { isAppError } from '../errors';
import { isFinal } from '../domain/request-lifecycle';
import type { ResetRequest } from '../domain/reset-request';
import { formatDateTime } from '../i18n/format';
import type { MessageKey } from '../i18n/catalogues';
import type { AuditLog } from '../ports/audit-log';
import { channelKey, userKey, type ConversationReferences } from '../ports/conversation-references';
import type { PassForDisplay, RequestNotifier } from '../ports/request-notifier';
import {
  approvalCardData,
  loadTargetFacts,
  type ApprovalViewDependencies,
  type TargetFacts,
} from './approval-view';
import type { PassEchoGuard } from './pass-echo-guard';
import { registerRequestNumber, registerTurnSecret } from '../../dialogs/turn-marks';
import { TargetFactsCache } from '../requests/target-facts';

export interface TeamsNotifierDependencies extends ApprovalViewDependencies {
  adapter: HelpdeskAdapter;
  references: ConversationReferences;
  audit: AuditLog;
  /** Remembers each pass shown, so the person pasting it back is redacted in the transcript. */
  passEchoes?: PassEchoGuard;
  config: ApprovalViewDependencies['config'] &
    Pick<Config, 'approvalsChannelId' | 'securityChannelId' | 'senderMailbox' | 'bot'>;
  facts?: TargetFactsCache;
}

/**
 * Reaches people and channels proactively through the conversation references the bot recorded.
 * Nothing here throws for an undeliverable message: it is audited and reported to the caller.
 */
export class TeamsNotifier implements RequestNotifier {
  /** What Graph said about each open request's target, shared by every redraw of its card. */
  readonly facts: TargetFactsCache;

  constructor(private readonly deps: TeamsNotifierDependencies) {
    this.facts = deps.facts ?? new TargetFactsCache();
  }

  /** Posts a new request's approval card to the approvals channel and remembers where it went. */
  async postApprovalCard(request: ResetRequest): Promise<boolean> {
    const target = `channel:${this.deps.config.approvalsChannelId}`;
    if (!(await this.deps.references.get(channelKey(this.deps.config.approvalsChannelId)))) {
      await this.undeliverable(request, target, 'no conversation reference');
      return false;
    }
    const card = await this.renderCard(request);
    const activityId = await this.send(
      request,
      target,
      channelKey(this.deps.config.approvalsChannelId),
      async (context) => {
        const response = await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
        return response?.id;
      },
    );
    if (activityId === undefined) return false;
    // Remember the message so every later state updates the same card (CAS: retry on a race).
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.deps.requests.get(request.id);
      if (!stored) return true;
      const delivery = { approvals: { conversationId: this.deps.config.approvalsChannelId, activityId } };
      try {
        await this.deps.requests.update({ ...stored.request, delivery }, stored.eTag);
        return true;
      } catch (error) {
        if (!isAppError(error, 'CONFLICT')) throw error;
      }
    }
    return true;
  }

  /** `facts`: what the caller just read from Graph, if it did; otherwise they are looked up. */
  async updateApprovalCard(request: ResetRequest, facts?: TargetFacts): Promise<boolean> {
    const posted = request.delivery?.approvals;
    if (!posted) return false;
    const card = await this.renderCard(request, facts);
    const done = await this.send(
      request,
      `channel:${posted.conversationId}`,
      channelKey(posted.conversationId),
      async (context) => {
        const update: Partial<Activity> = {
          id: posted.activityId,
          type: 'message',
          attachments: [toAttachment(card)],
        };
        await context.updateActivity(update);
        return true;
      },
    );
    return done === true;
  }

  async askForReleaseCode(request: ResetRequest): Promise<string | undefined> {
    const card = this.passCard(request.locale, { kind: 'askCode', requestId: request.id });
    return this.send(request, 'requester', userKey(request.requester.aadObjectId), async (context) => {
      const response = await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
      return response?.id ?? '';
    });
  }

  /** On the pass card that asked for the release code, or a new card when there is none to update. */
  async showPassToRequester(request: ResetRequest, pass: PassForDisplay): Promise<boolean> {
    const locale = request.locale;
    const card = this.passCard(locale, {
      kind: 'pass',
      requestId: request.id,
      pass: pass.value,
      expiresAt: formatDateTime(new Date(pass.expiresAt), locale, this.deps.config.timeZone),
    });
    // Before it is shown: a paste may reach another instance the moment the card arrives.
    await this.deps.passEchoes?.remember(request.requester.aadObjectId, pass.value, pass.expiresAt);
    const done = await this.send(
      request,
      'requester',
      userKey(request.requester.aadObjectId),
      async (context) => {
        registerTurnSecret(context, pass.value);
        return this.replacePassCard(context, request, card, true);
      },
    );
    return done === true;
  }

  async withdrawPass(request: ResetRequest): Promise<boolean> {
    if (request.delivery?.passCard === undefined) return false;
    const card = this.passCard(request.locale, { kind: 'withdrawn', requestId: request.id });
    const done = await this.send(request, 'requester', userKey(request.requester.aadObjectId), (context) =>
      this.replacePassCard(context, request, card, false),
    );
    return done === true;
  }

  async showPassToApprover(request: ResetRequest, pass: PassForDisplay): Promise<boolean> {
    const approver = request.decision?.approver;
    if (!approver) return false;
    const locale = this.deps.config.defaultLocale;
    const card = this.passCard(locale, {
      kind: 'pass',
      requestId: request.id,
      pass: pass.value,
      expiresAt: formatDateTime(new Date(pass.expiresAt), locale, this.deps.config.timeZone),
      forApproverAbout: request.requester.name,
    });
    await this.deps.passEchoes?.remember(approver.id, pass.value, pass.expiresAt);
    const done = await this.send(request, 'approver', userKey(approver.id), async (context) => {
      registerTurnSecret(context, pass.value);
      await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
      return true;
    });
    return done === true;
  }

  /** Updates the requester's pass card in place; `orSend`: post a new one when there is none or it fails. */
  private async replacePassCard(
    context: TurnContext,
    request: ResetRequest,
    card: ReturnType<typeof renderPassCard>,
    orSend: boolean,
  ): Promise<boolean> {
    const activityId = request.delivery?.passCard?.activityId;
    if (activityId !== undefined && activityId !== '') {
      try {
        await context.updateActivity({ id: activityId, type: 'message', attachments: [toAttachment(card)] });
        return true;
      } catch (error) {
        this.deps.logger.warn(
          { requestId: request.id, errorCode: isAppError(error) ? error.code : 'INTERNAL' },
          'could not update the pass card',
        );
        if (!orSend) return false;
      }
    }
    if (!orSend) return false;
    await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
    return true;
  }

  async tellRequesterOutcome(request: ResetRequest): Promise<boolean> {
    const locale = request.locale;
    const t = (key: MessageKey): string => this.deps.localizer.t(locale, key, { requestId: request.id });
    const lines: string[] = [];
    if (request.state === 'DONE' || request.state === 'PARTIAL' || request.state === 'FAILED') {
      lines.push(t(`outcome.${request.state}`));
      if (request.state !== 'FAILED') {
        lines.push(t(request.decision?.action === 'replace_phone' ? 'outcome.nextReplace' : 'outcome.next'));
      }
      // Part of the reset did not happen: the person needs a human, even if Teams stops working.
      if (request.state !== 'DONE') lines.push(this.deps.localizer.fullContactLines(locale).join('\n'));
    } else {
      lines.push(t(`status.state.${request.state}` as MessageKey));
    }
    return this.tellRequester(request, lines);
  }

  /** Tells the requester a sentence or two in their 1:1 chat. */
  async tellRequester(request: ResetRequest, lines: string[]): Promise<boolean> {
    const done = await this.send(
      request,
      'requester',
      userKey(request.requester.aadObjectId),
      async (context) => {
        await context.sendActivity(lines.join('\n\n'));
        return true;
      },
    );
    return done === true;
  }

  /** A localised message to the requester, optionally followed by the helpdesk contact. */
  async tellRequesterMessage(
    request: ResetRequest,
    keys: MessageKey[],
    params: Record<string, string | number>,
    withContact = false,
  ): Promise<boolean> {
    const locale = request.locale;
    const lines = keys.map((key) => this.deps.localizer.t(locale, key, { requestId: request.id, ...params }));
    if (withContact) lines.push(this.deps.localizer.fullContactLines(locale).join('\n'));
    return this.tellRequester(request, lines);
  }

  /** A message to the approvals channel, in the approvers' language. */
  async tellApprovers(
    request: ResetRequest,
    key: MessageKey,
    params: Record<string, string | number>,
  ): Promise<boolean> {
    const channel = this.deps.config.approvalsChannelId;
    const text = this.deps.localizer.t(this.deps.config.defaultLocale, key, {
      requestId: request.id,
      name: request.requester.name,
      ...params,
    });
    const done = await this.send(request, `channel:${channel}`, channelKey(channel), async (context) => {
      await context.sendActivity(text);
      return true;
    });
    return done === true;
  }

  /** A message to the approvals channel about no one request (the tenant-wide freeze). */
  async tellApprovalsChannel(key: MessageKey, params: Record<string, string | number>): Promise<boolean> {
    const reference = await this.deps.references.get(channelKey(this.deps.config.approvalsChannelId));
    if (!reference) {
      this.deps.logger.warn({ key }, 'approvals channel not known yet: message not sent');
      return false;
    }
    const text = this.deps.localizer.t(this.deps.config.defaultLocale, key, params);
    await this.deps.adapter.continueConversationAsync(
      this.deps.config.bot.appId,
      reference,
      async (context) => {
        await context.sendActivity(text);
      },
    );
    return true;
  }

  async sendResetNotices(
    request: ResetRequest,
    facts?: TargetFacts,
  ): Promise<{ channel: boolean; mail: boolean }> {
    const locale = this.deps.config.defaultLocale;
    const params = {
      requestId: request.id,
      name: request.requester.name,
      state: this.deps.localizer.t(locale, `approval.state.${request.state}`),
      approver: request.decision?.approver.name ?? '',
    };
    let channel = false;
    const security = this.deps.config.securityChannelId;
    if (security) {
      channel =
        (await this.send(request, `channel:${security}`, channelKey(security), async (context) => {
          await context.sendActivity(this.deps.localizer.t(locale, 'notice.channel', params));
          return true;
        })) === true;
    }
    let mail = false;
    const sender = this.deps.config.senderMailbox;
    if (sender) {
      mail = await this.mailNotice(request, sender, params, facts);
    }
    return { channel, mail };
  }

  private async mailNotice(
    request: ResetRequest,
    sender: string,
    params: Record<string, string>,
    facts: TargetFacts | undefined,
  ): Promise<boolean> {
    const locale = request.locale;
    const settled = isFinal(request.state);
    try {
      const id = request.requester.aadObjectId;
      // The addresses the approval card's facts hold, when this process read them for this reset.
      const known = facts ?? this.facts.facts(request.id);
      const [user, manager] = known?.user
        ? [known.user, known.manager]
        : await Promise.all([
            this.deps.directory.getUser(id),
            this.deps.directory.getManager(id).catch(() => undefined),
          ]);
      const to = [user.mail, manager?.mail].filter(
        (address): address is string => address !== undefined && address !== '',
      );
      if (to.length === 0) return false;
      await this.deps.directory.sendMail({
        fromMailbox: sender,
        to,
        // Sent at approval (before the reset ran) and again once it settled.
        subject: this.deps.localizer.t(
          locale,
          settled ? 'notice.mail.subject' : 'notice.approved.mail.subject',
        ),
        textBody: this.deps.localizer.t(
          locale,
          settled ? 'notice.mail.body' : 'notice.approved.mail.body',
          params,
        ),
      });
      // The caller (the executor's notices step, or the approval) audits the outcome.
      return true;
    } catch (error) {
      this.deps.logger.warn({ err: error, requestId: request.id }, 'notice mail failed');
      return false;
    }
  }

  private passCard(locale: Locale, view: PassCardView) {
    return renderPassCard(passCardData(this.deps.localizer, locale, view));
  }

  /**
   * The target is looked up once per reset: the facts given (a click's live reading) or the ones
   * kept from the last redraw (the cache holds a bounded number of requests). A settled card shows
   * the methods as they are now, read once more.
   */
  private async renderCard(request: ResetRequest, known?: TargetFacts) {
    let facts = known ?? this.facts.facts(request.id);
    if (!facts) facts = await loadTargetFacts(this.deps, request);
    else if (!known && isFinal(request.state)) facts = { ...facts, methods: await this.methodsNow(request) };
    // Kept past the settled card too: the notices that follow it mail the addresses read here.
    this.facts.remember(request.id, facts);
    return renderApprovalCard(approvalCardData(this.deps, request, facts));
  }

  private async methodsNow(request: ResetRequest) {
    try {
      return await this.deps.directory.listMethods(request.requester.aadObjectId);
    } catch (error) {
      this.deps.logger.warn(
        { err: error, requestId: request.id, lookup: 'methods' },
        'directory lookup failed',
      );
      return undefined;
    }
  }

  /**
   * Runs `work` in a proactive turn on the stored reference. Undefined (and an audit record) when
   * there is no reference or the channel refuses the message.
   */
  private async send<T>(
    request: ResetRequest,
    recipient: string,
    key: string,
    work: (context: TurnContext) => Promise<T>,
  ): Promise<T | undefined> {
    const reference = await this.deps.references.get(key);
    if (!reference) {
      await this.undeliverable(request, recipient, 'no conversation reference');
      return undefined;
    }
    let result: T | undefined;
    try {
      await this.deps.adapter.continueConversationAsync(
        this.deps.config.bot.appId,
        reference,
        async (context) => {
          // The cards and messages of this turn may show the number; short national numbers escape
          // the pattern rules, so every form of it is registered for the transcript.
          registerRequestNumber(context, request);
          result = await work(context);
        },
      );
      return result;
    } catch (error) {
      this.deps.logger.warn({ err: error, requestId: request.id, recipient }, 'proactive message failed');
      await this.undeliverable(request, recipient, 'channel refused the message');
      return undefined;
    }
  }

  private async undeliverable(request: ResetRequest, recipient: string, reason: string): Promise<void> {
    await this.deps.audit.append({
      type: 'notice.undeliverable',
      requestId: request.id,
      actor: null,
      data: { to: recipient, reason },
    });
  }
}
