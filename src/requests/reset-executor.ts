import type { Logger } from '../log';
import type { AuditLog } from '../ports/audit-log';
import type { Directory } from '../ports/directory';
import type { RequestNotifier } from '../ports/request-notifier';
import type { RequestStore } from '../ports/request-store';
import { RunRecords, type ExecutorContext } from './run-records';
import { Settlement } from './settle';
import type { TargetFactsCache } from './target-facts';
import { ResetSteps } from './steps';
import { WorkQueue, type ReleaseAttempt } from './work-queue';

export { EXECUTOR_ACTOR } from './run-records';
export type { ReleaseAttempt } from './work-queue';

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
   * What this process read about each request's target (the approval click, card redraws): each run
   * hands it to its card redraws and notices, and the privilege check reuses a report read within
   * the decision window (see TargetFactsCache). Without it the executor reads privilege from Graph
   * and the notifier looks the target up itself.
   */
  facts?: TargetFactsCache;
  /** The approver and reviewer groups: their members hold the keys and are never reset here. */
  keyHolderGroupIds?: readonly string[];
  /** The key release codes are hashed with (see src/domain/release-code.ts); without it none matches. */
  releaseCodeKey?: string;
  /** Changed phone: how long after approval the requester may type the release code. */
  releaseCodeTimeoutMinutes?: number;
}

export const EXECUTOR_DEFAULTS = {
  passNotedTimeoutMinutes: 10,
  releaseCodeTimeoutMinutes: 30,
  leaseSeconds: 120,
  pollIntervalMs: 5_000,
} as const;

/**
 * Carries out approved reset requests exactly once (DESIGN.md section 3, "Execution"). Work is taken
 * from the store with a compare-and-swap lease (work-queue.ts); every step is recorded before and
 * after it runs (steps.ts), so a worker that finds a request whose lease ran out continues from the
 * last recorded step; the end is read back and told (settle.ts).
 */
export class ResetExecutor {
  private readonly queue: WorkQueue;

  constructor(options: ResetExecutorOptions) {
    const context: ExecutorContext = {
      requests: options.requests,
      audit: options.audit,
      directory: options.directory,
      notifier: options.notifier,
      logger: options.logger.child({ component: 'reset-executor', workerId: options.workerId }),
      now: options.now ?? (() => new Date()),
      workerId: options.workerId,
      leaseMs: (options.leaseSeconds ?? EXECUTOR_DEFAULTS.leaseSeconds) * 1000,
    };
    const facts = options.facts;
    const records = new RunRecords(context);
    const settlement = new Settlement(context, records);
    const steps = new ResetSteps(context, records, settlement, {
      passNotedTimeoutMs:
        (options.passNotedTimeoutMinutes ?? EXECUTOR_DEFAULTS.passNotedTimeoutMinutes) * 60_000,
      releaseCodeTimeoutMs:
        (options.releaseCodeTimeoutMinutes ?? EXECUTOR_DEFAULTS.releaseCodeTimeoutMinutes) * 60_000,
      releaseCodeKey: options.releaseCodeKey,
      breakGlass: new Set((options.breakGlassUserIds ?? []).map((id) => id.toLowerCase())),
      recentPrivilege: facts === undefined ? undefined : (requestId) => facts.recentPrivilege(requestId),
      keyHolderGroupIds: options.keyHolderGroupIds ?? [],
    });
    this.queue = new WorkQueue(context, records, steps, settlement, {
      pollIntervalMs: options.pollIntervalMs ?? EXECUTOR_DEFAULTS.pollIntervalMs,
      tapMaxLifetimeMinutes: options.tapMaxLifetimeMinutes,
      releaseCodeKey: options.releaseCodeKey,
      facts,
    });
  }

  /** Polls for work on an unref'd timer, so a pending poll never keeps the process alive. */
  start(): void {
    this.queue.start();
  }

  /** Stops polling and waits for the run in progress, if any. */
  stop(): Promise<void> {
    return this.queue.stop();
  }

  /** Runs soon; calls during a run coalesce into one more run after it. Never rejects. */
  kick(): Promise<void> {
    return this.queue.kick();
  }

  /** Takes and runs every request that is waiting for a worker. */
  runOnce(): Promise<void> {
    return this.queue.runOnce();
  }

  /** The requester pressed "I have noted it" on the pass card; see `WorkQueue.notePassSeen`. */
  notePassSeen(requestId: string, requesterAadId: string): Promise<boolean> {
    return this.queue.notePassSeen(requestId, requesterAadId);
  }

  /** The requester typed the release code on their pass card; see `WorkQueue.submitReleaseCode`. */
  submitReleaseCode(requestId: string, requesterAadId: string, typed: string): Promise<ReleaseAttempt> {
    return this.queue.submitReleaseCode(requestId, requesterAadId, typed);
  }
}
