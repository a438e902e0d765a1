import { randomBytes } from 'node:crypto';
import type { AuditEvent } from '../domain/audit';
import { RELEASE_CODE_MAX_TRIES, releaseCodeMatches } from '../domain/release-code';
import { transition } from '../domain/request-lifecycle';
import type { PassAudience, ResetPlan, StepName } from '../domain/reset-plan';
import { DIRECTORY_CHANGING_STEPS, endStateProblems, planReset } from '../domain/reset-plan';
import type {
  Actor,
  ExecutionStep,
  FinalState,
  OpenResetRequest,
  ResetRequest,
} from '../domain/reset-request';
import type { ErrorCode } from '../errors';
import { traced } from '../telemetry';
import { AppError, isAppError } from '../errors';
import type { Logger } from '../log';
import type { AuditLog } from '../ports/audit-log';
import type {
  DeleteMethodsResult,
  DeletionAttempt,
  Directory,
  EndState,
  MutationResult,
  PrivilegeReport,
  SetMobilePhoneResult,
  TemporaryAccessPass,
} from '../ports/directory';
import type { PassForDisplay, RequestNotifier } from '../ports/request-notifier';
import type { RequestStore, StoredRequest } from '../ports/request-store';

export interface ResetExecutorOptions {
  requests: RequestStore;
  audit: AuditLog;
  directory: Directory;
  notifier: RequestNotifier;
  logger: Logger;
  now?: () => Date;
  /** Names this process in leases and history; several workers may share one store. */
  workerId: string;
  /** HELPDESK_TAP_MAX_LIFETIME_MINUTES. */
  tapMaxLifetimeMinutes: number;
  /** Changed phone: how long to wait for "I have noted it" before revoking sessions anyway. */
  passNotedTimeoutMinutes?: number;
  /** How long a taken request stays ours without a renewal; a crashed worker's runs out after this. */
  leaseSeconds?: number;
  pollIntervalMs?: number;
  /** HELPDESK_BREAK_GLASS user ids: never reset by the bot, whatever Graph says about their roles. */
  breakGlassUserIds?: readonly string[];
  /**
   * The privilege report the approval click read live, while it is part of the same decision (see
   * TargetFactsCache); without one, the executor reads Graph.
   */
  recentPrivilege?: (requestId: string) => PrivilegeReport | undefined;
  /** The approver and reviewer groups: their members hold the keys and are never reset here. */
  keyHolderGroupIds?: readonly string[];
  /** The key release codes are hashed with (see src/domain/release-code.ts); without it none matches. */
  releaseCodeKey?: string;
  /** Changed phone: how long after approval the requester may type the release code. */
  releaseCodeTimeoutMinutes?: number;
}

/** What typing a release code did. */
export interface ReleaseAttempt {
  outcome: 'released' | 'wrong' | 'held' | 'notWaiting';
  /** Wrong codes the requester may still type before the request is held. */
  triesLeft: number;
  /** The request as stored after the attempt, for telling the approvers. */
  request?: ResetRequest;
}

export const EXECUTOR_DEFAULTS = {
  passNotedTimeoutMinutes: 10,
  releaseCodeTimeoutMinutes: 30,
  leaseSeconds: 120,
  pollIntervalMs: 5_000,
} as const;

/** Who the history names for the moves the executor makes. */
export const EXECUTOR_ACTOR: Actor = { id: 'reset-executor', name: 'Reset executor' };

/** A worker that parked a request (waiting for the requester) marks the lease so; see `notePassSeen`. */
const PARKED_PREFIX = 'parked:';

/**
 * A pass whose value was lost (a crash between creating and showing it) is replaced at most this
 * often; a crash loop must not keep minting credentials.
 */
const MAX_PASS_CREATES = 3;

/** Steps whose records belong to one pass: a new pass makes the earlier ones stale. */
const PASS_BOUND_STEPS: ReadonlySet<StepName> = new Set<StepName>([
  'verifyEndState',
  'showPassToRequester',
  'showPassToApprover',
  'awaitPassNoted',
]);

type StepOutcome = 'continue' | 'stop' | 'park';

/** Thrown inside a run when a compare-and-swap shows another worker owns the request now. */
class LeaseLost extends Error {
  constructor(requestId: string) {
    super(`Request ${requestId} is no longer leased to this worker`);
    this.name = 'LeaseLost';
  }
}

interface Run {
  readonly id: string;
  readonly token: string;
  stored: StoredRequest;
  readonly plan: ResetPlan;
  readonly target: string;
  /** The pass value, only in this run's memory between its creation and showing it. */
  pass: PassForDisplay | undefined;
  lost: boolean;
  /** Serialises this run's writes (step records and lease renewals) so they never race each other. */
  writes: Promise<unknown>;
}

function steps(request: ResetRequest): readonly ExecutionStep[] {
  return request.execution?.steps ?? [];
}

/** Index just past the newest pass's `createPass` 'started' record; 0 when there is none. */
function passEpochStart(request: ResetRequest): number {
  const all = steps(request);
  for (let i = all.length - 1; i >= 0; i--) {
    const step = all[i];
    if (step.name === 'createPass' && step.status === 'started') return i + 1;
  }
  return 0;
}

/** The newest record of a step, ignoring records made for an earlier pass. */
function currentRecord(request: ResetRequest, name: StepName, hasPass: boolean): ExecutionStep | undefined {
  const all = steps(request);
  const from = hasPass && PASS_BOUND_STEPS.has(name) ? passEpochStart(request) : 0;
  for (let i = all.length - 1; i >= from; i--) {
    const step = all[i];
    if (step.name === name) return step;
  }
  return undefined;
}

function errorCodeOf(error: unknown): ErrorCode {
  return isAppError(error) ? error.code : 'INTERNAL';
}

function requestIdOf(error: unknown): string | undefined {
  return isAppError(error) ? error.requestId : undefined;
}

/**
 * Whether a failed change may still have been applied. Graph's own error answer (it carries a
 * request-id) means it refused; a timeout, a gateway timeout or a connection lost before any answer
 * leaves it unknown, and unknown counts as changed, because claiming "nothing changed" wrongly is
 * the worse mistake.
 */
function mayHaveApplied(code: ErrorCode, requestId: string | undefined): boolean {
  return code === 'TIMEOUT' || requestId === undefined;
}

