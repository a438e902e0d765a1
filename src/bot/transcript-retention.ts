import type { Logger } from '../log';
import { runUnderLease, type JobLease } from '../ports/leases';
import type { TranscriptStore } from '../ports/transcript-store';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** The lease every instance's retention takes for a purge. */
export const RETENTION_LEASE = 'transcript-retention';

/** Runs a task every so often until cancelled; injectable so tests decide when "later" is. */
export interface Scheduler {
  every(intervalMs: number, task: () => void): () => void;
}

/** setInterval that does not keep the process alive on its own: shutdown never waits for a purge. */
export const intervalScheduler: Scheduler = {
  every(intervalMs, task) {
    const timer = setInterval(task, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface TranscriptRetentionOptions {
  store: Pick<TranscriptStore, 'purgeOlderThan'>;
  /** HELPDESK_TRANSCRIPT_RETENTION_DAYS. */
  retentionDays: number;
  logger: Logger;
  now?: () => Date;
  intervalMs?: number;
  scheduler?: Scheduler;
  /** With several instances on one store, each purge takes this lease, so one purges at a time. */
  lease?: JobLease;
}

/**
 * Deletes transcript entries older than the retention period: once at start, then every interval.
 * Only transcripts: the audit trail has its own, longer retention (HELPDESK_AUDIT_RETENTION_DAYS) and
 * is never touched here.
 */
export class TranscriptRetention {
  private readonly store: Pick<TranscriptStore, 'purgeOlderThan'>;
  private readonly retentionMs: number;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly intervalMs: number;
  private readonly scheduler: Scheduler;
  private readonly lease: JobLease | undefined;
  private running: Promise<number> | undefined;
  private cancel: (() => void) | undefined;
  private failures = 0;

  constructor(options: TranscriptRetentionOptions) {
    if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1) {
      throw new RangeError(
        `The transcript retention must be a whole number of days, got ${options.retentionDays}.`,
      );
    }
    this.store = options.store;
    this.retentionMs = options.retentionDays * DAY_MS;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
    this.intervalMs = options.intervalMs ?? DEFAULT_PURGE_INTERVAL_MS;
    this.scheduler = options.scheduler ?? intervalScheduler;
    this.lease = options.lease;
  }

  /** Purges that failed since start; each failure is logged and retried at the next run. */
  get failedRuns(): number {
    return this.failures;
  }

  /** Entries before this instant are due; an entry exactly this old is kept until the next run. */
  cutoff(): Date {
    return new Date(this.now().getTime() - this.retentionMs);
  }

  start(): void {
    if (this.cancel) return;
    this.cancel = this.scheduler.every(this.intervalMs, () => this.runInBackground());
    this.runInBackground();
  }

  /** Stops the schedule and waits for a purge in progress. */
  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Purges now and resolves with the number of entries deleted; rejects (after logging) when the store
   * fails. A call while a purge runs joins it instead of starting a second one.
   */
  runOnce(): Promise<number> {
    if (!this.running) {
      this.running = this.purge().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private runInBackground(): void {
    // Already logged and counted by purge(); a timer has nobody to hand the error to.
    this.runOnce().catch(() => undefined);
  }

  /** Another instance's purge in progress covers this run's: nothing is purged here then. */
  private async purgeWhenLeased(cutoff: Date): Promise<number> {
    if (this.lease === undefined) return this.store.purgeOlderThan(cutoff);
    const run = await runUnderLease(this.lease, RETENTION_LEASE, this.now(), () =>
      this.store.purgeOlderThan(cutoff),
    );
    if (!run.ran) this.logger.debug('another instance holds the retention lease; purge skipped');
    return run.ran ? run.value : 0;
  }

  private async purge(): Promise<number> {
    const cutoff = this.cutoff();
    try {
      const purged = await this.purgeWhenLeased(cutoff);
      this.logger[purged > 0 ? 'info' : 'debug'](
        { purged, cutoff: cutoff.toISOString() },
        'old transcript entries purged',
      );
      return purged;
    } catch (error) {
      this.failures += 1;
      this.logger.error(
        { err: error, cutoff: cutoff.toISOString(), failedRuns: this.failures },
        'transcript purge failed; it runs again at the next interval',
      );
      throw error;
    }
  }
}
