/**
 * Redacted conversation transcripts for IT reviewers (DESIGN.md sections 1 and 7). A transcript is cut
 * into segments, one per diagnosis, and a segment is linked to the requests filed in it.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type TranscriptDirection = 'incoming' | 'outgoing';

export interface TranscriptEntry {
  readonly conversationId: string;
  /** The diagnosis this activity belongs to; segments of one conversation never overlap in time. */
  readonly segmentId: string;
  /** When the bot saw or sent the activity; retention counts from here. */
  readonly at: Date;
  readonly direction: TranscriptDirection;
  /** `message`, `invoke`, `invokeResponse`, `messageUpdate`, `messageDelete`, … */
  readonly activityType: string;
  /** The activity as plain JSON, already redacted: a store keeps it exactly as given. */
  readonly activity: JsonObject;
}

export interface TranscriptSegment {
  readonly conversationId: string;
  readonly segmentId: string;
  readonly firstAt: Date;
  readonly lastAt: Date;
  readonly entryCount: number;
  /** Requests filed during this diagnosis, in the order they were linked. */
  readonly requestIds: readonly string[];
}

/** A window of time: `since` inclusive, `until` exclusive; an open end reaches the first or last entry. */
export interface TimeWindow {
  since?: Date;
  until?: Date;
}

/** One segment a request was filed in, as `linkRequest` recorded it. */
export interface TranscriptLink {
  readonly requestId: string;
  readonly conversationId: string;
  readonly segmentId: string;
}

export interface TranscriptStore {
  /**
   * Stores the entries, in the given order, as one atomic write. Throws AppError('BAD_REQUEST') for an
   * invalid entry (nothing is stored then) and AppError('STORAGE') when the store fails.
   */
  append(...entries: readonly TranscriptEntry[]): Promise<void>;

  /** The conversation's entries (or one segment's), in the order they were appended. */
  list(conversationId: string, segmentId?: string): Promise<TranscriptEntry[]>;

  /** The entries of every segment linked to the request, in the order they were appended. */
  listByRequest(requestId: string): Promise<TranscriptEntry[]>;

  /**
   * Every conversation's incoming entries (what people sent) in the window, in the order they were
   * appended: the self-service statistics reconstruct diagnoses from them.
   */
  listIncoming(window?: TimeWindow): Promise<TranscriptEntry[]>;

  /** Every link `linkRequest` recorded that retention has not removed yet. */
  listLinks(): Promise<TranscriptLink[]>;

  /** The conversation's segments that still hold entries, oldest first. */
  segmentsOf(conversationId: string): Promise<TranscriptSegment[]>;

  /** The segment of the conversation's most recently appended entry; undefined when it has none. */
  latestSegmentId(conversationId: string): Promise<string | undefined>;

  /**
   * Records that `requestId` was filed during the segment. Idempotent. Throws AppError('BAD_REQUEST')
   * unless `requestId` is a request id (`REQ-7K3F9Q`), so nothing number-like is ever stored as a link.
   */
  linkRequest(conversationId: string, segmentId: string, requestId: string): Promise<void>;

  /**
   * Deletes every entry strictly older than `cutoff` (an entry at exactly `cutoff` stays), and the
   * links made before `cutoff` whose segment has no entry left. Returns the number of entries
   * deleted. Touches nothing else: the audit trail has its own, longer retention.
   */
  purgeOlderThan(cutoff: Date): Promise<number>;
}
