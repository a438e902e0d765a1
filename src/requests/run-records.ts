import type { AuditEvent } from '../domain/audit';
import type { ResetPlan, StepName } from '../domain/reset-plan';
import { DIRECTORY_CHANGING_STEPS } from '../domain/reset-plan';
import type { Actor, ExecutionStep, ResetRequest } from '../domain/reset-request';
import type { ErrorCode } from '../errors';
import { isAppError } from '../errors';
import type { Logger } from '../log';
import type { AuditLog } from '../ports/audit-log';
import type { Directory } from '../ports/directory';
import type { PassForDisplay, RequestNotifier } from '../ports/request-notifier';
import type { RequestStore, StoredRequest } from '../ports/request-store';
import type { RunFacts } from './target-facts';

/** Who the history names for the moves the executor makes. */
export const EXECUTOR_ACTOR: Actor = { id: 'reset-executor', name: 'Reset executor' };

/** A worker that parked a request (waiting for the requester) marks the lease so; see `notePassSeen`. */
export const PARKED_PREFIX = 'parked:';

/** Steps whose records belong to one pass: a new pass makes the earlier ones stale. */
const PASS_BOUND_STEPS: ReadonlySet<StepName> = new Set<StepName>([
  'verifyEndState',
  'showPassToRequester',
  'showPassToApprover',
  'awaitPassNoted',
]);

export type StepOutcome = 'continue' | 'stop' | 'park';

/** Thrown inside a run when a compare-and-swap shows another worker owns the request now. */
export class LeaseLost extends Error {
  constructor(requestId: string) {
    super(`Request ${requestId} is no longer leased to this worker`);
    this.name = 'LeaseLost';
  }
}

/** One worker's run of one request, from taking its lease to settling or parking it. */
export interface Run {
  readonly id: string;
  readonly token: string;
  stored: StoredRequest;
  readonly plan: ResetPlan;
  readonly target: string;
  /** The pass value, only in this run's memory between its creation and showing it. */
  pass: PassForDisplay | undefined;
  /** What the run knows about its target, for the cards it redraws; none without a facts cache. */
  readonly facts: RunFacts | undefined;
  lost: boolean;
  /** Serialises this run's writes (step records and lease renewals) so they never race each other. */
  writes: Promise<unknown>;
}

/** What every part of the executor works with: the stores, Graph, the notifier, the clock. */
export interface ExecutorContext {
  readonly requests: RequestStore;
  readonly audit: AuditLog;
  readonly directory: Directory;
  readonly notifier: RequestNotifier;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Names this process in leases and history. */
  readonly workerId: string;
  readonly leaseMs: number;
}

export function stepsOf(request: ResetRequest): readonly ExecutionStep[] {
  return request.execution?.steps ?? [];
}

/** Index just past the newest pass's `createPass` 'started' record; 0 when there is none. */
function passEpochStart(request: ResetRequest): number {
  const all = stepsOf(request);
  for (let i = all.length - 1; i >= 0; i--) {
    const step = all[i];
    if (step.name === 'createPass' && step.status === 'started') return i + 1;
  }
  return 0;
}

/** The newest record of a step, ignoring records made for an earlier pass. */
export function currentRecord(
  request: ResetRequest,
  name: StepName,
  hasPass: boolean,
): ExecutionStep | undefined {
  const all = stepsOf(request);
  const from = hasPass && PASS_BOUND_STEPS.has(name) ? passEpochStart(request) : 0;
  for (let i = all.length - 1; i >= from; i--) {
    const step = all[i];
    if (step.name === name) return step;
  }
  return undefined;
}

export function errorCodeOf(error: unknown): ErrorCode {
  return isAppError(error) ? error.code : 'INTERNAL';
}

export function requestIdOf(error: unknown): string | undefined {
  return isAppError(error) ? error.requestId : undefined;
}

/**
 * Whether a failed change may still have been applied. Graph's own error answer (it carries a
 * request-id) means it refused; a timeout, a gateway timeout or a connection lost before any answer
 * leaves it unknown, and unknown counts as changed, because claiming "nothing changed" wrongly is
 * the worse mistake.
 */
