import type { AuditEvent } from '../domain/audit';
import { transition } from '../domain/request-lifecycle';
import type { StepName } from '../domain/reset-plan';
import { DIRECTORY_CHANGING_STEPS, endStateProblems } from '../domain/reset-plan';
import type { FinalState, OpenResetRequest, ResetRequest } from '../domain/reset-request';
import { isAppError } from '../errors';
import type { AuthMethod } from '../domain/auth-methods';
import type { EndState, TargetFacts } from '../ports/directory';
import type { StoredRequest } from '../ports/request-store';
import {
  EXECUTOR_ACTOR,
  LeaseLost,
  currentRecord,
  errorCodeOf,
  stepsOf,
  ExecutorPart,
  type ExecutorContext,
  type Run,
  type RunRecords,
} from './run-records';
import type { RunFacts } from './target-facts';

/** Steps that change the methods the settled card lists (revoking sessions leaves them). */
const METHOD_CHANGING_STEPS: ReadonlySet<string> = new Set<StepName>([
  'createPass',
  'deletePass',
  'deleteMethods',
  'setMobile',
]);

/**
 * How a run ends: the end state read back from Graph, the outcome (DONE only when every step
 * succeeded and nothing unexpected is left), the final record, and telling people (the approval
 * card, the requester, the security notices), each notice audited.
 */
export class Settlement extends ExecutorPart {
  constructor(
    context: ExecutorContext,
    private readonly records: RunRecords,
  ) {
    super(context);
  }

