import type { Config } from '../config';
import type { AuditActor } from '../domain/audit';
import { actionsFor, type ApprovalVerb } from '../domain/approver-choices';
import { WindowCounter } from '../domain/rate-limit';
import { hashReleaseCode, newReleaseCode } from '../domain/release-code';
import { transition } from '../domain/request-lifecycle';
import { needsReleaseCode } from '../domain/reset-plan';
import type { RequestDecision, ResetRequest } from '../domain/reset-request';
import type { MessageKey } from '../i18n/catalogues';
import type { Logger } from '../log';
import type { AuditLog } from '../ports/audit-log';
import type { Directory, TargetFacts } from '../ports/directory';
import type { MessageParams, RequestNotifier } from '../ports/request-notifier';
import type { RequestStore, StoredRequest } from '../ports/request-store';
import { approvalBlock } from './approval-block';
import { updateUnlessChanged } from './update-unless-changed';
import { keyHolderGroups } from './key-holder-groups';
import { readDecisionInputs, type ApproverInputs } from './decision-inputs';
import { loadTargetFacts, type TargetFactsCache } from './target-facts';
import type { ReleaseAttempt } from './work-queue';

/** How often one person may refresh approval cards: enough to follow a request, too few to scrape. */
const VIEW_LIMIT = { count: 6, windowMs: 60_000 } as const;

export interface ApprovalSettings {
  approverGroupId: string;
  /** The approver and reviewer groups: their members' resets are never approved here. */
  keyHolderGroupIds: readonly string[];
  breakGlassUserIds: readonly string[];
  tapMaxLifetimeMinutes: number;
  /** The key release codes are hashed with; only the hash is stored. */
  releaseCodeKey: string;
  refusedClicksPerHour: number;
  /** The notices configured; each is audited as sent or undeliverable when a reset is approved. */
  notices: { securityChannel: boolean; mail: boolean };
}

/** The service's settings as the configuration states them. */
export function approvalSettings(config: Config): ApprovalSettings {
  return {
    approverGroupId: config.approverGroupId,
    keyHolderGroupIds: keyHolderGroups(config),
    breakGlassUserIds: config.breakGlassUserIds,
    tapMaxLifetimeMinutes: config.tapMaxLifetimeMinutes,
    releaseCodeKey: config.auditKey,
    refusedClicksPerHour: config.limits.refusedClicksPerHour,
    notices: { securityChannel: Boolean(config.securityChannelId), mail: Boolean(config.senderMailbox) },
  };
}

/** What the approval use cases need of the executor (src/requests/reset-executor.ts). */
export interface ApprovalWorker {
  /** Look for work now instead of at the next poll. */
  kick(): Promise<void>;
  notePassSeen(requestId: string, requesterId: string): Promise<boolean>;
  submitReleaseCode(requestId: string, requesterId: string, typed: string): Promise<ReleaseAttempt>;
}

export interface ApprovalServiceDependencies {
  requests: RequestStore;
  audit: AuditLog;
  directory: Directory;
  notifier: RequestNotifier;
  /** The notifier's facts per request: an answer that only shows the card (a refusal) reuses them. */
  facts?: TargetFactsCache;
  /** Without one, approved requests wait and release codes find nothing waiting. */
  worker?: ApprovalWorker;
  logger: Logger;
  now: () => Date;
  settings: ApprovalSettings;
}

/**
 * A click on an approval card, as the edge read it. Nothing in it says who the request is about:
 * the request is found by its id, and its target is the requester recorded when it was filed.
 */
export interface ApprovalClick {
  /** A well-formed request id, or undefined when the card sent none. */
  requestId: string | undefined;
  /** One of the card's verbs, or undefined for anything else. */
  verb: ApprovalVerb | undefined;
  /** What the audit records of the verb sent (the verb, shortened, or its type). */
  verbLabel: string;
  /** A refresh the client ran by itself: it may show the card, never change it. */
  automatic: boolean;
  /** Who clicked, from the channel's own sender fields; null without a directory id. */
  clicker: AuditActor | null;
  /** The channel's id for the sender: counts refreshes of someone without a directory id. */
  senderKey: string;
  /** Where the clicked card is. */
  origin: {
    /** The conversation, in the form the request's delivery records. */
    conversationId: string;
    activityId: string | undefined;
    /** The conversation id as sent, for the audit of a card used elsewhere. */
    reported: string;
  };
  /** The approver's own inputs; the rest of the card data never reaches here. */
  inputs: ApproverInputs;
}

/** A line shown on top of the card. */
export type ClickNotice =
  | { key: MessageKey; params?: MessageParams }
  /** The inputs the approver has to correct (each a message taking the pass's `max` lifetime). */
  | { inputProblems: MessageKey[] };

