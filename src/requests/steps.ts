import type { PassAudience, ResetPlan, StepName } from '../domain/reset-plan';
import { AppError } from '../errors';
import type {
  DeleteMethodsResult,
  DeletionAttempt,
  MutationResult,
  PrivilegeReport,
  SetMobilePhoneResult,
  TemporaryAccessPass,
} from '../ports/directory';
import { traced } from '../telemetry';
import {
  currentRecord,
  errorCodeOf,
  mayHaveApplied,
  requestIdOf,
  stepsOf,
  ExecutorPart,
  type ExecutorContext,
  type Run,
  type RunRecords,
  type StepOutcome,
} from './run-records';
import type { Settlement } from './settle';

/**
 * A pass whose value was lost (a crash between creating and showing it) is replaced at most this
 * often; a crash loop must not keep minting credentials.
 */
const MAX_PASS_CREATES = 3;

/** What the steps are told by configuration. */
export interface StepSettings {
  /** Changed phone: how long to wait for "I have noted it" before revoking sessions anyway. */
  passNotedTimeoutMs: number;
  /** Changed phone: how long after approval the requester may type the release code. */
  releaseCodeTimeoutMs: number;
  /** Without it no release code matches, and a plan that needs one stops. */
  releaseCodeKey: string | undefined;
  /** Lower-cased break-glass user ids: never reset, whatever Graph says about their roles. */
  breakGlass: ReadonlySet<string>;
  /** The privilege report the approval click read live, while it is part of the same decision. */
  recentPrivilege: ((requestId: string) => PrivilegeReport | undefined) | undefined;
  keyHolderGroupIds: readonly string[];
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
 * The steps of a reset plan (src/domain/reset-plan.ts) against Graph and the notifier: the privilege
 * check, deleting methods, the pass, revoking sessions, setting the phone, and the waits for the
 * requester. Each step is recorded before and after it runs, so a resumed run skips what is done.
 */
export class ResetSteps extends ExecutorPart {
  constructor(
    context: ExecutorContext,
    private readonly records: RunRecords,
    private readonly settlement: Settlement,
    private readonly settings: StepSettings,
  ) {
    super(context);
  }

  /**
   * Walks the plan from the first step not yet done. 'settle' when the run is over (every step done,
   * or one that stops it); 'park' when it waits for the requester.
   */
  async execute(run: Run): Promise<'settle' | 'park'> {
    for (const step of run.plan.steps) {
      if (step === 'notices') break;
      const status = this.records.status(run, step);
      if (step === 'createPass') {
        const outcome = await this.traceStep(run, step, () => this.ensurePass(run));
        if (outcome === 'stop') return 'settle';
        continue;
      }
      if (status === 'succeeded') continue;
      if (status === 'failed') {
        if (this.continuesAfterFailure(run, step)) continue;
        return 'settle';
      }
      // Not started yet, or started by a worker that died: every other step is safe to run again.
      const outcome = await this.traceStep(run, step, () => this.runStep(run, step));
      if (outcome === 'park') return 'park';
      if (outcome === 'stop') return 'settle';
    }
    return 'settle';
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
      return (
        record?.error === 'DEFAULT_METHOD_REFUSED' || this.records.status(run, 'createPass') === 'succeeded'
      );
    }
    if (step === 'showPassToRequester') return this.records.status(run, 'showPassToApprover') === 'succeeded';
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
        await this.settlement.verifyEndState(run);
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
    await this.records.record(run, 'checkPrivilege', 'started');
    let privileged: boolean;
    let roles: number;
    const fromClick = this.settings.recentPrivilege?.(run.id);
    try {
      const report =
        fromClick ??
        (await this.records.heartbeat(run, () =>
          this.directory.getPrivilege(run.target, { keyHolderGroupIds: this.settings.keyHolderGroupIds }),
        ));
      roles = report.grants.length;
      privileged = report.privileged;
      // The cards that follow show the reading this decision used.
      if (fromClick === undefined) await run.facts?.update({ privilege: report });
    } catch (error) {
      await this.records.graphFailed(run, 'checkPrivilege', 'get privilege', error, false);
      return 'stop';
    }
    const breakGlass = this.settings.breakGlass.has(run.target.toLowerCase());
    await this.records.graphStep(run, 'checkPrivilege', {
      operation: 'get privilege',
      outcome: 'succeeded',
      // Read live by the approval click moments ago (one decision), or by this step.
      source: fromClick ? 'approval click' : 'graph',
      privileged,
      roles,
      breakGlass,
    });
    if (privileged || breakGlass) {
      await this.records.record(run, 'checkPrivilege', 'failed', { error: 'PRIVILEGED' });
      await this.records.appendAudit({
        type: 'request.refused',
        requestId: run.id,
        actor: null,
        data: { reason: breakGlass ? 'break_glass_target' : 'privileged_target', stage: 'execution' },
      });
      this.logger.warn({ requestId: run.id }, 'target is privileged now; nothing was changed');
      return 'stop';
    }
    await this.records.record(run, 'checkPrivilege', 'succeeded');
    return 'continue';
  }

