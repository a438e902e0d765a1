/**
 * Fixed-window counters per key, in memory. Used wherever one source could flood something that
 * costs us: log lines for unauthenticated refusals, a person's messages, a person's refused clicks.
 * The number of keys is bounded, so a flood of distinct keys cannot grow the map without limit: the
 * oldest windows are dropped first, which at worst lets a dropped key start a fresh window.
 */

export interface WindowHit {
  /** Events counted for this key in its current window, this one included. */
  count: number;
  /** More than `limit` events in the window. */
  over: boolean;
  /** This is the first event past the limit in the window (say "slow down" once, not every time). */
  firstOver: boolean;
  /** When the key's current window started (ms since the epoch). */
  windowStart: number;
}

export interface WindowCounterOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
  maxKeys?: number;
}

interface Window {
  start: number;
  count: number;
}

export class WindowCounter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: WindowCounterOptions) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  get limit(): number {
    return this.options.limit;
  }

  /** Counts one event for `key`. */
  hit(key: string): WindowHit {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.options.windowMs) {
      this.windows.delete(key);
      window = { start: now, count: 0 };
      this.evictIfFull(now);
      this.windows.set(key, window);
    }
    window.count += 1;
    return {
      count: window.count,
      over: window.count > this.options.limit,
      firstOver: window.count === this.options.limit + 1,
      windowStart: window.start,
    };
  }

  /** Events counted for `key` in its current window (0 when it has none). */
  current(key: string): number {
    const window = this.windows.get(key);
    return window !== undefined && this.now() - window.start < this.options.windowMs ? window.count : 0;
  }

  private evictIfFull(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    for (const [key, window] of this.windows) {
      if (now - window.start >= this.options.windowMs) this.windows.delete(key);
    }
    // Still full of live windows: drop the oldest (Map keeps insertion order).
    while (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
  }
}
