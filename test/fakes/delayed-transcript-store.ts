import type {
  TimeWindow,
  TranscriptEntry,
  TranscriptLink,
  TranscriptSegment,
  TranscriptStore,
} from '../../src/ports/transcript-store';

/**
 * A slow remote store: every call waits `delayMs` before reaching the real store underneath, so a
 * caller that does not wait for its previous write races it.
 */
export class DelayedTranscriptStore implements TranscriptStore {
  /** Calls that reached this store, finished or not. */
  calls = 0;

  constructor(
    private readonly inner: TranscriptStore,
    private readonly delayMs: number,
  ) {}

  async append(...entries: readonly TranscriptEntry[]): Promise<void> {
    await this.pause();
    return this.inner.append(...entries);
  }

  async list(conversationId: string, segmentId?: string): Promise<TranscriptEntry[]> {
    await this.pause();
    return this.inner.list(conversationId, segmentId);
  }

  async listByRequest(requestId: string): Promise<TranscriptEntry[]> {
    await this.pause();
    return this.inner.listByRequest(requestId);
  }

  async listIncoming(window?: TimeWindow): Promise<TranscriptEntry[]> {
    await this.pause();
    return this.inner.listIncoming(window);
  }

  async listLinks(): Promise<TranscriptLink[]> {
    await this.pause();
    return this.inner.listLinks();
  }

  async segmentsOf(conversationId: string): Promise<TranscriptSegment[]> {
    await this.pause();
    return this.inner.segmentsOf(conversationId);
  }

  async latestSegmentId(conversationId: string): Promise<string | undefined> {
    await this.pause();
    return this.inner.latestSegmentId(conversationId);
  }

  async linkRequest(conversationId: string, segmentId: string, requestId: string): Promise<void> {
    await this.pause();
    return this.inner.linkRequest(conversationId, segmentId, requestId);
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    await this.pause();
    return this.inner.purgeOlderThan(cutoff);
  }

  private pause(): Promise<void> {
    this.calls += 1;
    return new Promise((resolve) => setTimeout(resolve, this.delayMs));
  }
}