  private async deleteMethods(run: Run): Promise<StepOutcome> {
    await this.records.record(run, 'deleteMethods', 'started');
    const result = await this.deleteTypes(run, 'deleteMethods', run.plan.deleteTypes);
    if (result === undefined) return 'stop';
    await this.records.tellCard(run);
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
      result = await this.records.heartbeat(run, () => this.directory.deleteMethods(run.target, types));
    } catch (error) {
      // Thrown before any DELETE (the list failed, or a refused type): nothing changed.
      await this.records.graphFailed(run, step, 'list authentication methods', error, false);
      return undefined;
    }
    for (const attempt of result.attempts) {
      await this.records.graphStep(run, step, {
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
      await this.records.record(run, step, 'succeeded', { graphRequestId: lastRequestId, changed });
      return result;
    }
    const blocking = result.failed.find((f) => f.errorCode !== 'DEFAULT_METHOD_REFUSED');
    await this.records.record(run, step, 'failed', {
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
    await this.records.record(run, 'revokeSessions', 'started');
    let result: MutationResult;
    try {
      result = await this.records.heartbeat(run, () => this.directory.revokeSignInSessions(run.target));
    } catch (error) {
      await this.records.graphFailed(run, 'revokeSessions', 'revoke sign-in sessions', error, true);
      return 'stop';
    }
    await this.records.graphStep(run, 'revokeSessions', {
      operation: 'revoke sign-in sessions',
      outcome: 'succeeded',
      graphRequestId: result.requestId,
    });
    await this.records.record(run, 'revokeSessions', 'succeeded', {
      graphRequestId: result.requestId,
      changed: true,
    });
    await this.records.tellCard(run);
    return 'continue';
  }

  private async setMobile(run: Run): Promise<StepOutcome> {
    const phone = run.plan.newMobile;
    if (phone === undefined) throw new AppError('INTERNAL', 'replace phone planned without a number');
    await this.records.record(run, 'setMobile', 'started');
    let result: SetMobilePhoneResult;
    try {
      result = await this.records.heartbeat(run, () => this.directory.setMobilePhone(run.target, phone));
    } catch (error) {
      await this.records.graphFailed(run, 'setMobile', 'set mobile phone', error, true);
      return 'stop';
    }
    await this.records.graphStep(run, 'setMobile', {
      operation: result.action === 'updated' ? 'update mobile phone' : 'add mobile phone',
      outcome: 'succeeded',
      graphRequestId: result.requestId,
      lastTwo: phone.nationalNumber.slice(-2),
    });
    await this.records.record(run, 'setMobile', 'succeeded', {
      graphRequestId: result.requestId,
      changed: true,
    });
    await this.records.tellCard(run);
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
    const status = this.records.status(run, 'createPass');
    if (status === 'succeeded' && (run.pass !== undefined || this.records.passDelivered(run)))
      return 'continue';
    if (status === 'failed') return 'stop';
    if (status !== undefined) {
      const creates = stepsOf(run.stored.request).filter(
        (s) => s.name === 'createPass' && s.status === 'started',
      ).length;
      this.logger.warn(
        { requestId: run.id, creates },
        'a pass was created but its value is lost; replacing it',
      );
      await this.records.record(run, 'deletePass', 'started');
      const cleared = await this.deleteTypes(run, 'deletePass', ['temporaryAccessPass']);
      if (cleared === undefined || cleared.failed.length > 0) return 'stop';
      if (creates >= MAX_PASS_CREATES) {
        await this.records.record(run, 'createPass', 'failed', { error: 'PASS_LOST', changed: false });
        return 'stop';
      }
    }
    return this.createPass(run);
  }

  private async createPass(run: Run): Promise<'continue' | 'stop'> {
    const pass = run.plan.pass;
    if (pass === undefined) throw new AppError('INTERNAL', 'createPass planned without a pass');
    // A new pass starts a new epoch: whatever the requester noted belonged to the old one.
    await this.records.record(run, 'createPass', 'started', {}, () => ({
      tapNotedAt: undefined,
      tap: undefined,
    }));
    let created: TemporaryAccessPass;
    try {
      // Never retried, here or in the adapter: a second POST would silently replace the first pass.
      created = await this.records.heartbeat(run, () =>
        this.directory.createTemporaryAccessPass(run.target, { lifetimeInMinutes: pass.lifetimeMinutes }),
      );
    } catch (error) {
      await this.records.graphFailed(run, 'createPass', 'create temporary access pass', error, true);
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
    await this.records.graphStep(run, 'createPass', {
      operation: 'create temporary access pass',
      outcome: 'succeeded',
      graphRequestId: created.requestId,
      methodId: created.methodId,
      lifetimeMinutes: created.lifetimeInMinutes,
      isUsableOnce: created.isUsableOnce,
      expiresAt,
    });
    await this.records.record(
      run,
      'createPass',
      'succeeded',
      { graphRequestId: created.requestId, changed: true },
      () => ({ tap }),
    );
    return 'continue';
  }

  private async refuseMultiUsePass(run: Run, created: TemporaryAccessPass): Promise<'stop'> {
    await this.records.graphStep(run, 'createPass', {
      operation: 'create temporary access pass',
      outcome: 'refused',
      graphRequestId: created.requestId,
      methodId: created.methodId,
      isUsableOnce: false,
    });
    this.logger.warn({ requestId: run.id }, 'Graph made a pass that is not one-time; deleting it');
    let removed = false;
    try {
      const deleted = await this.records.heartbeat(run, () =>
        this.directory.deleteTemporaryAccessPass(run.target, created.methodId),
      );
      removed = true;
      await this.records.graphStep(run, 'deletePass', {
        operation: 'delete temporaryAccessPass method',
        outcome: 'deleted',
        graphRequestId: deleted.requestId,
        methodId: created.methodId,
      });
    } catch (error) {
      await this.records.graphStep(run, 'deletePass', {
        operation: 'delete temporaryAccessPass method',
        outcome: 'failed',
        errorCode: errorCodeOf(error),
        graphRequestId: requestIdOf(error),
      });
    }
    // Nothing was deleted yet; only a pass left behind counts as a change.
    await this.records.record(run, 'createPass', 'failed', {
      error: 'PASS_NOT_ONE_TIME',
      graphRequestId: created.requestId,
      changed: !removed,
    });
    return 'stop';
  }

  private async showPass(run: Run, audience: PassAudience): Promise<StepOutcome> {
    const pass = run.pass;
    if (pass === undefined) throw new AppError('INTERNAL', 'no pass in memory to show');
    const step: StepName = audience === 'requester' ? 'showPassToRequester' : 'showPassToApprover';
    await this.records.record(run, step, 'started');
    const request = run.stored.request;
    const shown = await this.records.safely(`show pass to ${audience}`, run.id, () =>
      audience === 'requester'
        ? this.notifier.showPassToRequester(request, pass)
        : this.notifier.showPassToApprover(request, pass),
    );
    await this.records.appendAudit({
      type: shown ? 'notice.sent' : 'notice.undeliverable',
      requestId: run.id,
      actor: null,
      data: { notice: 'pass', to: audience, expiresAt: pass.expiresAt },
    });
    if (shown) {
      await this.records.record(run, step, 'succeeded');
      // The value has reached the person it was for; this run has no further use for it.
      run.pass = undefined;
      return 'continue';
    }
    await this.records.record(run, step, 'failed', { error: 'UNDELIVERABLE' });
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
    await this.records.record(run, 'deletePass', 'started');
    await this.deleteTypes(run, 'deletePass', ['temporaryAccessPass']);
    return 'stop';
  }

  /**
   * Changed phone: revoking sessions signs the person out of Teams, so it waits until they say they
   * noted the pass, or the timeout. Meanwhile the request is parked: the lease is marked parked and
   * runs until the deadline, and `notePassSeen` ends it early.
   */
  private async awaitPassNoted(run: Run): Promise<StepOutcome> {
    if (this.records.status(run, 'showPassToApprover') === 'succeeded') {
      // The approver hands the pass over on a call: nothing in Teams to wait for.
      await this.records.record(run, 'awaitPassNoted', 'succeeded');
      return 'continue';
    }
    const shown = currentRecord(run.stored.request, 'showPassToRequester', true);
    const deadline = new Date(
      Date.parse(shown?.at ?? this.now().toISOString()) + this.settings.passNotedTimeoutMs,
    );
    const parked = await this.records.parkUntil(
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
    await this.records.record(run, 'awaitPassNoted', 'succeeded');
    // Noted or not, the card in the chat stops showing the pass.
    await this.records.safely('withdraw the pass card', run.id, () =>
      this.notifier.withdrawPass(run.stored.request),
    );
    return 'continue';
  }

  /**
   * Changed phone: nothing happens until the requester typed the release code the approver read out
   * on the verification call. The pass card asking for it is sent once; the request is parked until
   * the code matches (`submitReleaseCode` wakes it) or the time is up.
   */
  private async awaitReleaseCode(run: Run): Promise<StepOutcome> {
    const release = run.stored.request.release;
    if (release === undefined || this.settings.releaseCodeKey === undefined) {
      await this.records.record(run, 'awaitReleaseCode', 'failed', { error: 'NO_RELEASE_CODE' });
      return 'stop';
    }
    const first = this.records.status(run, 'awaitReleaseCode') === undefined;
    if (first) await this.records.record(run, 'awaitReleaseCode', 'started');
    if (release.verifiedAt === undefined && first) {
      const asked = await this.records.safely('ask for the release code', run.id, async () => {
        const activityId = await this.notifier.askForReleaseCode(run.stored.request);
        if (activityId === undefined) return false;
        await this.records.save(run, (current) => ({
          ...current,
          delivery: { ...current.delivery, passCard: { activityId } },
        }));
        return true;
      });
      await this.records.appendAudit({
        type: asked ? 'notice.sent' : 'notice.undeliverable',
        requestId: run.id,
        actor: null,
        data: { notice: 'releaseCodeCard', to: 'requester' },
      });
      if (!asked) {
        await this.records.record(run, 'awaitReleaseCode', 'failed', { error: 'UNDELIVERABLE' });
        return 'stop';
      }
    }
    const deadline = new Date(Date.parse(release.issuedAt) + this.settings.releaseCodeTimeoutMs);
    const parked = await this.records.parkUntil(
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
      await this.records.record(run, 'awaitReleaseCode', 'failed', {
        error: now?.heldAt === undefined ? 'RELEASE_CODE_TIMEOUT' : 'RELEASE_CODE_HELD',
      });
      return 'stop';
    }
    await this.records.record(run, 'awaitReleaseCode', 'succeeded');
    return 'continue';
  }
}