/** What the clicker sees next. */
export type ClickAnswer =
  /** No request to show: a short message instead of a card. */
  | { kind: 'message'; key: MessageKey }
  /** Nothing about the request: its id (if known) and why. */
  | {
      kind: 'restricted';
      requestId: string | undefined;
      reason: MessageKey;
      /** The request looked up for this click, if it was (the turn guards its number in the transcript). */
      request?: ResetRequest;
    }
  /** The request's current card. */
  | {
      kind: 'card';
      request: ResetRequest;
      facts: TargetFacts;
      notice?: ClickNotice;
      /** Changed phone, just approved: the code the approver reads out; it is shown on this answer only. */
      releaseCode?: string;
    };

type CardAnswer = Extract<ClickAnswer, { kind: 'card' }>;
type ChangeEvent = 'claimed' | 'approved' | 'denied';

/**
 * The request use cases apart from Teams: filing, the approval card's clicks (claim, approve,
 * deny, view), the requester's cancel, release code and "noted". The clicker's rights are checked
 * live; every change is a compare-and-swap on the stored eTag with its audit record in the same
 * write; telling people afterwards never undoes or fails a change that is stored.
 */
export class ApprovalService {
  private readonly viewLimiter: WindowCounter;
  /** Refused clicks per person: past the limit a click gets a short answer and no lookup at all. */
  private readonly refusedClicks: WindowCounter;

  constructor(private readonly deps: ApprovalServiceDependencies) {
    const now = (): number => deps.now().getTime();
    this.viewLimiter = new WindowCounter({ limit: VIEW_LIMIT.count, windowMs: VIEW_LIMIT.windowMs, now });
    this.refusedClicks = new WindowCounter({
      limit: deps.settings.refusedClicksPerHour,
      windowMs: 60 * 60_000,
      now,
    });
  }

  /** A new request: audited, then its card goes to the approvals channel; false if it could not. */
  async filed(request: ResetRequest): Promise<boolean> {
    await this.deps.audit.append({
      type: 'request.created',
      requestId: request.id,
      actor: { id: request.requester.aadObjectId, name: request.requester.name },
      data: { situation: request.diagnosis.situation, lostOrStolen: request.diagnosis.lostOrStolen },
    });
    return this.deps.notifier.postApprovalCard(request);
  }

  /** A click on an approval card. The answer is the current card whenever the clicker may see it. */
  async click(click: ApprovalClick): Promise<ClickAnswer> {
    const { requestId, verb, verbLabel, clicker: actor } = click;
    const viewOnly = click.automatic || verb === 'refresh';

    if (this.refusedClicks.current(actor?.id ?? '') >= this.refusedClicks.limit) {
      // Still audited (merged per window by the audit log), but nothing is looked up.
      await this.refuse(requestId, actor, 'too many refused clicks', verbLabel);
      return { kind: 'restricted', requestId, reason: 'approval.refused.tooMany' };
    }
    if (requestId === undefined) {
      await this.refuse(undefined, actor, 'unknown request id', verbLabel);
      return { kind: 'message', key: 'approval.refused.unknown' };
    }
    // Counted before anything is looked up, so a flood of refreshes reaches neither storage nor Graph.
    if (viewOnly && this.viewLimiter.hit(actor?.id ?? click.senderKey).over) {
      this.deps.logger.debug({ requestId }, 'approval card refresh refused: too often');
      return { kind: 'restricted', requestId, reason: 'approval.restricted.tooOften' };
    }
    const stored = await this.deps.requests.get(requestId);
    if (!stored) {
      await this.refuse(undefined, actor, 'no such request', verbLabel, { requestId });
      return { kind: 'message', key: 'approval.refused.unknown' };
    }
    const restricted = (reason: MessageKey): ClickAnswer => ({
      kind: 'restricted',
      requestId,
      reason,
      request: stored.request,
    });
    // Nothing about the request is shown, and nothing done, before the clicker is known to be an
    // approver using the card where the bot posted it.
    if (!postedAt(click.origin, stored)) {
      await this.refuse(requestId, actor, 'other conversation', verbLabel, {
        conversationId: click.origin.reported.slice(0, 200),
      });
      return restricted('approval.refused.otherConversation');
    }
    if (!actor) {
      await this.refuse(requestId, actor, 'no clicker identity', verbLabel);
      return restricted('approval.refused.notApprover');
    }
    const { approverGroupId } = this.deps.settings;
    let member: boolean;
    try {
      member = (await this.deps.directory.memberOfGroups(actor.id, [approverGroupId])).has(approverGroupId);
    } catch (error) {
      this.deps.logger.warn({ err: error, requestId }, 'approver check failed');
      await this.refuse(requestId, actor, 'approver check unavailable', verbLabel);
      return restricted('approval.refused.unavailable');
    }
    if (!member) {
      await this.refuse(requestId, actor, 'not an approver', verbLabel);
      return restricted('approval.refused.notApprover');
    }
    if (viewOnly) {
      if (verb !== 'refresh') await this.refuse(requestId, actor, 'automatic invoke', verbLabel);
      await this.deps.audit.append({
        type: 'request.viewed',
        requestId,
        actor,
        data: { via: 'approval card', trigger: click.automatic ? 'automatic' : 'manual' },
      });
      return this.card(stored);
    }
    if (verb === undefined) {
      await this.refuse(requestId, actor, 'unknown verb', verbLabel);
      return this.card(stored);
    }
    if (actor.id.toLowerCase() === stored.request.requester.aadObjectId.toLowerCase()) {
      await this.refuse(requestId, actor, 'own request', verbLabel);
      return this.card(stored, { key: 'approval.refused.own' });
    }
    if (stored.request.state !== 'PENDING') return this.card(stored, { key: 'approval.refused.notPending' });
    return this.decide(stored, verb, click.inputs, actor);
  }

