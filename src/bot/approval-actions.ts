import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, TurnContext } from 'botbuilder';
import { isApprovalVerb, renderApprovalCard, type ApprovalVerb } from '../../cards/approval';
import { renderApprovalRestrictedCard } from '../../cards/approval-restricted';
import { isAppError } from '../errors';
import type { AuditActor } from '../domain/audit';
import { WindowCounter } from '../domain/rate-limit';
import { hashReleaseCode, newReleaseCode, releaseCodeSpellings } from '../domain/release-code';
import { transition } from '../domain/request-lifecycle';
import {
  actionsFor,
  RESET_ACTIONS,
  RESET_METHOD_TYPES,
  VERIFICATION_METHODS,
} from '../domain/approver-choices';
import { needsReleaseCode } from '../domain/reset-plan';
import { isRequestId, type RequestDecision, type ResetAction } from '../domain/reset-request';
import { tapLifetime } from '../domain/tap-lifetime';
import type { MessageKey } from '../i18n/catalogues';
import type { TargetFactsCache } from '../requests/target-facts';
import type { AuditLog } from '../ports/audit-log';
import type { StoredRequest } from '../ports/request-store';
import {
  approvalBlock,
  approvalCardData,
  loadTargetFacts,
  restrictedCardData,
  type ApprovalViewDependencies,
  type TargetFacts,
} from './approval-view';
import { registerRequestNumber, registerTurnSecret } from '../../dialogs/turn-marks';

export interface ApprovalHandlerDependencies extends ApprovalViewDependencies {
  audit: AuditLog;
  /** The notifier's facts per request: a card that only shows them (a refresh, a refusal) reuses them. */
  facts?: TargetFactsCache;
  approverGroupId: string;
  /** The key release codes are hashed with; only the hash is stored. */
  releaseCodeKey: string;
  now: () => Date;
  /** Called after a request was approved, so the executor starts without waiting for its next poll. */
  onApproved: (requestId: string) => void;
  /** After a decision or claim was stored: update the card everywhere and tell the requester. */
  afterChange?: (
    request: StoredRequest['request'],
    event: 'claimed' | 'approved' | 'denied',
    /** What Graph said about the target a moment ago, so the card is not looked up twice. */
    facts: TargetFacts,
  ) => Promise<void>;
}

const MAX_DENY_REASON = 500;
/** How often one person may refresh approval cards: enough to follow a request, too few to scrape. */
const VIEW_LIMIT = { count: 6, windowMs: 60_000 } as const;

type Inputs = Record<string, unknown>;

/** The approver's own inputs, checked against allow-lists; everything else in the card data is ignored. */
export function readDecisionInputs(
  data: Inputs,
  verb: 'approve' | 'deny',
  tapMaxLifetimeMinutes: number,
  allowedActions: readonly ResetAction[] = RESET_ACTIONS,
): { ok: true; decision: Omit<RequestDecision, 'approver' | 'at'> } | { ok: false; problems: MessageKey[] } {
  const problems: MessageKey[] = [];
  const text = (key: string): string => (typeof data[key] === 'string' ? data[key].trim() : '');
  const verification = VERIFICATION_METHODS.find((value) => value === text('verificationMethod'));
  if (verb === 'deny') {
    const reason = text('denyReason');
    if (reason === '' || reason.length > MAX_DENY_REASON) problems.push('approval.problem.denyReason');
    return problems.length > 0
      ? { ok: false, problems }
      : {
          ok: true,
          decision: { denyReason: reason, ...(verification ? { verificationMethod: verification } : {}) },
        };
  }
  if (!verification) problems.push('approval.problem.verification');
  const named = RESET_ACTIONS.find((value) => value === text('action'));
  // An action the card did not offer for this request (replace_phone without a number) is refused.
  const action = named !== undefined && allowedActions.includes(named) ? named : undefined;
  if (named === 'replace_phone' && !action) problems.push('approval.problem.noNewPhone');
  else if (!action) problems.push('approval.problem.action');
  const requested = text('methodTypes')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  const methodTypes = RESET_METHOD_TYPES.filter((value) => requested.includes(value));
  if (requested.length !== methodTypes.length || (action !== 'replace_phone' && methodTypes.length === 0)) {
    problems.push('approval.problem.methods');
  }
  const lifetime = tapLifetime(tapMaxLifetimeMinutes).readTyped(text('tapLifetimeMinutes'));
  if (lifetime === undefined) problems.push('approval.problem.tapLifetime');
  const confirmedByCallback = text('confirmedByCallback') === 'true';
  if (action === 'replace_phone' && !confirmedByCallback) problems.push('approval.problem.callback');
  if (problems.length > 0 || !verification || !action || lifetime === undefined)
    return { ok: false, problems };
  return {
    ok: true,
    decision: {
      verificationMethod: verification,
      action,
      methodTypes,
      tapLifetimeMinutes: lifetime,
      confirmedByCallback,
    },
  };
}

