import { AppError } from '../../errors';
import { requireText, toIso } from '../transcript-fields';
import { isRequestId } from '../../domain/reset-request';
import type {
  JsonObject,
  TimeWindow,
  TranscriptDirection,
  TranscriptEntry,
  TranscriptLink,
  TranscriptSegment,
  TranscriptStore,
} from '../../ports/transcript-store';
import { asPromise } from './as-promise';
import { toStorageError, truncateWal, type SqliteDatabase } from './database';

interface EntryRow {
  conversation_id: string;
  segment_id: string;
  at: string;
  direction: TranscriptDirection;
  activity_type: string;
  activity: string;
}

interface EntryColumns {
  conversationId: string;
  segmentId: string;
  at: string;
  direction: TranscriptDirection;
  activityType: string;
  activity: string;
}

interface LinkRow {
  request_id: string;
  conversation_id: string;
  segment_id: string;
}

interface SegmentRow {
  segment_id: string;
  first_at: string;
  last_at: string;
  entry_count: number;
  request_ids: string;
}

/**
 * Deleted per transaction while purging, so a large first purge after a long outage does not hold the
 * write lock (and every conversation's transcript writes) for its whole length.
 */
const PURGE_BATCH = 2000;

const ENTRY_COLUMNS = 'conversation_id, segment_id, at, direction, activity_type, activity';

/** `TranscriptStore` on the shared SQLite file (migration 4). */
export class SqliteTranscriptStore implements TranscriptStore {
  private readonly insertEntry;
  private readonly selectByConversation;
  private readonly selectBySegment;
  private readonly selectByRequest;
  private readonly selectIncoming;
  private readonly selectLinks;
  private readonly selectSegments;
  private readonly selectLatestSegment;
  private readonly insertLink;
  private readonly deleteOldEntries;
  private readonly deleteOrphanLinks;

  private readonly now: () => Date;