function deletionChanged(attempts: readonly DeletionAttempt[]): boolean {
  return attempts.some(
    (a) =>
      a.outcome === 'deleted' ||
      (a.outcome === 'failed' && mayHaveApplied(a.errorCode ?? 'INTERNAL', a.requestId)),
  );
}

function addMinutes(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * 60_000);
}

/**
 * Carries out approved reset requests exactly once (DESIGN.md section 3, "Execution"). Work is taken
 * from the store with a compare-and-swap lease; every step is recorded before and after it runs, so
 * a worker that finds a request whose lease ran out continues from the last recorded step.
 */
export class ResetExecutor {
  private readonly requests: RequestStore;
  private readonly audit: AuditLog;
  private readonly directory: Directory;
  private readonly notifier: RequestNotifier;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly workerId: string;
  private readonly tapMaxLifetimeMinutes: number;
  private readonly passNotedTimeoutMs: number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly breakGlass: ReadonlySet<string>;
  private readonly recentPrivilege: ((requestId: string) => PrivilegeReport | undefined) | undefined;
  private readonly releaseCodeKey: string | undefined;
  private readonly releaseCodeTimeoutMs: number;
  private readonly keyHolderGroupIds: readonly string[];
  /** Requests this instance is running, so overlapping `runOnce` calls never take their own work. */
  private readonly active = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private kicked: Promise<void> | undefined;
  private kickAgain = false;

  constructor(options: ResetExecutorOptions) {
    this.requests = options.requests;
    this.audit = options.audit;
    this.directory = options.directory;
    this.notifier = options.notifier;
    this.logger = options.logger.child({ component: 'reset-executor', workerId: options.workerId });
    this.now = options.now ?? (() => new Date());
    this.workerId = options.workerId;
    this.tapMaxLifetimeMinutes = options.tapMaxLifetimeMinutes;
    this.passNotedTimeoutMs =
      (options.passNotedTimeoutMinutes ?? EXECUTOR_DEFAULTS.passNotedTimeoutMinutes) * 60_000;
    this.leaseMs = (options.leaseSeconds ?? EXECUTOR_DEFAULTS.leaseSeconds) * 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? EXECUTOR_DEFAULTS.pollIntervalMs;
    this.breakGlass = new Set((options.breakGlassUserIds ?? []).map((id) => id.toLowerCase()));
    this.recentPrivilege = options.recentPrivilege;
    this.releaseCodeKey = options.releaseCodeKey;
    this.releaseCodeTimeoutMs =
      (options.releaseCodeTimeoutMinutes ?? EXECUTOR_DEFAULTS.releaseCodeTimeoutMinutes) * 60_000;
    this.keyHolderGroupIds = options.keyHolderGroupIds ?? [];
  }

  /** Polls for work on an unref'd timer, so a pending poll never keeps the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.kick(), this.pollIntervalMs);
    this.timer.unref();
    void this.kick();
  }

  /** Stops polling and waits for the run in progress, if any. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.kickAgain = false;
    await this.kicked;
  }

  /**
   * Runs soon (after an approval, or the requester noting the pass). Calls that arrive during a run
   * coalesce into one more run after it. Never rejects: failures are logged.
   */
  kick(): Promise<void> {
    if (this.kicked !== undefined) {
      this.kickAgain = true;
      return this.kicked;
    }
    const loop = async (): Promise<void> => {
      do {
        this.kickAgain = false;
        try {
          await this.runOnce();
        } catch (error) {
          this.logger.error({ err: error }, 'executor run failed');
        }
      } while (this.kickAgain);
    };
    this.kicked = loop().finally(() => {
      this.kicked = undefined;
    });
    return this.kicked;
  }

  /**
   * Takes and runs every request that is waiting for a worker: APPROVED ones, and EXECUTING ones
   * whose lease ran out (a crashed worker, or a request parked until the requester noted the pass).
   */
  async runOnce(): Promise<void> {
    const candidates = [
      ...(await this.requests.listByState(['APPROVED'])),
      ...(await this.requests.listByState(['EXECUTING'])),
    ];
    for (const stored of candidates) {
      if (this.active.has(stored.request.id) || !this.isWaiting(stored.request)) continue;
      this.active.add(stored.request.id);
      try {
        await this.takeAndRun(stored);
      } catch (error) {
        if (error instanceof LeaseLost) {
          this.logger.warn({ requestId: stored.request.id }, 'another worker took the request over');
        } else {
          // The lease runs out and a worker resumes from the recorded steps.
          this.logger.error({ err: error, requestId: stored.request.id }, 'executing the request failed');
        }
      } finally {
        this.active.delete(stored.request.id);
      }
    }
  }