  /** The requester cancels their own pending request (from the status card); true if it was cancelled. */
  async cancel(requestId: string, requesterId: string): Promise<boolean> {
    const stored = await this.deps.requests.get(requestId);
    if (!stored || stored.request.state !== 'PENDING') return false;
    const { requester } = stored.request;
    if (requester.aadObjectId.toLowerCase() !== requesterId.toLowerCase()) return false;
    const actor = { id: requester.aadObjectId, name: requester.name };
    const saved = await updateUnlessChanged(
      this.deps.requests,
      transition(stored.request, 'CANCELLED', actor, this.deps.now()),
      stored.eTag,
      [{ type: 'request.cancelled', requestId, actor }],
    );
    if (saved === undefined) return false;
    await this.deps.notifier.updateApprovalCard(saved.request);
    return true;
  }

  /** The requester typed the release code; the approvers hear when the request is held. */
  async submitReleaseCode(requestId: string, requesterId: string, typed: string): Promise<ReleaseAttempt> {
    const attempt = (await this.deps.worker?.submitReleaseCode(requestId, requesterId, typed)) ?? {
      outcome: 'notWaiting',
      triesLeft: 0,
    };
    if (attempt.outcome === 'released') this.kick();
    if (attempt.outcome === 'held' && attempt.request !== undefined) {
      await this.deps.notifier.tellApprovers(attempt.request, 'approval.release.held', {});
      await this.deps.notifier.updateApprovalCard(attempt.request);
    }
    return attempt;
  }

  /** The requester noted their pass; true if that moved the request on. */
  async notePassSeen(requestId: string, requesterId: string): Promise<boolean> {
    const moved = (await this.deps.worker?.notePassSeen(requestId, requesterId)) ?? false;
    // The parked request goes on now (sessions are revoked) instead of at the next poll.
    if (moved) this.kick();
    return moved;
  }