  constructor(
    private readonly db: SqliteDatabase,
    options: { now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.insertEntry = db.prepare<[EntryColumns]>(
      `INSERT INTO transcript_entries (${ENTRY_COLUMNS})
       VALUES (@conversationId, @segmentId, @at, @direction, @activityType, @activity)`,
    );
    this.selectByConversation = db.prepare<[string], EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM transcript_entries WHERE conversation_id = ? ORDER BY seq`,
    );
    this.selectBySegment = db.prepare<[string, string], EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM transcript_entries
       WHERE conversation_id = ? AND segment_id = ? ORDER BY seq`,
    );
    this.selectByRequest = db.prepare<[string], EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM transcript_entries AS e
       WHERE EXISTS (
         SELECT 1 FROM transcript_links AS l
         WHERE l.request_id = ? AND l.conversation_id = e.conversation_id AND l.segment_id = e.segment_id
       )
       ORDER BY seq`,
    );
    this.selectIncoming = db.prepare<[{ since: string; until: string }], EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM transcript_entries
       WHERE at >= @since AND at < @until AND direction = 'incoming' ORDER BY seq`,
    );
    this.selectLinks = db.prepare<[], LinkRow>(
      'SELECT request_id, conversation_id, segment_id FROM transcript_links ORDER BY linked_at, request_id',
    );
    this.selectSegments = db.prepare<[string], SegmentRow>(
      `SELECT e.segment_id, MIN(e.at) AS first_at, MAX(e.at) AS last_at, COUNT(*) AS entry_count,
              (SELECT json_group_array(request_id) FROM (
                 SELECT l.request_id FROM transcript_links AS l
                 WHERE l.conversation_id = e.conversation_id AND l.segment_id = e.segment_id
                 ORDER BY l.linked_at, l.request_id
               )) AS request_ids
       FROM transcript_entries AS e
       WHERE e.conversation_id = ?
       GROUP BY e.segment_id
       ORDER BY MIN(e.seq)`,
    );
    this.selectLatestSegment = db
      .prepare<[string], string>(
        'SELECT segment_id FROM transcript_entries WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1',
      )
      .pluck();
    this.insertLink = db.prepare<[string, string, string, string]>(
      `INSERT INTO transcript_links (request_id, conversation_id, segment_id, linked_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    this.deleteOldEntries = db.prepare<[string, number]>(
      `DELETE FROM transcript_entries
       WHERE seq IN (SELECT seq FROM transcript_entries WHERE at < ? LIMIT ?)`,
    );
    this.deleteOrphanLinks = db.prepare<[string]>(
      `DELETE FROM transcript_links
       WHERE linked_at < ?
         AND NOT EXISTS (
           SELECT 1 FROM transcript_entries AS e
           WHERE e.conversation_id = transcript_links.conversation_id
             AND e.segment_id = transcript_links.segment_id
         )`,
    );
  }

  append(...entries: readonly TranscriptEntry[]): Promise<void> {
    return asPromise(() => {
      if (entries.length === 0) return;
      // Checked and serialised before the transaction, so a bad entry stores none of them.
      const rows = entries.map(toColumns);
      const insertAll = this.db.transaction(() => {
        for (const row of rows) this.insertEntry.run(row);
      });
      try {
        insertAll.immediate();
      } catch (error) {
        throw toStorageError(error, 'Storing transcript entries failed.');
      }
    });
  }

  list(conversationId: string, segmentId?: string): Promise<TranscriptEntry[]> {
    return asPromise(() =>
      this.query(() =>
        segmentId === undefined
          ? this.selectByConversation.all(conversationId)
          : this.selectBySegment.all(conversationId, segmentId),
      ).map(fromRow),
    );
  }

  listByRequest(requestId: string): Promise<TranscriptEntry[]> {
    return asPromise(() => this.query(() => this.selectByRequest.all(requestId)).map(fromRow));
  }

  listIncoming(window: TimeWindow = {}): Promise<TranscriptEntry[]> {
    return asPromise(() => {
      // Stored times are all four-digit-year ISO strings, so these bounds sort before and after any.
      const since = window.since === undefined ? '0000' : toIso(window.since, 'window start');
      const until = window.until === undefined ? '9999' : toIso(window.until, 'window end');
      return this.query(() => this.selectIncoming.all({ since, until })).map(fromRow);
    });
  }

  listLinks(): Promise<TranscriptLink[]> {
    return asPromise(() =>
      this.query(() => this.selectLinks.all()).map((row) => ({
        requestId: row.request_id,
        conversationId: row.conversation_id,
        segmentId: row.segment_id,
      })),
    );
  }

  segmentsOf(conversationId: string): Promise<TranscriptSegment[]> {
    return asPromise(() =>
      this.query(() => this.selectSegments.all(conversationId)).map((row) => ({
        conversationId,
        segmentId: row.segment_id,
        firstAt: new Date(row.first_at),
        lastAt: new Date(row.last_at),
        entryCount: row.entry_count,
        requestIds: JSON.parse(row.request_ids) as string[],
      })),
    );
  }

  latestSegmentId(conversationId: string): Promise<string | undefined> {
    return asPromise(() => this.query(() => this.selectLatestSegment.get(conversationId)));
  }

  linkRequest(conversationId: string, segmentId: string, requestId: string): Promise<void> {
    return asPromise(() => {
      if (!isRequestId(requestId)) {
        throw new AppError('BAD_REQUEST', 'A transcript can only be linked to a request id.');
      }
      requireText(conversationId, 'conversationId');
      requireText(segmentId, 'segmentId');
      try {
        this.insertLink.run(requestId, conversationId, segmentId, toIso(this.now(), 'link time'));
      } catch (error) {
        throw toStorageError(error, `Linking a transcript to ${requestId} failed.`);
      }
    });
  }

  purgeOlderThan(cutoff: Date): Promise<number> {
    return asPromise(() => {
      const cutoffIso = toIso(cutoff, 'cutoff');
      let deleted = 0;
      try {
        for (;;) {
          const batch = this.db
            .transaction(() => this.deleteOldEntries.run(cutoffIso, PURGE_BATCH).changes)
            .immediate();
          deleted += batch;
          if (batch < PURGE_BATCH) break;
        }
        const links = this.db.transaction(() => this.deleteOrphanLinks.run(cutoffIso).changes).immediate();
        if (deleted + links > 0) {
          // secure_delete zeroes the freed cells, but earlier images of those pages wait in the WAL.
          truncateWal(this.db);
        }
      } catch (error) {
        throw toStorageError(error, 'Purging old transcript entries failed.');
      }
      return deleted;
    });
  }

  private query<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw toStorageError(error, 'Reading transcripts failed.');
    }
  }
}

function toColumns(entry: TranscriptEntry): EntryColumns {
  requireText(entry.conversationId, 'conversationId');
  requireText(entry.segmentId, 'segmentId');
  requireText(entry.activityType, 'activityType');
  if (entry.direction !== 'incoming' && entry.direction !== 'outgoing') {
    throw new AppError('BAD_REQUEST', `"${String(entry.direction)}" is not a transcript direction.`);
  }
  if (typeof entry.activity !== 'object' || entry.activity === null || Array.isArray(entry.activity)) {
    throw new AppError('BAD_REQUEST', 'A transcript activity must be a JSON object.');
  }
  return {
    conversationId: entry.conversationId,
    segmentId: entry.segmentId,
    // Normalised so that string comparison in SQL orders and filters by time.
    at: toIso(entry.at, 'at'),
    direction: entry.direction,
    activityType: entry.activityType,
    activity: serialise(entry.activity),
  };
}

function serialise(activity: JsonObject): string {
  try {
    return JSON.stringify(activity);
  } catch (error) {
    throw new AppError('BAD_REQUEST', 'A transcript activity must be plain JSON.', { cause: error });
  }
}

function fromRow(row: EntryRow): TranscriptEntry {
  return {
    conversationId: row.conversation_id,
    segmentId: row.segment_id,
    at: new Date(row.at),
    direction: row.direction,
    activityType: row.activity_type,
    activity: JSON.parse(row.activity) as JsonObject,
  };
}
