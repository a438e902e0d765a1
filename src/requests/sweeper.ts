import { isAppError } from '../errors';
import { transition } from '../domain/request-lifecycle';
import type { ResetRequest } from '../domain/reset-request';
import { requestDeadlines, type OfficeSchedule } from '../domain/office-hours';
import type { Logger } from '../log';
import type { AuditLog } from '../ports/audit-log';
import { runUnderLease, type JobLease } from '../ports/leases';
import { isResetMethodType } from '../domain/approver-choices';
import { authMethodTypesFor } from '../domain/reset-plan';
import type { AuthMethod, AuthMethodType, Directory } from '../ports/directory';
import type { RequestStore, StoredRequest } from '../ports/request-store';
import type { RequestNotifier } from '../ports/request-notifier';
import { updateUnlessChanged } from './update-unless-changed';

export interface RequestSweeperOptions {
  requests: RequestStore;
  audit: AuditLog;
  directory: Directory;
  notifier: Pick<
    RequestNotifier,
    'updateApprovalCard' | 'tellRequesterMessage' | 'tellApprovers' | 'withdrawPass'
  >;
  logger: Logger;
  now: () => Date;
  expiryMinutes: number;
  reminderLeadMinutes: number;
  /** Expiry and reminders count office minutes only: a request is never lost to a night or a weekend. */
  schedule: OfficeSchedule;
  /** How often a settled request's pass is checked for a newly registered method. */
  loopCheckMinutes?: number;
  intervalMs?: number;
  /** Conversation state not written for `expiryMinutes` is wiped (abandoned intakes). */
  staleDrafts?: { expiryMinutes: number; wipeBefore: (before: Date) => Promise<number> };
  /** With several instances on one store, each pass takes this lease, so one sweeps at a time. */
  lease?: JobLease;
  /** Requests read from the store at a time (default 500): the sweep's memory, not its reach. */
  pageSize?: number;
}

/** The lease every instance's sweeper takes for a pass. */
export const SWEEPER_LEASE = 'request-sweeper';

const SWEEPER = { id: 'request-sweeper', name: 'Request sweeper' };
const MINUTE = 60_000;
/** A few megabytes of records against the 160 MB heap `npm start` allows, and few queries a pass. */
const DEFAULT_PAGE_SIZE = 500;
/** Methods that do not count as "the person registered something new". */
const NOT_NEW = new Set<AuthMethodType>(['password', 'temporaryAccessPass', 'email', 'other']);
/**
 * Types whose Graph v1.0 resource carries `createdDateTime`. Phones and software OATH tokens carry
 * none (phoneauthenticationmethod, softwareoathauthenticationmethod), so they are judged otherwise.
 */
const DATED = new Set<AuthMethodType>(['microsoftAuthenticator', 'fido2', 'windowsHelloForBusiness']);

/**
 * Registered after the pass was created, so the person is set up with something of their own.
 * Methods the reset kept (Windows Hello and FIDO2 keys by default) are older than the pass and do
 * not count. An undated method counts only if the reset removed its type and none was left after
 * it; a dated type without a date is not counted: the pass then runs out instead of being deleted
 * under someone who still needs it.
 */
export function isNewSincePass(method: AuthMethod, request: ResetRequest, passCreatedMs: number): boolean {
  if (NOT_NEW.has(method.type)) return false;
  const created = method.createdDateTime === undefined ? Number.NaN : Date.parse(method.createdDateTime);
  if (!Number.isNaN(created)) return created > passCreatedMs;
  if (DATED.has(method.type)) return false;
  const removed = authMethodTypesFor((request.decision?.methodTypes ?? []).filter(isResetMethodType));
  return removed.includes(method.type) && !(request.execution?.remaining ?? []).includes(method.type);
}

/**
 * Finds requests whose time has come, after a restart too: everything it acts on is read from
 * storage, and every change is a compare-and-swap, so it never acts twice on one request and never
 * overrides an approver who got there first.
 */