  private async decide(
    stored: StoredRequest,
    verb: Exclude<ApprovalVerb, 'refresh'>,
    inputs: ApproverInputs,
    actor: AuditActor,
  ): Promise<ClickAnswer> {
    const { request } = stored;
    const { settings } = this.deps;
    const at = this.deps.now();
    // Looked up once per click: the answer card and the card everyone else sees both use it.
    const facts = await this.loadFacts(request);
    const notPending = async (): Promise<ClickAnswer> =>
      this.card(await this.reload(request.id), { key: 'approval.refused.notPending' }, facts);
    if (verb === 'claim') {
      const claimed = { ...request, claimedBy: { id: actor.id, name: actor.name, at: at.toISOString() } };
      const saved = await updateUnlessChanged(this.deps.requests, claimed, stored.eTag, [
        { type: 'request.claimed', requestId: request.id, actor },
      ]);
      if (!saved) return notPending();
      await this.tellAfter(saved.request, 'claimed', facts);
      return this.card(saved, undefined, facts);
    }
    const block = verb === 'approve' ? approvalBlock(facts, request, settings.breakGlassUserIds) : undefined;
    if (block !== undefined) {
      await this.refuse(request.id, actor, block, verb);
      const account = block === 'guest target' || block === 'disabled target' || block === 'account unknown';
      return this.card(
        stored,
        { key: account ? 'approval.refused.account' : 'approval.refused.privileged' },
        facts,
      );
    }
    const read = readDecisionInputs(inputs, verb, settings.tapMaxLifetimeMinutes, actionsFor(request));
    if (!read.ok) {
      await this.refuse(request.id, actor, 'disallowed inputs', verb, { problems: read.problems });
      return this.card(stored, { inputProblems: read.problems }, facts);
    }
    const decision: RequestDecision = {
      approver: { id: actor.id, name: actor.name },
      at: at.toISOString(),
      ...read.decision,
    };
    // Changed phone: the pass is released only to whoever types the code the approver reads out on
    // the verification call. The code is on the answer card only; storage keeps a keyed hash.
    const releaseCode =
      verb === 'approve' && needsReleaseCode(decision, request.diagnosis) ? newReleaseCode() : undefined;
    const next = transition(
      {
        ...request,
        decision,
        ...(releaseCode === undefined
          ? {}
          : {
              release: {
                codeHash: hashReleaseCode(settings.releaseCodeKey, request.id, releaseCode),
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
    const saved = await updateUnlessChanged(this.deps.requests, next, stored.eTag, [
      {
        type: verb === 'approve' ? 'request.approved' : 'request.denied',
        requestId: request.id,
        actor,
        data: { ...read.decision, releaseCode: releaseCode !== undefined },
      },
    ]);
    if (!saved) return notPending();
    if (verb === 'approve') this.kick();
    await this.tellAfter(saved.request, verb === 'approve' ? 'approved' : 'denied', facts);
    if (releaseCode === undefined) return this.card(saved, undefined, facts);
    return {
      ...(await this.card(
        saved,
        { key: 'approval.release.code', params: { code: releaseCode, name: request.requester.name } },
        facts,
      )),
      releaseCode,
    };
  }

  /** After a decision or claim was stored: the card everywhere, the requester, the notices. */
  private async tellAfter(request: ResetRequest, event: ChangeEvent, facts: TargetFacts): Promise<void> {
    const { notifier } = this.deps;
    // Telling people must never undo or fail a decision that is already stored.
    try {
      // The clicker's answer shows their card; everyone else sees the message updated too.
      await notifier.updateApprovalCard(request, facts);
      if (event === 'claimed' && request.claimedBy) {
        await notifier.tellRequesterMessage(request, ['lifecycle.claimed'], { name: request.claimedBy.name });
      }
      if (event === 'approved') await this.announceApproval(request);
      if (event === 'denied') {
        await notifier.tellRequesterMessage(
          request,
          ['lifecycle.denied', 'lifecycle.deniedNext'],
          { reason: request.decision?.denyReason ?? '' },
          true,
        );
      }
    } catch (error) {
      this.deps.logger.warn(
        { err: error, requestId: request.id, event },
        'could not tell people about a decision',
      );
    }
  }

  /**
   * Notices go out when a reset is approved, not only once it ran: the manager and the security
   * channel hear of it while there is still time to stop it.
   */
  private async announceApproval(request: ResetRequest): Promise<void> {
    const sent = await this.deps.notifier.sendResetNotices(request);
    const { notices } = this.deps.settings;
    const outcomes: Array<[string, boolean]> = [];
    if (notices.securityChannel) outcomes.push(['securityChannel', sent.channel]);
    if (notices.mail) outcomes.push(['mail', sent.mail]);
    for (const [notice, delivered] of outcomes) {
      await this.deps.audit.append({
        type: delivered ? 'notice.sent' : 'notice.undeliverable',
        requestId: request.id,
        actor: null,
        data: { notice, state: request.state },
      });
    }
  }

  /** Starts the executor now instead of at its next poll. */
  private kick(): void {
    this.deps.worker
      ?.kick()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'executor run failed'));
  }

  private loadFacts(request: ResetRequest): Promise<TargetFacts> {
    const { directory, requests, logger, settings } = this.deps;
    return loadTargetFacts(
      { directory, requests, logger, keyHolderGroupIds: settings.keyHolderGroupIds },
      request,
    );
  }

  private async card(stored: StoredRequest, notice?: ClickNotice, facts?: TargetFacts): Promise<CardAnswer> {
    const known =
      facts ?? this.deps.facts?.facts(stored.request.id) ?? (await this.loadFacts(stored.request));
    return {
      kind: 'card',
      request: stored.request,
      facts: known,
      ...(notice === undefined ? {} : { notice }),
    };
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
    verbLabel: string,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    this.deps.logger.info({ requestId, reason }, 'approval action refused');
    this.refusedClicks.hit(actor?.id ?? '');
    await this.deps.audit.append({
      type: 'request.refused',
      ...(requestId ? { requestId } : {}),
      actor,
      data: { reason, verb: verbLabel, ...extra },
    });
  }
}

/**
 * The click came from the card the bot posted: the same conversation and the same message. A
 * request whose card is not recorded yet has no card anyone may act on.
 */
function postedAt(origin: ApprovalClick['origin'], stored: StoredRequest): boolean {
  const posted = stored.request.delivery?.approvals;
  if (!posted) return false;
  return origin.conversationId === posted.conversationId && origin.activityId === posted.activityId;
}
