import { AppError } from '../../src/errors';
import type {
  TranscriptEntry,
  TranscriptLink,
  TranscriptSegment,
  TranscriptStore,
} from '../../src/ports/transcript-store';

/**
 * A transcript store that is down: every call fails, either as a rejected promise (a remote store) or
 * by throwing before returning one (a careless adapter). Counts the calls that reached it.
 */
export class FailingTranscriptStore implements TranscriptStore {
  calls = 0;

  constructor(private readonly how: 'reject' | 'throw' = 'reject') {}

  append(...entries: readonly TranscriptEntry[]): Promise<void> {
    return this.fail(`append of ${entries.length}`);
  }

  list(): Promise<TranscriptEntry[]> {
    return this.fail('list');
  }

  listByRequest(): Promise<TranscriptEntry[]> {
    return this.fail('listByRequest');
  }

  listIncoming(): Promise<TranscriptEntry[]> {
    return this.fail('listIncoming');
  }

  listLinks(): Promise<TranscriptLink[]> {
    return this.fail('listLinks');
  }

  segmentsOf(): Promise<TranscriptSegment[]> {
    return this.fail('segmentsOf');
  }

  latestSegmentId(): Promise<string | undefined> {
    return this.fail('latestSegmentId');
  }

  linkRequest(): Promise<void> {
    return this.fail('linkRequest');
  }

  purgeOlderThan(): Promise<number> {
    return this.fail('purgeOlderThan');
  }

  private fail<T>(what: string): Promise<T> {
    this.calls += 1;
    const error = new AppError('STORAGE', `transcript store is down (${what})`);
    if (this.how === 'throw') throw error;
    return Promise.reject(error);
  }
}
