import type { Scheduler } from '../../src/bot/transcript-retention';

/** A scheduler whose "later" is whenever the test calls `fire()`. */
export class ManualTranscriptScheduler implements Scheduler {
  readonly intervals: number[] = [];
  private readonly tasks = new Set<() => void>();

  every(intervalMs: number, task: () => void): () => void {
    this.intervals.push(intervalMs);
    this.tasks.add(task);
    return () => this.tasks.delete(task);
  }

  get scheduled(): number {
    return this.tasks.size;
  }

  fire(): void {
    for (const task of this.tasks) task();
  }
}