/**
 * Handles clicks on approval cards (Universal Actions). The request is identified by its id only;
 * the clicker's rights are checked live; every change is a compare-and-swap; the answer is the
 * current card, whatever happened, so a stale or repeated click never shows an error.
 */
export class ApprovalHandler {
  private readonly viewLimiter: WindowCounter;
  /** Refused clicks per person: past the limit a click gets a short answer and no lookup at all. */
  private readonly refusedClicks: WindowCounter;

  constructor(private readonly deps: ApprovalHandlerDependencies) {
    const now = (): number => deps.now().getTime();
    this.viewLimiter = new WindowCounter({ limit: VIEW_LIMIT.count, windowMs: VIEW_LIMIT.windowMs, now });
    this.refusedClicks = new WindowCounter({
      limit: deps.config.limits.refusedClicksPerHour,
      windowMs: 60 * 60_000,
      now,
    });
  }

  async handle(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const from = context.activity.from;
    const actor: AuditActor | null = from?.aadObjectId
      ? { id: from.aadObjectId, name: from.name ?? '' }
      : null;
    const data = (
      typeof value.action?.data === 'object' && value.action.data !== null ? value.action.data : {}
    ) as Inputs;
    const verb: unknown = value.action?.verb;
    const requestId = data.requestId;
    // Automatic refreshes run without a click; they may show the card, never change it.
    // Teams sends `trigger` ('manual' | 'automatic') on the invoke's value; botbuilder rebuilds the
    // value it hands us without it, so it is read from the activity itself.
    const raw = context.activity.value as { trigger?: unknown } | undefined;
    const trigger = raw?.trigger ?? (value as { trigger?: unknown }).trigger;
    const viewOnly = trigger === 'automatic' || verb === 'refresh';
    const clicker = actor?.id ?? from?.id ?? '';

    if (this.refusedClicks.current(actor?.id ?? '') >= this.refusedClicks.limit) {
      // Still audited (merged per window by the audit log), but nothing is looked up.
      await this.refuse(
        isRequestId(requestId) ? requestId : undefined,
        actor,
        'too many refused clicks',
        verb,
      );
      return this.restricted(isRequestId(requestId) ? requestId : undefined, 'approval.refused.tooMany');
    }

    if (!isRequestId(requestId)) {
      await this.refuse(undefined, actor, 'unknown request id', verb);
      return this.message('approval.refused.unknown');
    }
    // Counted before anything is looked up, so a flood of refreshes reaches neither storage nor Graph.
    if (viewOnly && this.viewLimiter.hit(clicker).over) {
      this.deps.logger.debug({ requestId }, 'approval card refresh refused: too often');
      return this.restricted(requestId, 'approval.restricted.tooOften');
    }
    const stored = await this.deps.requests.get(requestId);
    if (!stored) {
      await this.refuse(undefined, actor, 'no such request', verb, { requestId });
      return this.message('approval.refused.unknown');
    }
    // Any answer may show the card, which shows the number while the request is open.
    registerRequestNumber(context, stored.request);
    // Nothing about the request is shown, and nothing done, before the clicker is known to be an
    // approver using the card where the bot posted it.
    if (!this.postedHere(context, stored)) {
      await this.refuse(requestId, actor, 'other conversation', verb, {
        conversationId: (context.activity.conversation?.id ?? '').slice(0, 200),
      });
      return this.restricted(requestId, 'approval.refused.otherConversation');
    }
    if (!actor) {
      await this.refuse(requestId, actor, 'no clicker identity', verb);
      return this.restricted(requestId, 'approval.refused.notApprover');
    }
    let member: boolean;
    try {
      member = (await this.deps.directory.memberOfGroups(actor.id, [this.deps.approverGroupId])).has(
        this.deps.approverGroupId,
      );
    } catch (error) {
      this.deps.logger.warn({ err: error, requestId }, 'approver check failed');
      await this.refuse(requestId, actor, 'approver check unavailable', verb);
      return this.restricted(requestId, 'approval.refused.unavailable');
    }
    if (!member) {
      await this.refuse(requestId, actor, 'not an approver', verb);
      return this.restricted(requestId, 'approval.refused.notApprover');
    }
    if (viewOnly) {
      if (verb !== 'refresh') await this.refuse(requestId, actor, 'automatic invoke', verb);
      await this.deps.audit.append({
        type: 'request.viewed',
        requestId,
        actor,
        data: { via: 'approval card', trigger: trigger === 'automatic' ? 'automatic' : 'manual' },
      });
      return this.card(stored);
    }
    if (!isApprovalVerb(verb)) {
      await this.refuse(requestId, actor, 'unknown verb', verb);
      return this.card(stored);
    }
    if (actor.id.toLowerCase() === stored.request.requester.aadObjectId.toLowerCase()) {
      await this.refuse(requestId, actor, 'own request', verb);
      return this.card(stored, 'approval.refused.own');
    }
    if (stored.request.state !== 'PENDING') return this.card(stored, 'approval.refused.notPending');
    return this.decide(context, stored, verb as Exclude<ApprovalVerb, 'refresh'>, data, actor);
  }

