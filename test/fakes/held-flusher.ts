import type { Flusher } from '../../src/adapters/sqlite/wal-flusher';

/**
 * A flusher whose flushes wait until the test releases them, so a test can see what a store does
 * (and does not yet tell its caller) while its commit is written but not yet on disk.
 */
export class HeldFlusher implements Flusher {
  /** How many flushes were asked for. */
  calls = 0;
  private readonly waiting: Array<() => void> = [];

  flush(): Promise<void> {
    this.calls += 1;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Lets every flush asked for so far finish. */
  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