export class RequestSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: RequestSweeperOptions) {}

  start(): void {
    if (this.timer) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass over the due work; concurrent calls share the pass in progress. */
  runOnce(): Promise<void> {
    this.running ??= this.sweepWhenLeased()
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'sweep failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** The lease spares other instances the same Graph reads; the CAS on each request stays the guarantee. */
  private async sweepWhenLeased(): Promise<void> {
    const { lease } = this.options;
    if (lease === undefined) return this.sweep();
    const run = await runUnderLease(lease, SWEEPER_LEASE, this.options.now(), () => this.sweep());
    if (!run.ran) this.options.logger.debug('another instance holds the sweeper lease; pass skipped');
  }

  private async sweep(): Promise<void> {
    if (this.options.staleDrafts) {
      // Drafts nobody came back to: the number typed into an abandoned intake goes with them.
      const { expiryMinutes, wipeBefore } = this.options.staleDrafts;
      const wiped = await wipeBefore(new Date(this.options.now().getTime() - expiryMinutes * MINUTE));
      if (wiped > 0) this.options.logger.info({ wiped }, 'stale conversation state wiped');
    }
    // Paged: the states grow with the backlog and with history, and a pass holds one page at a time.
    const pageSize = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
    for await (const page of this.options.requests.pagesByState(['PENDING'], pageSize)) {
      for (const stored of page) await this.sweepPending(stored);
    }
    for await (const page of this.options.requests.pagesByState(['DONE', 'PARTIAL'], pageSize)) {
      for (const stored of page) await this.closeTheLoop(stored);
    }
  }

  private async sweepPending(stored: StoredRequest): Promise<void> {
    const { request } = stored;
    const now = this.options.now();
    const deadlines = requestDeadlines(new Date(request.createdAt), this.options, this.options.schedule);
    const expiresAt = deadlines.expiresAt.getTime();
    if (now.getTime() >= expiresAt) {
      const saved = await updateUnlessChanged(
        this.options.requests,
        transition(request, 'EXPIRED', SWEEPER, now),
        stored.eTag,
        [{ type: 'request.expired', requestId: request.id, actor: null }],
      );
      if (!saved) return;
      await this.options.notifier.updateApprovalCard(saved.request);
      await this.options.notifier.tellRequesterMessage(saved.request, ['lifecycle.expired'], {}, true);
      await this.options.notifier.tellApprovers(saved.request, 'lifecycle.expiredApprovers', {});
      return;
    }
    if (now.getTime() >= deadlines.remindAt.getTime() && request.reminderSentAt === undefined) {
      // Recorded before it is sent: a crash in between loses one reminder rather than sending two.
      const saved = await updateUnlessChanged(
        this.options.requests,
        { ...request, reminderSentAt: now.toISOString() },
        stored.eTag,
      );
      if (!saved) return;
      // Office minutes left: a reminder sent at closing time does not count the night.
      const wall = Math.ceil((expiresAt - now.getTime()) / MINUTE);
      const minutes = Math.max(1, Math.min(this.options.reminderLeadMinutes, wall));
      const sent = await this.options.notifier.tellApprovers(saved.request, 'lifecycle.reminder', {
        minutes,
      });
      await this.options.audit.append({
        type: 'request.reminder_sent',
        requestId: request.id,
        actor: null,
        data: { delivered: sent },
      });
    }
  }

  /**
   * After a re-register with a pass: once the person has registered a method of their own, the
   * rest of the pass is deleted; if the pass runs out unused, the person and IT are told.
   */
  private async closeTheLoop(stored: StoredRequest): Promise<void> {
    const { request } = stored;
    const tap = request.execution?.tap;
    const loop = request.execution?.loop;
    if (!tap || loop?.closedAt) return;
    const now = this.options.now();
    const checkEvery = (this.options.loopCheckMinutes ?? 5) * MINUTE;
    if (loop?.checkedAt && now.getTime() - Date.parse(loop.checkedAt) < checkEvery) return;
    const userId = request.requester.aadObjectId;
    let registered = false;
    try {
      const methods = await this.options.directory.listMethods(userId);
      // Graph's own date for the pass when it still lists it; otherwise the recorded expiry less its lifetime.
      const listed = methods.find((method) => method.id === tap.methodId)?.createdDateTime;
      const listedMs = listed === undefined ? Number.NaN : Date.parse(listed);
      const passCreatedMs = Number.isNaN(listedMs)
        ? Date.parse(tap.expiresAt) - tap.lifetimeMinutes * MINUTE
        : listedMs;
      registered = methods.some((method) => isNewSincePass(method, request, passCreatedMs));
    } catch (error) {
      this.options.logger.warn({ err: error, requestId: request.id }, 'could not check for a new method');
      return;
    }
    const expired = now.getTime() >= Date.parse(tap.expiresAt);
    if (!registered && !expired) {
      await updateUnlessChanged(
        this.options.requests,
        withLoop(request, { ...loop, checkedAt: now.toISOString() }),
        stored.eTag,
      );
      return;
    }
    const outcome = registered ? 'registered' : 'expired';
    const saved = await updateUnlessChanged(
      this.options.requests,
      withLoop(request, { ...loop, checkedAt: now.toISOString(), closedAt: now.toISOString(), outcome }),
      stored.eTag,
    );
    if (!saved) return;
    await this.options.notifier.updateApprovalCard(saved.request);
    // Used or run out, the pass is of no use any more: the requester's card stops showing it.
    await this.options.notifier.withdrawPass(saved.request);
    if (registered) {
      try {
        const deleted = await this.options.directory.deleteTemporaryAccessPass(userId, tap.methodId);
        await this.options.audit.append({
          type: 'graph.step',
          requestId: request.id,
          actor: null,
          data: { step: 'deletePassEarly', outcome: 'succeeded', graphRequestId: deleted.requestId ?? null },
        });
      } catch (error) {
        // An already used or expired pass is gone anyway; anything else is logged for IT.
        if (!isAppError(error, 'NOT_FOUND')) {
          this.options.logger.warn({ err: error, requestId: request.id }, 'could not delete the pass early');
        }
      }
      await this.options.notifier.tellRequesterMessage(saved.request, ['lifecycle.loopRegistered'], {});
    } else {
      await this.options.notifier.tellRequesterMessage(saved.request, ['lifecycle.loopExpired'], {}, true);
      await this.options.notifier.tellApprovers(saved.request, 'lifecycle.loopExpiredApprovers', {});
    }
    await this.options.audit.append({
      type: 'request.settled',
      requestId: request.id,
      actor: null,
      data: { loop: outcome },
    });
  }
}

function withLoop(
  request: ResetRequest,
  loop: NonNullable<NonNullable<ResetRequest['execution']>['loop']>,
): ResetRequest {
  return { ...request, execution: { steps: [], ...request.execution, loop } };
}