  /**
   * The requester pressed "I have noted it" on the pass card. Returns false unless `requesterAadId`
   * is the request's requester and the request is waiting for exactly this; sessions are revoked next.
   */
  async notePassSeen(requestId: string, requesterAadId: string): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.requests.get(requestId);
      if (stored === undefined) return false;
      const request = stored.request;
      if (
        request.state !== 'EXECUTING' ||
        request.requester.aadObjectId.toLowerCase() !== requesterAadId.toLowerCase() ||
        request.diagnosis.lostOrStolen ||
        (request.decision?.action ?? 're_register') !== 're_register' ||
        currentRecord(request, 'showPassToRequester', true) === undefined ||
        currentRecord(request, 'awaitPassNoted', true)?.status === 'succeeded'
      ) {
        return false;
      }
      const execution = request.execution ?? { steps: [] };
      if (execution.tapNotedAt !== undefined) return true;
      const at = this.now();
      const parked = execution.lease?.owner.startsWith(PARKED_PREFIX) === true;
      const next: ResetRequest = {
        ...request,
        updatedAt: at.toISOString(),
        execution: {
          ...execution,
          tapNotedAt: at.toISOString(),
          // A parked request is released at once; a worker still running it sees the time itself.
          ...(parked && execution.lease ? { lease: { ...execution.lease, until: at.toISOString() } } : {}),
        },
      };
      try {
        await this.requests.update(next, stored.eTag);
      } catch (error) {
        if (isAppError(error, 'CONFLICT')) continue;
        throw error;
      }
      this.logger.info({ requestId }, 'requester noted the pass');
      if (this.timer !== undefined) void this.kick();
      return true;
    }
    return false;
  }

  /**
   * The requester typed the release code on their pass card. Only the requester, only while the
   * request waits for it; after RELEASE_CODE_MAX_TRIES wrong codes the request is held for the
   * approver. Each attempt is audited in the same transaction as the change it makes.
   */
  async submitReleaseCode(requestId: string, requesterAadId: string, typed: string): Promise<ReleaseAttempt> {
    const notWaiting: ReleaseAttempt = { outcome: 'notWaiting', triesLeft: 0 };
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.requests.get(requestId);
      if (stored === undefined) return notWaiting;
      const request = stored.request;
      const release = request.release;
      if (
        request.state !== 'EXECUTING' ||
        request.requester.aadObjectId.toLowerCase() !== requesterAadId.toLowerCase() ||
        release === undefined ||
        release.verifiedAt !== undefined ||
        this.releaseCodeKey === undefined ||
        currentRecord(request, 'awaitReleaseCode', false)?.status !== 'started'
      ) {
        return notWaiting;
      }
      // Already held: the approvers were told when it happened.
      if (release.heldAt !== undefined) return { outcome: 'held', triesLeft: 0 };
      const at = this.now();
      const matches = releaseCodeMatches(this.releaseCodeKey, request.id, typed, release.codeHash);
      const attempts = matches ? release.attempts : release.attempts + 1;
      const held = !matches && attempts >= RELEASE_CODE_MAX_TRIES;
      const execution = request.execution ?? { steps: [] };
      const parked = execution.lease?.owner.startsWith(PARKED_PREFIX) === true;
      const next: ResetRequest = {
        ...request,
        updatedAt: at.toISOString(),
        release: {
          ...release,
          attempts,
          ...(matches ? { verifiedAt: at.toISOString() } : {}),
          ...(held ? { heldAt: at.toISOString() } : {}),
        },
        // A parked request goes on at once once the code matched.
        ...(matches && parked && execution.lease
          ? { execution: { ...execution, lease: { ...execution.lease, until: at.toISOString() } } }
          : {}),
      };
      const actor = { id: request.requester.aadObjectId, name: request.requester.name };
      let saved: StoredRequest;
      try {
        saved = await this.requests.update(next, stored.eTag, [
          {
            type: matches ? 'release.verified' : held ? 'release.held' : 'release.refused',
            requestId,
            actor,
            data: { attempts, maxTries: RELEASE_CODE_MAX_TRIES },
          },
        ]);
      } catch (error) {
        if (isAppError(error, 'CONFLICT')) continue;
        throw error;
      }
      this.logger.info({ requestId, attempts, matches, held }, 'release code typed');
      if (matches && this.timer !== undefined) void this.kick();
      const triesLeft = Math.max(0, RELEASE_CODE_MAX_TRIES - attempts);
      return { outcome: matches ? 'released' : held ? 'held' : 'wrong', triesLeft, request: saved.request };
    }
    return notWaiting;
  }

  // ------------------------------------------------------------------------------------------------
  // Taking work

  private isWaiting(request: ResetRequest): boolean {
    if (request.state === 'APPROVED') return true;
    if (request.state !== 'EXECUTING') return false;
    const until = request.execution?.lease?.until;
    return until === undefined || Date.parse(until) <= this.now().getTime();
  }

  private async takeAndRun(stored: StoredRequest): Promise<void> {
    const request = stored.request;
    if (request.state !== 'APPROVED' && request.state !== 'EXECUTING') return;
    const at = this.now();
    const token = `${this.workerId}#${randomBytes(4).toString('hex')}`;
    const lease = { owner: token, until: this.leaseUntil(at) };
    const resumed = request.state === 'EXECUTING';
    const base: OpenResetRequest = resumed
      ? { ...request, updatedAt: at.toISOString() }
      : transition(request, 'EXECUTING', EXECUTOR_ACTOR, at, `worker ${this.workerId}`);
    const next: OpenResetRequest = {
      ...base,
      execution: { ...(base.execution ?? {}), steps: [...steps(base)], lease },
    };
    let taken: StoredRequest;
    try {
      // Fail closed: when the audit record cannot be written the request is not taken, so no Graph
      // change is ever made that the audit trail does not announce.
      taken = await this.requests.update(
        next,
        stored.eTag,
        resumed
          ? []
          : [
              {
                type: 'request.executing',
                requestId: request.id,
                actor: null,
                data: { workerId: this.workerId },
              },
            ],
      );
    } catch (error) {
      if (isAppError(error, 'CONFLICT') || isAppError(error, 'NOT_FOUND')) return;
      throw error;
    }
    const open = taken.request as OpenResetRequest;
    this.logger.info({ requestId: open.id, resumed }, resumed ? 'resuming request' : 'executing request');

    const planned = planReset(
      {
        decision: open.decision,
        diagnosis: open.diagnosis,
        ...(open.newPhone ? { newPhone: open.newPhone } : {}),
      },
      { tapMaxLifetimeMinutes: this.tapMaxLifetimeMinutes },
    );
    if (!planned.ok) {
      await this.refuse(open, taken, token, planned.refusal);
      return;
    }
    const run: Run = {
      id: open.id,
      token,
      stored: taken,
      plan: planned.plan,
      target: open.requester.aadObjectId,
      pass: undefined,
      lost: false,
      writes: Promise.resolve(),
    };
    await this.tellCard(run.stored.request);
    try {
      await this.execute(run);
    } finally {
      run.pass = undefined;
    }
  }

  /** A decision the plan cannot carry out (e.g. replace phone without a callback): FAILED, nothing sent. */
  private async refuse(
    request: OpenResetRequest,
    stored: StoredRequest,
    token: string,
    refusal: string,
  ): Promise<void> {
    this.logger.warn({ requestId: request.id, refusal }, 'the approved decision cannot be carried out');
    const final = transition(request, 'FAILED', EXECUTOR_ACTOR, this.now(), refusal);
    const settled: ResetRequest = {
      ...final,
      execution: { ...(final.execution ?? { steps: [] }), lease: undefined },
    };
    await this.notifyOutcome(settled, false);
    try {
      await this.requests.update(settled, stored.eTag, [
        {
          type: 'request.settled',
          requestId: request.id,
          actor: null,
          data: { outcome: 'FAILED', reason: refusal, workerId: this.workerId, owner: token },
        },
      ]);
    } catch (error) {
      if (isAppError(error, 'CONFLICT')) throw new LeaseLost(request.id);
      throw error;
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Records

  /**
   * Compare-and-swap of the run's record. On a conflict the record is read again: if the lease is
   * still this run's (the requester noting the pass writes too), `change` is applied to the fresh
   * copy; otherwise another worker owns the request and the run stops. `lease`: 'renew' extends this
   * run's lease, 'asChanged' keeps what `change` put there (parking, the final state).
   */
  private save(
    run: Run,
    change: (current: ResetRequest) => ResetRequest,
    lease: 'renew' | 'asChanged' = 'renew',
    /** Written in the same transaction as the change. */
    audit: readonly AuditEvent[] = [],
  ): Promise<ResetRequest> {
    const write = run.writes.then(async () => {
      if (run.lost) throw new LeaseLost(run.id);
      let current = run.stored;
      for (let attempt = 0; attempt < 5; attempt++) {
        if (current.request.state !== 'EXECUTING') break;
        const at = this.now();
        const changed = change(current.request);
        const next: ResetRequest =
          lease === 'asChanged'
            ? { ...changed, updatedAt: at.toISOString() }
            : {
                ...changed,
                updatedAt: at.toISOString(),
                execution: {
                  ...(changed.execution ?? { steps: [] }),
                  lease: { owner: run.token, until: this.leaseUntil(at) },
                },
              };
        try {
          run.stored = await this.requests.update(next, current.eTag, audit);
          return run.stored.request;
        } catch (error) {
          if (!isAppError(error, 'CONFLICT')) throw error;
          const fresh = await this.requests.get(run.id);
          if (
            fresh === undefined ||
            fresh.request.state !== 'EXECUTING' ||
            fresh.request.execution?.lease?.owner !== run.token
          ) {
            run.lost = true;
            throw new LeaseLost(run.id);
          }
          current = fresh;
        }
      }
      run.lost = true;
      throw new LeaseLost(run.id);
    });
    run.writes = write.catch(() => undefined);
    return write;
  }

  private record(
    run: Run,
    name: StepName,
    status: ExecutionStep['status'],
    extra: Omit<ExecutionStep, 'name' | 'status' | 'at'> = {},
    patch: (
      execution: NonNullable<ResetRequest['execution']>,
    ) => Partial<NonNullable<ResetRequest['execution']>> = () => ({}),
  ): Promise<ResetRequest> {
    return this.save(run, (current) => {
      const execution = current.execution ?? { steps: [] };
      const step: ExecutionStep = { name, status, at: this.now().toISOString(), ...extra };
      return {
        ...current,
        execution: { ...execution, ...patch(execution), steps: [...execution.steps, step] },
      };
    });
  }

  private leaseUntil(at: Date): string {
    return new Date(at.getTime() + this.leaseMs).toISOString();
  }

  /** Renews the lease while a long Graph call runs, so a live worker is never taken for a crashed one. */
  private async heartbeat<T>(run: Run, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(
      () => {
        this.save(run, (current) => current).catch(() => undefined);
      },
      Math.max(250, Math.floor(this.leaseMs / 3)),
    );
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private status(run: Run, name: StepName): ExecutionStep['status'] | undefined {
    return currentRecord(run.stored.request, name, run.plan.pass !== undefined)?.status;
  }

  private passDelivered(run: Run): boolean {
    return (
      this.status(run, 'showPassToRequester') === 'succeeded' ||
      this.status(run, 'showPassToApprover') === 'succeeded'
    );
  }

  // ------------------------------------------------------------------------------------------------
  // The plan

  private async execute(run: Run): Promise<void> {
    for (const step of run.plan.steps) {
      if (step === 'notices') break;
      const status = this.status(run, step);
      if (step === 'createPass') {
        const outcome = await this.traceStep(run, step, () => this.ensurePass(run));
        if (outcome === 'stop') return this.settle(run);
        continue;
      }
      if (status === 'succeeded') continue;
      if (status === 'failed') {
        if (this.continuesAfterFailure(run, step)) continue;
        return this.settle(run);
      }
      // Not started yet, or started by a worker that died: every other step is safe to run again.
      const outcome = await this.traceStep(run, step, () => this.runStep(run, step));
      if (outcome === 'park') return;
      if (outcome === 'stop') return this.settle(run);
    }
    await this.settle(run);
  }

  /** A span per executor step, named by the step, for the request (an id, nothing personal). */
  private traceStep<T>(run: Run, step: StepName, work: () => Promise<T>): Promise<T> {
    return traced(`executor.${step}`, { attributes: { 'helpdesk.request_id': run.id } }, async (span) => {
      const outcome = await work();
      if (typeof outcome === 'string') span.setAttribute('executor.outcome', outcome);
      return outcome;
    });
  }

  /**
   * Failures that do not end the run: a method Graph refuses to delete while it is the default (the
   * end state reports it and the person still needs the pass), an unreadable end state (the pass is
   * already made), and a requester unreachable when the approver got the pass instead.
   */
  private continuesAfterFailure(run: Run, step: StepName): boolean {
    const record = currentRecord(run.stored.request, step, run.plan.pass !== undefined);
    if (step === 'verifyEndState') return true;
    // Once the pass exists the person needs it, whatever could not be deleted: the end state says what is left.
    if (step === 'deleteMethods') {
      return record?.error === 'DEFAULT_METHOD_REFUSED' || this.status(run, 'createPass') === 'succeeded';
    }
    if (step === 'showPassToRequester') return this.status(run, 'showPassToApprover') === 'succeeded';
    return false;
  }

  private async runStep(run: Run, step: StepName): Promise<StepOutcome> {
    switch (step) {
      case 'checkPrivilege':
        return this.checkPrivilege(run);
      case 'deleteMethods':
        return this.deleteMethods(run);
      case 'revokeSessions':
        return this.revokeSessions(run);
      case 'setMobile':
        return this.setMobile(run);
      case 'verifyEndState':
        await this.verifyEndState(run);
        return 'continue';
      case 'showPassToRequester':
      case 'showPassToApprover':
        return this.showPass(run, step === 'showPassToRequester' ? 'requester' : 'approver');
      case 'awaitPassNoted':
        return this.awaitPassNoted(run);
      case 'awaitReleaseCode':
        return this.awaitReleaseCode(run);
      case 'createPass':
      case 'deletePass':
      case 'notices':
        throw new AppError('INTERNAL', `${step} is not run as a plain step`);
    }
  }

  private async checkPrivilege(run: Run): Promise<StepOutcome> {
    await this.record(run, 'checkPrivilege', 'started');
    let privileged: boolean;
    let roles: number;
    const fromClick = this.recentPrivilege?.(run.id);
    try {
      const report =
        fromClick ??
        (await this.heartbeat(run, () =>
          this.directory.getPrivilege(run.target, { keyHolderGroupIds: this.keyHolderGroupIds }),
        ));
      roles = report.grants.length;
      privileged = report.privileged;
    } catch (error) {
      await this.graphFailed(run, 'checkPrivilege', 'get privilege', error, false);
      return 'stop';
    }
    const breakGlass = this.breakGlass.has(run.target.toLowerCase());
    await this.graphStep(run, 'checkPrivilege', {
      operation: 'get privilege',
      outcome: 'succeeded',
      // Read live by the approval click moments ago (one decision), or by this step.
      source: fromClick ? 'approval click' : 'graph',
      privileged,
      roles,
      breakGlass,
    });
    if (privileged || breakGlass) {
      await this.record(run, 'checkPrivilege', 'failed', { error: 'PRIVILEGED' });
      await this.appendAudit({
        type: 'request.refused',
        requestId: run.id,
        actor: null,
        data: { reason: breakGlass ? 'break_glass_target' : 'privileged_target', stage: 'execution' },
      });
      this.logger.warn({ requestId: run.id }, 'target is privileged now; nothing was changed');
      return 'stop';
    }
    await this.record(run, 'checkPrivilege', 'succeeded');
    return 'continue';
  }

  private async deleteMethods(run: Run): Promise<StepOutcome> {
    await this.record(run, 'deleteMethods', 'started');
    const result = await this.deleteTypes(run, 'deleteMethods', run.plan.deleteTypes);
    if (result === undefined) return 'stop';
    await this.tellCard(run.stored.request);
    if (result.failed.length === 0) return 'continue';
    return this.continuesAfterFailure(run, 'deleteMethods') ? 'continue' : 'stop';
  }

  /**
   * One `deleteMethods` call recorded as `step`; the adapter lists what is still registered first, so
   * a re-run after a crash deletes only what is left and each DELETE reaches Graph once overall.
   */
  private async deleteTypes(
    run: Run,
    step: 'deleteMethods' | 'deletePass',
    types: ResetPlan['deleteTypes'],
  ): Promise<DeleteMethodsResult | undefined> {
    let result: DeleteMethodsResult;
    try {
      result = await this.heartbeat(run, () => this.directory.deleteMethods(run.target, types));
    } catch (error) {
      // Thrown before any DELETE (the list failed, or a refused type): nothing changed.
      await this.graphFailed(run, step, 'list authentication methods', error, false);
      return undefined;
    }
    for (const attempt of result.attempts) {
      await this.graphStep(run, step, {
        operation: `delete ${attempt.methodType} method`,
        outcome: attempt.outcome,
        graphRequestId: attempt.requestId,
        errorCode: attempt.errorCode,
        methodType: attempt.methodType,
        methodId: attempt.methodId,
      });
    }
    const changed = deletionChanged(result.attempts);
    const lastRequestId = result.attempts.at(-1)?.requestId;
    if (result.failed.length === 0) {
      await this.record(run, step, 'succeeded', { graphRequestId: lastRequestId, changed });
      return result;
    }
    const blocking = result.failed.find((f) => f.errorCode !== 'DEFAULT_METHOD_REFUSED');
    await this.record(run, step, 'failed', {
      graphRequestId: lastRequestId,
      error: (blocking ?? result.failed[0])?.errorCode ?? 'INTERNAL',
      changed,
    });
    this.logger.warn(
      {
        requestId: run.id,
        step,
        failed: result.failed.map((f) => ({ type: f.type, errorCode: f.errorCode })),
        stoppedEarly: result.stoppedEarly,
      },
      'some methods could not be deleted',
    );
    return result;
  }

  private async revokeSessions(run: Run): Promise<StepOutcome> {
    await this.record(run, 'revokeSessions', 'started');
    let result: MutationResult;
    try {
      result = await this.heartbeat(run, () => this.directory.revokeSignInSessions(run.target));
    } catch (error) {
      await this.graphFailed(run, 'revokeSessions', 'revoke sign-in sessions', error, true);
      return 'stop';
    }
    await this.graphStep(run, 'revokeSessions', {
      operation: 'revoke sign-in sessions',
      outcome: 'succeeded',
      graphRequestId: result.requestId,
    });
    await this.record(run, 'revokeSessions', 'succeeded', {
      graphRequestId: result.requestId,
      changed: true,
    });
    await this.tellCard(run.stored.request);
    return 'continue';
  }

  private async setMobile(run: Run): Promise<StepOutcome> {
    const phone = run.plan.newMobile;
    if (phone === undefined) throw new AppError('INTERNAL', 'replace phone planned without a number');
    await this.record(run, 'setMobile', 'started');
    let result: SetMobilePhoneResult;
    try {
      result = await this.heartbeat(run, () => this.directory.setMobilePhone(run.target, phone));
    } catch (error) {
      await this.graphFailed(run, 'setMobile', 'set mobile phone', error, true);
      return 'stop';
    }
    await this.graphStep(run, 'setMobile', {
      operation: result.action === 'updated' ? 'update mobile phone' : 'add mobile phone',
      outcome: 'succeeded',
      graphRequestId: result.requestId,
      lastTwo: phone.nationalNumber.slice(-2),
    });
    await this.record(run, 'setMobile', 'succeeded', { graphRequestId: result.requestId, changed: true });
    await this.tellCard(run.stored.request);
    return 'continue';
  }

  /**
   * Makes sure a pass exists whose value this run holds, unless it was already delivered.
   *
   * The value lives only in the memory of the run that created it, and is shown only after the
   * create was recorded as succeeded. So if this run finds a create left 'started' (the worker died
   * during the POST), or a created pass that was never shown, nobody can have the value — except
   * the requester if the worker died while the card was on its way. Creating again blindly would
   * still be safe for the person (Graph replaces an existing pass), but it would leave no record of
   * what happened to the first one. So the run deletes every pass the user has (recorded as
   * 'deletePass', each DELETE audited) and then creates one fresh pass, whose value it shows. The
   * newer records make the older verify/show/wait records stale, and at most MAX_PASS_CREATES passes
   * are ever created for one request.
   */
  private async ensurePass(run: Run): Promise<'continue' | 'stop'> {
    const status = this.status(run, 'createPass');
    if (status === 'succeeded' && (run.pass !== undefined || this.passDelivered(run))) return 'continue';
    if (status === 'failed') return 'stop';
    if (status !== undefined) {
      const creates = steps(run.stored.request).filter(
        (s) => s.name === 'createPass' && s.status === 'started',
      ).length;
      this.logger.warn(
        { requestId: run.id, creates },
        'a pass was created but its value is lost; replacing it',
      );
      await this.record(run, 'deletePass', 'started');
      const cleared = await this.deleteTypes(run, 'deletePass', ['temporaryAccessPass']);
      if (cleared === undefined || cleared.failed.length > 0) return 'stop';
      if (creates >= MAX_PASS_CREATES) {
        await this.record(run, 'createPass', 'failed', { error: 'PASS_LOST', changed: false });
        return 'stop';
      }
    }
    return this.createPass(run);
  }

  private async createPass(run: Run): Promise<'continue' | 'stop'> {
    const pass = run.plan.pass;
    if (pass === undefined) throw new AppError('INTERNAL', 'createPass planned without a pass');
    // A new pass starts a new epoch: whatever the requester noted belonged to the old one.
    await this.record(run, 'createPass', 'started', {}, () => ({ tapNotedAt: undefined, tap: undefined }));
    let created: TemporaryAccessPass;
    try {
      // Never retried, here or in the adapter: a second POST would silently replace the first pass.
      created = await this.heartbeat(run, () =>
        this.directory.createTemporaryAccessPass(run.target, { lifetimeInMinutes: pass.lifetimeMinutes }),
      );
    } catch (error) {
      await this.graphFailed(run, 'createPass', 'create temporary access pass', error, true);
      return 'stop';
    }
    if (!created.isUsableOnce) {
      // A pass usable more than once outlives the call it was handed over on; it goes at once.
      return this.refuseMultiUsePass(run, created);
    }
    const start = Date.parse(created.startDateTime ?? created.createdDateTime ?? '');
    const expiresAt = addMinutes(
      Number.isNaN(start) ? this.now() : new Date(start),
      created.lifetimeInMinutes,
    ).toISOString();
    run.pass = { value: created.temporaryAccessPass, lifetimeMinutes: created.lifetimeInMinutes, expiresAt };
    const tap = { methodId: created.methodId, expiresAt, lifetimeMinutes: created.lifetimeInMinutes };
    await this.graphStep(run, 'createPass', {
      operation: 'create temporary access pass',
      outcome: 'succeeded',
      graphRequestId: created.requestId,
      methodId: created.methodId,
      lifetimeMinutes: created.lifetimeInMinutes,
      isUsableOnce: created.isUsableOnce,
      expiresAt,
    });
    await this.record(
      run,
      'createPass',
      'succeeded',
      { graphRequestId: created.requestId, changed: true },
      () => ({ tap }),
    );
    return 'continue';
  }

  private async refuseMultiUsePass(run: Run, created: TemporaryAccessPass): Promise<'stop'> {
    await this.graphStep(run, 'createPass', {
      operation: 'create temporary access pass',
      outcome: 'refused',
      graphRequestId: created.requestId,
      methodId: created.methodId,
      isUsableOnce: false,
    });
    this.logger.warn({ requestId: run.id }, 'Graph made a pass that is not one-time; deleting it');
    let removed = false;
    try {
      const deleted = await this.heartbeat(run, () =>
        this.directory.deleteTemporaryAccessPass(run.target, created.methodId),
      );
      removed = true;
      await this.graphStep(run, 'deletePass', {
        operation: 'delete temporaryAccessPass method',
        outcome: 'deleted',
        graphRequestId: deleted.requestId,
        methodId: created.methodId,
      });
    } catch (error) {
      await this.graphStep(run, 'deletePass', {
        operation: 'delete temporaryAccessPass method',
        outcome: 'failed',
        errorCode: errorCodeOf(error),
        graphRequestId: requestIdOf(error),
      });
    }
    // Nothing was deleted yet; only a pass left behind counts as a change.
    await this.record(run, 'createPass', 'failed', {
      error: 'PASS_NOT_ONE_TIME',
      graphRequestId: created.requestId,
      changed: !removed,
    });
    return 'stop';
  }

  private async verifyEndState(run: Run): Promise<void> {
    await this.record(run, 'verifyEndState', 'started');
    let reading: EndState;
    try {
      reading = await this.heartbeat(run, () =>
        this.directory.readBackEndState(
          run.target,
          run.plan.newMobile === undefined ? {} : { expectMobile: run.plan.newMobile },
        ),
      );
    } catch (error) {
      await this.graphFailed(run, 'verifyEndState', 'list authentication methods', error, false);
      return;
    }
    const remaining = endStateProblems(run.plan, {
      methods: reading.methods,
      mobileMatchesExpected: reading.mobileMatchesExpected,
      passMethodId: run.stored.request.execution?.tap?.methodId,
    });
    await this.graphStep(run, 'verifyEndState', {
      operation: 'list authentication methods',
      outcome: 'succeeded',
      remaining,
    });
    await this.record(run, 'verifyEndState', 'succeeded', {}, () => ({ remaining }));
  }

  private async showPass(run: Run, audience: PassAudience): Promise<StepOutcome> {
    const pass = run.pass;
    if (pass === undefined) throw new AppError('INTERNAL', 'no pass in memory to show');
    const step: StepName = audience === 'requester' ? 'showPassToRequester' : 'showPassToApprover';
    await this.record(run, step, 'started');
    const request = run.stored.request;
    const shown = await this.safely(`show pass to ${audience}`, run.id, () =>
      audience === 'requester'
        ? this.notifier.showPassToRequester(request, pass)
        : this.notifier.showPassToApprover(request, pass),
    );
    await this.appendAudit({
      type: shown ? 'notice.sent' : 'notice.undeliverable',
      requestId: run.id,
      actor: null,
      data: { notice: 'pass', to: audience, expiresAt: pass.expiresAt },
    });
    if (shown) {
      await this.record(run, step, 'succeeded');
      // The value has reached the person it was for; this run has no further use for it.
      run.pass = undefined;
      return 'continue';
    }
    await this.record(run, step, 'failed', { error: 'UNDELIVERABLE' });
    if (audience === 'requester') {
      // The approver can read it out on the verification call, as for a lost phone.
      this.logger.warn(
        { requestId: run.id },
        'the requester could not be reached; showing the pass to the approver',
      );
      return this.showPass(run, 'approver');
    }
    // Nobody holds the value: a pass nobody can use is only a risk, so it goes.
    run.pass = undefined;
    await this.record(run, 'deletePass', 'started');
    await this.deleteTypes(run, 'deletePass', ['temporaryAccessPass']);
    return 'stop';
  }

  /**
   * Changed phone: revoking sessions signs the person out of Teams, so it waits until they say they
   * noted the pass, or the timeout. Meanwhile the request is parked: the lease is marked parked and
   * runs until the deadline, and `notePassSeen` ends it early.
   */
  private async awaitPassNoted(run: Run): Promise<StepOutcome> {
    if (this.status(run, 'showPassToApprover') === 'succeeded') {
      // The approver hands the pass over on a call: nothing in Teams to wait for.
      await this.record(run, 'awaitPassNoted', 'succeeded');
      return 'continue';
    }
    const shown = currentRecord(run.stored.request, 'showPassToRequester', true);
    const deadline = new Date(Date.parse(shown?.at ?? this.now().toISOString()) + this.passNotedTimeoutMs);
    const parked = await this.parkUntil(
      run,
      'awaitPassNoted',
      deadline,
      (request) => request.execution?.tapNotedAt !== undefined,
    );
    if (parked) {
      this.logger.info(
        { requestId: run.id, until: deadline.toISOString() },
        'waiting for the requester to note the pass',
      );
      return 'park';
    }
    const noted = run.stored.request.execution?.tapNotedAt !== undefined;
    this.logger.info(
      { requestId: run.id, noted },
      noted ? 'requester noted the pass' : 'pass-noted wait timed out',
    );
    await this.record(run, 'awaitPassNoted', 'succeeded');
    // Noted or not, the card in the chat stops showing the pass.
    await this.safely('withdraw the pass card', run.id, () => this.notifier.withdrawPass(run.stored.request));
    return 'continue';
  }

  /**
   * Changed phone: nothing happens until the requester typed the release code the approver read out
   * on the verification call. The pass card asking for it is sent once; the request is parked until
   * the code matches (`submitReleaseCode` wakes it) or the time is up.
   */
  private async awaitReleaseCode(run: Run): Promise<StepOutcome> {
    const release = run.stored.request.release;
    if (release === undefined || this.releaseCodeKey === undefined) {
      await this.record(run, 'awaitReleaseCode', 'failed', { error: 'NO_RELEASE_CODE' });
      return 'stop';
    }
    const first = this.status(run, 'awaitReleaseCode') === undefined;
    if (first) await this.record(run, 'awaitReleaseCode', 'started');
    if (release.verifiedAt === undefined && first) {
      const asked = await this.safely('ask for the release code', run.id, async () => {
        const activityId = await this.notifier.askForReleaseCode(run.stored.request);
        if (activityId === undefined) return false;
        await this.save(run, (current) => ({
          ...current,
          delivery: { ...current.delivery, passCard: { activityId } },
        }));
        return true;
      });
      await this.appendAudit({
        type: asked ? 'notice.sent' : 'notice.undeliverable',
        requestId: run.id,
        actor: null,
        data: { notice: 'releaseCodeCard', to: 'requester' },
      });
      if (!asked) {
        await this.record(run, 'awaitReleaseCode', 'failed', { error: 'UNDELIVERABLE' });
        return 'stop';
      }
    }
    const deadline = new Date(Date.parse(release.issuedAt) + this.releaseCodeTimeoutMs);
    const parked = await this.parkUntil(
      run,
      'awaitReleaseCode',
      deadline,
      (request) => request.release?.verifiedAt !== undefined,
    );
    if (parked) {
      this.logger.info({ requestId: run.id, until: deadline.toISOString() }, 'waiting for the release code');
      return 'park';
    }
    const now = run.stored.request.release;
    if (now?.verifiedAt === undefined) {
      await this.record(run, 'awaitReleaseCode', 'failed', {
        error: now?.heldAt === undefined ? 'RELEASE_CODE_TIMEOUT' : 'RELEASE_CODE_HELD',
      });
      return 'stop';
    }
    await this.record(run, 'awaitReleaseCode', 'succeeded');
    return 'continue';
  }

  /**
   * Parks the request until `done` holds for it or `deadline` passes: the step is recorded as started
   * and the lease is marked parked until the deadline, so no worker takes it before; whoever makes
   * `done` true releases the lease. Decided inside the compare-and-swap, so a change written a moment
   * earlier is never missed. True when parked; false when the run goes on now.
   */
  private async parkUntil(
    run: Run,
    step: StepName,
    deadline: Date,
    done: (request: ResetRequest) => boolean,
  ): Promise<boolean> {
    const ready = (request: ResetRequest) => done(request) || this.now().getTime() >= deadline.getTime();
    if (ready(run.stored.request)) return false;
    let parked = false;
    await this.save(
      run,
      (current) => {
        const execution = current.execution ?? { steps: [] };
        parked = !ready(current);
        if (!parked) {
          return {
            ...current,
            execution: { ...execution, lease: { owner: run.token, until: this.leaseUntil(this.now()) } },
          };
        }
        const wasParked = currentRecord(current, step, run.plan.pass !== undefined)?.status === 'started';
        const record: ExecutionStep = { name: step, status: 'started', at: this.now().toISOString() };
        return {
          ...current,
          execution: {
            ...execution,
            steps: wasParked ? execution.steps : [...execution.steps, record],
            lease: { owner: `${PARKED_PREFIX}${run.token}`, until: deadline.toISOString() },
          },
        };
      },
      'asChanged',
    );
    if (parked) await this.tellCard(run.stored.request);
    return parked;
  }

  // ------------------------------------------------------------------------------------------------
  // Settling

  /**
   * Whether anything in the directory may have changed: a changing step that said so, or one whose
   * worker died during the call (more starts than outcomes), whose effect nobody can know.
   */
  private directoryChanged(request: ResetRequest): boolean {
    const started = new Map<string, number>();
    const ended = new Map<string, number>();
    for (const step of steps(request)) {
      if (!DIRECTORY_CHANGING_STEPS.has(step.name as StepName)) continue;
      if (step.status === 'started') started.set(step.name, (started.get(step.name) ?? 0) + 1);
      else {
        ended.set(step.name, (ended.get(step.name) ?? 0) + 1);
        if (step.changed === true) return true;
      }
    }
    return [...started].some(([name, count]) => count > (ended.get(name) ?? 0));
  }

  private outcome(run: Run): FinalState {
    const request = run.stored.request;
    if (!this.directoryChanged(request)) return 'FAILED';
    const allDone = run.plan.steps.every(
      (step) =>
        step === 'notices' ||
        this.status(run, step) === 'succeeded' ||
        (step === 'showPassToRequester' && this.status(run, 'showPassToApprover') === 'succeeded'),
    );
    const remaining = request.execution?.remaining;
    const endStateRight = this.status(run, 'verifyEndState') === 'succeeded' && remaining?.length === 0;
    return allDone && endStateRight ? 'DONE' : 'PARTIAL';
  }

  private async settle(run: Run): Promise<void> {
    let outcome = this.outcome(run);
    if (outcome === 'PARTIAL' && this.status(run, 'verifyEndState') !== 'succeeded') {
      // Say what is left, so IT knows where to pick up; a failing read leaves it unknown.
      await this.verifyEndState(run);
      outcome = this.outcome(run);
    }
    const changed = outcome !== 'FAILED';
    await this.record(run, 'notices', 'started');
    const note = this.settleNote(run, outcome);
    // The card is one of the notices, so the copy people are shown leaves the notices step out.
    const preview = this.finalRecord(run.stored.request, outcome, note, 'started');
    // Told before the final state is stored: if this worker dies in between, the next one tells
    // again (a repeated message) rather than never (a silent reset).
    const notices = await this.notifyOutcome(preview, changed);
    const settledAudit: AuditEvent = {
      type: 'request.settled',
      requestId: run.id,
      actor: null,
      data: {
        outcome,
        action: run.plan.action,
        lostOrStolen: run.plan.lostOrStolen,
        remaining: run.stored.request.execution?.remaining ?? null,
        approverId: run.stored.request.decision?.approver.id ?? null,
        workerId: this.workerId,
        notices,
      },
    };
    await this.save(run, (current) => this.finalRecord(current, outcome, note, 'succeeded'), 'asChanged', [
      settledAudit,
    ]);
    this.logger.info({ requestId: run.id, outcome }, 'request settled');
  }

  private settleNote(run: Run, outcome: FinalState): string | undefined {
    if (outcome === 'DONE') return undefined;
    const failed = steps(run.stored.request)
      .filter((s) => s.status === 'failed')
      .map((s) => `${s.name}: ${s.error ?? 'failed'}`);
    return failed.length > 0 ? failed.join('; ') : undefined;
  }

  private finalRecord(
    current: ResetRequest,
    outcome: FinalState,
    note: string | undefined,
    /** 'started': the copy shown to people while the notices go out. */
    notices: 'started' | 'succeeded',
  ): ResetRequest {
    const final = transition(current, outcome, EXECUTOR_ACTOR, this.now(), note);
    const execution = final.execution ?? { steps: [] };
    const stepsNow =
      notices === 'succeeded'
        ? [
            ...execution.steps,
            { name: 'notices', status: 'succeeded' as const, at: this.now().toISOString() },
          ]
        : execution.steps.filter((step) => step.name !== 'notices');
    return { ...final, execution: { ...execution, steps: stepsNow, lease: undefined } };
  }

  /** The approval card, the requester, and (when something was reset) the security notices. */
  private async notifyOutcome(request: ResetRequest, changed: boolean): Promise<Record<string, boolean>> {
    const card = await this.safely('update approval card', request.id, () =>
      this.notifier.updateApprovalCard(request),
    );
    const requester = await this.safely('tell requester', request.id, () =>
      this.notifier.tellRequesterOutcome(request),
    );
    const results: Record<string, boolean> = { approvalCard: card, requester };
    if (changed) {
      try {
        const sent = await this.notifier.sendResetNotices(request);
        results.securityChannel = sent.channel;
        results.mail = sent.mail;
      } catch (error) {
        this.logger.error({ requestId: request.id, errorCode: errorCodeOf(error) }, 'sending notices failed');
        results.securityChannel = false;
        results.mail = false;
      }
    }
    for (const [notice, sent] of Object.entries(results)) {
      await this.appendAudit({
        type: sent ? 'notice.sent' : 'notice.undeliverable',
        requestId: request.id,
        actor: null,
        data: { notice, state: request.state },
      });
    }
    return results;
  }

  // ------------------------------------------------------------------------------------------------
  // Helpers

  private async tellCard(request: ResetRequest): Promise<void> {
    await this.safely('update approval card', request.id, () => this.notifier.updateApprovalCard(request));
  }

  /**
   * Notifier calls never end a run. Only the error code is logged: a pass may be on its way in that
   * call, and an implementation's error could quote it.
   */
  private async safely(what: string, requestId: string, call: () => Promise<boolean>): Promise<boolean> {
    try {
      return await call();
    } catch (error) {
      this.logger.error({ requestId, errorCode: errorCodeOf(error), what }, 'notifier call failed');
      return false;
    }
  }

  private async graphStep(run: Run, step: StepName, data: Record<string, unknown>): Promise<void> {
    await this.appendAudit({ type: 'graph.step', requestId: run.id, actor: null, data: { step, ...data } });
  }

  /**
   * Records a failed Graph call on the request and in the audit. Only the error code goes anywhere:
   * Graph's message can quote what was sent.
   */
  private async graphFailed(
    run: Run,
    step: StepName,
    operation: string,
    error: unknown,
    changes: boolean,
  ): Promise<void> {
    if (error instanceof LeaseLost) throw error;
    const code = errorCodeOf(error);
    const graphRequestId = requestIdOf(error);
    const changed = changes && mayHaveApplied(code, graphRequestId);
    await this.graphStep(run, step, { operation, outcome: 'failed', errorCode: code, graphRequestId });
    await this.record(run, step, 'failed', {
      error: code,
      ...(graphRequestId === undefined ? {} : { graphRequestId }),
      ...(DIRECTORY_CHANGING_STEPS.has(step) ? { changed } : {}),
    });
    this.logger.warn({ requestId: run.id, step, errorCode: code, graphRequestId }, 'Graph step failed');
    await this.tellCard(run.stored.request);
  }

  /**
   * The audit trail must not stop a reset halfway: a failed append is logged as an error (with the
   * event type) and the run goes on.
   */
  private async appendAudit(event: AuditEvent): Promise<void> {
    try {
      await this.audit.append(event);
    } catch (error) {
      this.logger.error(
        { requestId: event.requestId, auditType: event.type, errorCode: errorCodeOf(error) },
        'audit append failed',
      );
    }
  }
}
