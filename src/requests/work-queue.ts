import { randomBytes } from 'node:crypto';
import { RELEASE_CODE_MAX_TRIES, releaseCodeMatches } from '../domain/release-code';
import { transition } from '../domain/request-lifecycle';
import { planReset } from '../domain/reset-plan';
import type { OpenResetRequest, ResetRequest } from '../domain/reset-request';
import { isAppError } from '../errors';
import type { StoredRequest } from '../ports/request-store';
import {
  EXECUTOR_ACTOR,
  LeaseLost,
  PARKED_PREFIX,
  currentRecord,
  stepsOf,
  ExecutorPart,
  type ExecutorContext,
  type Run,
  type RunRecords,
} from './run-records';
import type { Settlement } from './settle';
import type { ResetSteps } from './steps';
import { RunFacts, type TargetFactsCache } from './target-facts';

/** What typing a release code did. */
export interface ReleaseAttempt {
  outcome: 'released' | 'wrong' | 'held' | 'notWaiting';
  /** Wrong codes the requester may still type before the request is held. */
  triesLeft: number;
  /** The request as stored after the attempt, for telling the approvers. */
  request?: ResetRequest;
}

export interface WorkQueueSettings {
  pollIntervalMs: number;
  tapMaxLifetimeMinutes: number;
  releaseCodeKey: string | undefined;
  /** This process's facts about each request's target; without it the notifier looks them up. */
  facts: TargetFactsCache | undefined;
}

/**
 * Takes approved requests from the store with a compare-and-swap lease and runs them: polling on a
 * timer, woken early by an approval or by the requester's answer to a step that waits for them
 * (noting the pass, typing the release code), and resuming a request whose lease ran out.
 */
export class WorkQueue extends ExecutorPart {
  /** Requests this instance is running, so overlapping `runOnce` calls never take their own work. */
  private readonly active = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private kicked: Promise<void> | undefined;
  private kickAgain = false;

  constructor(
    context: ExecutorContext,
    private readonly records: RunRecords,
    private readonly steps: ResetSteps,
    private readonly settlement: Settlement,
    private readonly settings: WorkQueueSettings,
  ) {
    super(context);
  }

  /** Polls for work on an unref'd timer, so a pending poll never keeps the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.kick(), this.settings.pollIntervalMs);
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
        this.settings.releaseCodeKey === undefined ||
        currentRecord(request, 'awaitReleaseCode', false)?.status !== 'started'
      ) {
        return notWaiting;
      }
      // Already held: the approvers were told when it happened.
      if (release.heldAt !== undefined) return { outcome: 'held', triesLeft: 0 };
      const at = this.now();
      const matches = releaseCodeMatches(this.settings.releaseCodeKey, request.id, typed, release.codeHash);
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
    const lease = { owner: token, until: this.records.leaseUntil(at) };
    const resumed = request.state === 'EXECUTING';
    const base: OpenResetRequest = resumed
      ? { ...request, updatedAt: at.toISOString() }
      : transition(request, 'EXECUTING', EXECUTOR_ACTOR, at, `worker ${this.workerId}`);
    const next: OpenResetRequest = {
      ...base,
      execution: { ...(base.execution ?? {}), steps: [...stepsOf(base)], lease },
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

    const facts = this.settings.facts === undefined ? undefined : new RunFacts(this.settings.facts, open);
    const planned = planReset(
      {
        decision: open.decision,
        diagnosis: open.diagnosis,
        ...(open.newPhone ? { newPhone: open.newPhone } : {}),
      },
      { tapMaxLifetimeMinutes: this.settings.tapMaxLifetimeMinutes },
    );
    if (!planned.ok) {
      await this.settlement.refuse(open, taken, token, planned.refusal, facts);
      return;
    }
    const run: Run = {
      id: open.id,
      token,
      stored: taken,
      plan: planned.plan,
      target: open.requester.aadObjectId,
      pass: undefined,
      facts,
      lost: false,
      writes: Promise.resolve(),
    };
    await this.records.tellCard(run);
    try {
      if ((await this.steps.execute(run)) === 'settle') await this.settlement.settle(run);
    } finally {
      run.pass = undefined;
    }
  }
}