  /**
   * The invoke came from the card the bot posted: the same channel (Teams adds `;messageid=…` to a
   * thread's conversation id) and the same message (`replyToId`). A request whose card is not
   * recorded yet has no card anyone may act on.
   */
  private postedHere(context: TurnContext, stored: StoredRequest): boolean {
    const posted = stored.request.delivery?.approvals;
    if (!posted) return false;
    const conversation = (context.activity.conversation?.id ?? '').split(';')[0];
    return conversation === posted.conversationId && context.activity.replyToId === posted.activityId;
  }

  private restricted(requestId: string | undefined, reason: MessageKey): AdaptiveCardInvokeResponse {
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: renderApprovalRestrictedCard(
        restrictedCardData(this.deps.localizer, this.deps.config.defaultLocale, requestId, reason),
      ),
    };
  }

  private async decide(
    context: TurnContext,
    stored: StoredRequest,
    verb: Exclude<ApprovalVerb, 'refresh'>,
    data: Inputs,
    actor: AuditActor,
  ): Promise<AdaptiveCardInvokeResponse> {
    const { request } = stored;
    const at = this.deps.now();
    // Looked up once per click: the answer card and the card everyone else sees both use it.
    const facts = await loadTargetFacts(this.deps, request);
    if (verb === 'claim') {
      const claimed = { ...request, claimedBy: { id: actor.id, name: actor.name, at: at.toISOString() } };
      const saved = await this.save(claimed, stored.eTag, [
        { type: 'request.claimed', requestId: request.id, actor },
      ]);
      if (!saved) return this.card(await this.reload(request.id), 'approval.refused.notPending', facts);
      await this.after(saved.request, 'claimed', facts);
      return this.card(saved, undefined, facts);
    }
    const block =
      verb === 'approve' ? approvalBlock(facts, request, this.deps.config.breakGlassUserIds) : undefined;
    if (block !== undefined) {
      await this.refuse(request.id, actor, block, verb);
      const account = block === 'guest target' || block === 'disabled target' || block === 'account unknown';
      return this.card(stored, account ? 'approval.refused.account' : 'approval.refused.privileged', facts);
    }
    const inputs = readDecisionInputs(
      data,
      verb,
      this.deps.config.tapMaxLifetimeMinutes,
      actionsFor(request),
    );
    if (!inputs.ok) {
      await this.refuse(request.id, actor, 'disallowed inputs', verb, { problems: inputs.problems });
      const { maxMinutes } = tapLifetime(this.deps.config.tapMaxLifetimeMinutes);
      const problems = inputs.problems
        .map((key) =>
          this.deps.localizer.t(this.deps.config.defaultLocale, key, {
            max: maxMinutes,
          }),
        )
        .join(' / ');
      return this.card(stored, { key: 'approval.refused.input', params: { problems } }, facts);
    }
    const decision: RequestDecision = {
      approver: { id: actor.id, name: actor.name },
      at: at.toISOString(),
      ...inputs.decision,
    };
    // Changed phone: the pass is released only to whoever types the code the approver reads out on
    // the verification call. The code is on this answer card only; storage keeps a keyed hash.
    const releaseCode =
      verb === 'approve' && needsReleaseCode(decision, request.diagnosis) ? newReleaseCode() : undefined;
    if (releaseCode !== undefined) registerTurnSecret(context, ...releaseCodeSpellings(releaseCode));
    const next = transition(
      {
        ...request,
        decision,
        ...(releaseCode === undefined
          ? {}
          : {
              release: {
                codeHash: hashReleaseCode(this.deps.releaseCodeKey, request.id, releaseCode),
                issuedAt: at.toISOString(),
                attempts: 0,
              },
            }),
      },
      verb === 'approve' ? 'APPROVED' : 'DENIED',
      actor,
      at,
    );
    // The decision and its audit record commit together: no approval the audit trail does not hold.
    const saved = await this.save(next, stored.eTag, [
      {
        type: verb === 'approve' ? 'request.approved' : 'request.denied',
        requestId: request.id,
        actor,
        data: { ...inputs.decision, releaseCode: releaseCode !== undefined },
      },
    ]);
    if (!saved) return this.card(await this.reload(request.id), 'approval.refused.notPending', facts);
    if (verb === 'approve') this.deps.onApproved(request.id);
    await this.after(saved.request, verb === 'approve' ? 'approved' : 'denied', facts);
    return this.card(
      saved,
      releaseCode === undefined
        ? undefined
        : { key: 'approval.release.code', params: { code: releaseCode, name: request.requester.name } },
      facts,
    );
  }

  /** Telling people must never undo or fail a decision that is already stored. */
  private async after(
    request: StoredRequest['request'],
    event: 'claimed' | 'approved' | 'denied',
    facts: TargetFacts,
  ): Promise<void> {
    try {
      await this.deps.afterChange?.(request, event, facts);
    } catch (error) {
      this.deps.logger.warn(
        { err: error, requestId: request.id, event },
        'could not tell people about a decision',
      );
    }
  }

  /** CAS write; undefined when someone else changed the request first. */
  private async save(
    request: StoredRequest['request'],
    eTag: string,
    audit: Parameters<ApprovalHandlerDependencies['requests']['update']>[2],
  ): Promise<StoredRequest | undefined> {
    try {
      return await this.deps.requests.update(request, eTag, audit);
    } catch (error) {
      if (isAppError(error, 'CONFLICT')) return undefined;
      throw error;
    }
  }

  private async reload(id: string): Promise<StoredRequest> {
    const stored = await this.deps.requests.get(id);
    if (!stored) throw new Error(`request ${id} vanished`);
    return stored;
  }

  private async refuse(
    requestId: string | undefined,
    actor: AuditActor | null,
    reason: string,
    verb: unknown,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    this.deps.logger.info({ requestId, reason }, 'approval action refused');
    this.refusedClicks.hit(actor?.id ?? '');
    await this.deps.audit.append({
      type: 'request.refused',
      ...(requestId ? { requestId } : {}),
      actor,
      data: { reason, verb: typeof verb === 'string' ? verb.slice(0, 40) : typeof verb, ...extra },
    });
  }

  private async card(
    stored: StoredRequest,
    notice?: MessageKey | { key: MessageKey; params: Record<string, string | number> },
    facts?: TargetFacts,
  ): Promise<AdaptiveCardInvokeResponse> {
    const locale = this.deps.config.defaultLocale;
    const text =
      notice === undefined
        ? undefined
        : typeof notice === 'string'
          ? this.deps.localizer.t(locale, notice)
          : this.deps.localizer.t(locale, notice.key, notice.params);
    const known =
      facts ??
      this.deps.facts?.facts(stored.request.id) ??
      (await loadTargetFacts(this.deps, stored.request));
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: renderApprovalCard(approvalCardData(this.deps, stored.request, known, text)),
    };
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