  /** A decision the plan cannot carry out (e.g. replace phone without a callback): FAILED, nothing sent. */
  async refuse(
    request: OpenResetRequest,
    stored: StoredRequest,
    token: string,
    refusal: string,
    facts: RunFacts | undefined,
  ): Promise<void> {
    this.logger.warn({ requestId: request.id, refusal }, 'the approved decision cannot be carried out');
    const final = transition(request, 'FAILED', EXECUTOR_ACTOR, this.now(), refusal);
    const settled: ResetRequest = {
      ...final,
      execution: { ...(final.execution ?? { steps: [] }), lease: undefined },
    };
    await this.notifyOutcome(settled, false, await facts?.forCard());
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

  /** Lists the methods again and records what is left that the plan did not mean to leave. */
  async verifyEndState(run: Run): Promise<void> {
    await this.records.record(run, 'verifyEndState', 'started');
    let reading: EndState;
    try {
      reading = await this.records.heartbeat(run, () =>
        this.directory.readBackEndState(
          run.target,
          run.plan.newMobile === undefined ? {} : { expectMobile: run.plan.newMobile },
        ),
      );
    } catch (error) {
      await this.records.graphFailed(run, 'verifyEndState', 'list authentication methods', error, false);
      return;
    }
    const remaining = endStateProblems(run.plan, {
      methods: reading.methods,
      mobileMatchesExpected: reading.mobileMatchesExpected,
      passMethodId: run.stored.request.execution?.tap?.methodId,
    });
    await this.records.graphStep(run, 'verifyEndState', {
      operation: 'list authentication methods',
      outcome: 'succeeded',
      remaining,
    });
    await this.records.record(run, 'verifyEndState', 'succeeded', {}, () => ({ remaining }));
    const recorded = currentRecord(run.stored.request, 'verifyEndState', run.plan.pass !== undefined);
    // The settled card shows what was read here rather than looking the methods up again.
    await run.facts?.update({ methods: reading.methods }, recorded?.at);
  }

  async settle(run: Run): Promise<void> {
    let outcome = this.outcome(run);
    if (outcome === 'PARTIAL' && this.records.status(run, 'verifyEndState') !== 'succeeded') {
      // Say what is left, so IT knows where to pick up; a failing read leaves it unknown.
      await this.verifyEndState(run);
      outcome = this.outcome(run);
    }
    const changed = outcome !== 'FAILED';
    await this.records.record(run, 'notices', 'started');
    const note = this.settleNote(run, outcome);
    // The card is one of the notices, so the copy people are shown leaves the notices step out.
    const preview = this.finalRecord(run.stored.request, outcome, note, 'started');
    // Told before the final state is stored: if this worker dies in between, the next one tells
    // again (a repeated message) rather than never (a silent reset).
    const notices = await this.notifyOutcome(preview, changed, await this.settledFacts(run, changed));
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
    await this.records.save(
      run,
      (current) => this.finalRecord(current, outcome, note, 'succeeded'),
      'asChanged',
      [settledAudit],
    );
    this.logger.info({ requestId: run.id, outcome }, 'request settled');
  }

  /**
   * Whether anything in the directory may have changed: a changing step that said so, or one whose
   * worker died during the call (more starts than outcomes), whose effect nobody can know.
   */
  private directoryChanged(request: ResetRequest): boolean {
    const started = new Map<string, number>();
    const ended = new Map<string, number>();
    for (const step of stepsOf(request)) {
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
        this.records.status(run, step) === 'succeeded' ||
        (step === 'showPassToRequester' && this.records.status(run, 'showPassToApprover') === 'succeeded'),
    );
    const remaining = request.execution?.remaining;
    const endStateRight =
      this.records.status(run, 'verifyEndState') === 'succeeded' && remaining?.length === 0;
    return allDone && endStateRight ? 'DONE' : 'PARTIAL';
  }

  private settleNote(run: Run, outcome: FinalState): string | undefined {
    if (outcome === 'DONE') return undefined;
    const failed = stepsOf(run.stored.request)
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

  /**
   * The facts the settled card and the notices show. After a change, the methods as they are now:
   * the end state read back after the last change (in this process), or read once more here.
   */
  private async settledFacts(run: Run, changed: boolean): Promise<TargetFacts | undefined> {
    const facts = run.facts;
    if (facts === undefined) return undefined;
    if (changed && !this.methodsReadAfterChanges(run, facts)) {
      let methods: AuthMethod[] | undefined;
      try {
        methods = await this.directory.listMethods(run.target);
      } catch (error) {
        this.logger.warn({ err: error, requestId: run.id, lookup: 'methods' }, 'directory lookup failed');
      }
      await facts.update({ methods });
    }
    return facts.forCard();
  }

  private methodsReadAfterChanges(run: Run, facts: RunFacts): boolean {
    const all = stepsOf(run.stored.request);
    const verified = currentRecord(run.stored.request, 'verifyEndState', run.plan.pass !== undefined);
    if (verified?.status !== 'succeeded' || !facts.methodsAreEndState(verified.at)) return false;
    return !all.slice(all.lastIndexOf(verified) + 1).some((step) => METHOD_CHANGING_STEPS.has(step.name));
  }

  /** The approval card, the requester, and (when something was reset) the security notices. */
  private async notifyOutcome(
    request: ResetRequest,
    changed: boolean,
    facts: TargetFacts | undefined,
  ): Promise<Record<string, boolean>> {
    const card = await this.records.safely('update approval card', request.id, () =>
      this.notifier.updateApprovalCard(request, facts),
    );
    const requester = await this.records.safely('tell requester', request.id, () =>
      this.notifier.tellRequesterOutcome(request),
    );
    const results: Record<string, boolean> = { approvalCard: card, requester };
    if (changed) {
      try {
        const sent = await this.notifier.sendResetNotices(request, facts);
        results.securityChannel = sent.channel;
        results.mail = sent.mail;
      } catch (error) {
        this.logger.error({ requestId: request.id, errorCode: errorCodeOf(error) }, 'sending notices failed');
        results.securityChannel = false;
        results.mail = false;
      }
    }
    for (const [notice, sent] of Object.entries(results)) {
      await this.records.appendAudit({
        type: sent ? 'notice.sent' : 'notice.undeliverable',
        requestId: request.id,
        actor: null,
        data: { notice, state: request.state },
      });
    }
    return results;
  }
}
