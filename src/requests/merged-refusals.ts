import type { AuditEvent, AuditEventType, AuditRecord, ChainHead } from '../domain/audit';
import type { AuditLog, AuditLogFilter, AuditPageOptions } from '../ports/audit-log';

/** Refusals anyone can cause over and over; each is worth knowing about, not one chained record each. */
const MERGED_TYPES: ReadonlySet<AuditEventType> = new Set(['request.refused', 'review.refused']);

export const REFUSAL_MERGE_WINDOW_MS = 10 * 60_000;
const MAX_OPEN_WINDOWS = 10_000;

interface OpenWindow {
  event: AuditEvent;
  /** Set before the first record is written, so refusals arriving meanwhile are counted too. */
  record: Promise<AuditRecord>;
  startMs: number;
  repeated: number;
  lastAt: string | undefined;
}

/**
 * The audit log with repeated refusals merged: the first refusal of a kind (same type, person,
 * request and reason) is written at once; the same refusal again within the window is counted, and
 * one more record with the count (`repeated`, first and last time) closes the window. Windows close
 * on the next append after they end and when the bot stops (`flush`).
 */
export class MergedRefusalAudit implements AuditLog {
  private readonly open = new Map<string, OpenWindow>();

  constructor(
    private readonly inner: AuditLog,
    private readonly now: () => Date,
    private readonly windowMs = REFUSAL_MERGE_WINDOW_MS,
  ) {}

  async append(event: AuditEvent): Promise<AuditRecord> {
    await this.closeWindows(false);
    if (!MERGED_TYPES.has(event.type)) return this.inner.append(event);
    const key = JSON.stringify([
      event.type,
      event.requestId ?? '',
      event.actor?.id ?? '',
      JSON.stringify(event.data?.reason ?? ''),
      JSON.stringify(event.data?.attempt ?? ''),
    ]);
    const window = this.open.get(key);
    if (window) {
      window.repeated += 1;
      window.lastAt = this.now().toISOString();
      return window.record;
    }
    if (this.open.size >= MAX_OPEN_WINDOWS) await this.closeOldest();
    const record = this.inner.append(event);
    const opened: OpenWindow = {
      event,
      record,
      startMs: this.now().getTime(),
      repeated: 0,
      lastAt: undefined,
    };
    this.open.set(key, opened);
    try {
      return await record;
    } catch (error) {
      // Nothing was written, so nothing may be counted against it.
      if (this.open.get(key) === opened) this.open.delete(key);
      throw error;
    }
  }

  /** Writes the counts of every open window (at shutdown). */
  flush(): Promise<void> {
    return this.closeWindows(true);
  }

  list(filter?: AuditLogFilter): Promise<AuditRecord[]> {
    return this.inner.list(filter);
  }

  head(): Promise<ChainHead | undefined> {
    return this.inner.head();
  }

  all(options?: AuditPageOptions): AsyncIterable<AuditRecord> {
    return this.inner.all(options);
  }

  private async closeWindows(all: boolean): Promise<void> {
    const nowMs = this.now().getTime();
    for (const [key, window] of [...this.open]) {
      if (all || nowMs - window.startMs >= this.windowMs) await this.close(key, window);
    }
  }

  private async closeOldest(): Promise<void> {
    const oldest = this.open.entries().next().value;
    if (oldest) await this.close(oldest[0], oldest[1]);
  }

  private async close(key: string, window: OpenWindow): Promise<void> {
    this.open.delete(key);
    if (window.repeated === 0) return;
    const first = await window.record;
    await this.inner.append({
      ...window.event,
      data: { ...window.event.data, repeated: window.repeated, firstAt: first.at, lastAt: window.lastAt },
    });
  }
}