export function mayHaveApplied(code: ErrorCode, requestId: string | undefined): boolean {
  return code === 'TIMEOUT' || requestId === undefined;
}

/** What each part of the executor reads from the shared context, as its own fields. */
export abstract class ExecutorPart {
  protected readonly requests: RequestStore;
  protected readonly audit: AuditLog;
  protected readonly directory: Directory;
  protected readonly notifier: RequestNotifier;
  protected readonly logger: Logger;
  protected readonly now: () => Date;
  protected readonly workerId: string;
  protected readonly leaseMs: number;

  constructor(context: ExecutorContext) {
    this.requests = context.requests;
    this.audit = context.audit;
    this.directory = context.directory;
    this.notifier = context.notifier;
    this.logger = context.logger;
    this.now = context.now;
    this.workerId = context.workerId;
    this.leaseMs = context.leaseMs;
  }
}

/**
 * A run's record keeping: every write to the request is a compare-and-swap under the run's lease,
 * each step is recorded before and after it runs, and the audit and the notifier never end a run.
 */
export class RunRecords extends ExecutorPart {
  /**
   * Compare-and-swap of the run's record. On a conflict the record is read again: if the lease is
   * still this run's (the requester noting the pass writes too), `change` is applied to the fresh
   * copy; otherwise another worker owns the request and the run stops. `lease`: 'renew' extends this
   * run's lease, 'asChanged' keeps what `change` put there (parking, the final state).
   */
  save(
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

  record(
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

  leaseUntil(at: Date): string {
    return new Date(at.getTime() + this.leaseMs).toISOString();
  }

  /** Renews the lease while a long Graph call runs, so a live worker is never taken for a crashed one. */
  async heartbeat<T>(run: Run, work: () => Promise<T>): Promise<T> {
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

  status(run: Run, name: StepName): ExecutionStep['status'] | undefined {
    return currentRecord(run.stored.request, name, run.plan.pass !== undefined)?.status;
  }

  passDelivered(run: Run): boolean {
    return (
      this.status(run, 'showPassToRequester') === 'succeeded' ||
      this.status(run, 'showPassToApprover') === 'succeeded'
    );
  }

  /** Redraws the approval card with the run's facts, so that a redraw looks nobody up. */
  async tellCard(run: Run): Promise<void> {
    const request = run.stored.request;
    await this.safely('update approval card', request.id, async () =>
      this.notifier.updateApprovalCard(request, await run.facts?.forCard()),
    );
  }

  /**
   * Notifier calls never end a run. Only the error code is logged: a pass may be on its way in that
   * call, and an implementation's error could quote it.
   */
  async safely(what: string, requestId: string, call: () => Promise<boolean>): Promise<boolean> {
    try {
      return await call();
    } catch (error) {
      this.logger.error({ requestId, errorCode: errorCodeOf(error), what }, 'notifier call failed');
      return false;
    }
  }

  async graphStep(run: Run, step: StepName, data: Record<string, unknown>): Promise<void> {
    await this.appendAudit({ type: 'graph.step', requestId: run.id, actor: null, data: { step, ...data } });
  }

  /**
   * Records a failed Graph call on the request and in the audit. Only the error code goes anywhere:
   * Graph's message can quote what was sent.
   */
  async graphFailed(
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
    await this.tellCard(run);
  }

  /**
   * The audit trail must not stop a reset halfway: a failed append is logged as an error (with the
   * event type) and the run goes on.
   */
  async appendAudit(event: AuditEvent): Promise<void> {
    try {
      await this.audit.append(event);
    } catch (error) {
      this.logger.error(
        { requestId: event.requestId, auditType: event.type, errorCode: errorCodeOf(error) },
        'audit append failed',
      );
    }
  }

  /**
   * Parks the request until `done` holds for it or `deadline` passes: the step is recorded as started
   * and the lease is marked parked until the deadline, so no worker takes it before; whoever makes
   * `done` true releases the lease. Decided inside the compare-and-swap, so a change written a moment
   * earlier is never missed. True when parked; false when the run goes on now.
   */
  async parkUntil(
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
            execution: {
              ...execution,
              lease: { owner: run.token, until: this.leaseUntil(this.now()) },
            },
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
    if (parked) await this.tellCard(run);
    return parked;
  }
}
