import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { AppError } from '../../errors';
import { requireText, toIso } from '../transcript-fields';
import { isRequestId } from '../../domain/reset-request';
import type {
  JsonObject,
  TranscriptDirection,
  TranscriptEntry,
  TranscriptSegment,
  TranscriptStore,
} from '../../ports/transcript-store';
import { isAlreadyExists, isNotFound, storageCall, toStorageError } from './azure-errors';
import { keyPart, orderedKey, readText, textProperties } from './entity-text';

/** A span of time, `since` inclusive and `until` exclusive; an open end reaches the first or last entry. */
export interface TranscriptWindow {
  since?: Date;
  until?: Date;
}

export interface TranscriptLinkRecord {
  readonly requestId: string;
  readonly conversationId: string;
  readonly segmentId: string;
}

type Row = Record<string, unknown> & { partitionKey?: string; rowKey?: string };

/**
 * Layout of the transcripts table:
 * - partition `c:<conversation>`: entries `e:<ordered key>` (the key keeps the append order) and the
 *   links `l:<segment>:<request id>` of that conversation;
 * - partition `r:<request id>`: one row per segment the request was filed in, so a reviewer's read
 *   of one request is one partition query, not a scan.
 */
const conversationPartition = (conversationId: string): string => `c:${keyPart(conversationId)}`;
const requestPartition = (requestId: string): string => `r:${requestId}`;
const ENTRIES = { from: 'e:', to: 'e;' } as const;
const LINKS = { from: 'l:', to: 'l;' } as const;
const linkRow = (segmentId: string, requestId: string): string => `l:${keyPart(segmentId)}:${requestId}`;
const indexRow = (conversationId: string, segmentId: string): string =>
  `${keyPart(conversationId)}:${keyPart(segmentId)}`;

/** An entity group transaction: at most 100 operations and 4 MiB; entries are kept well inside. */
const MAX_BATCH_ENTRIES = 100;
const MAX_BATCH_CHARS = 1_500_000;

/**
 * `TranscriptStore` on a table. An `append` of one conversation's entries is one transaction (the
 * bot appends per turn, so per conversation); entries of several conversations are written one
 * conversation after another.
 */
export class AzureTranscriptStore implements TranscriptStore {
  constructor(
    private readonly table: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async append(...entries: readonly TranscriptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Checked and serialised first, so a bad entry stores none of them.
    const rows = entries.map(toEntity);
    const batches: Row[][] = [];
    let current: Row[] = [];
    let chars = 0;
    let partition: string | undefined;
    for (const row of rows) {
      const size = Number(row.size);
      if (
        current.length > 0 &&
        (row.partitionKey !== partition ||
          current.length >= MAX_BATCH_ENTRIES ||
          chars + size > MAX_BATCH_CHARS)
      ) {
        batches.push(current);
        current = [];
        chars = 0;
      }
      current.push(row);
      chars += size;
      partition = row.partitionKey;
    }
    batches.push(current);
    for (const batch of batches) {
      const actions = batch.map((row): TransactionAction => [
        'create',
        row as Row & { partitionKey: string; rowKey: string },
      ]);
      await storageCall('Storing transcript entries failed.', () => this.table.submitTransaction(actions));
    }
  }

  async list(conversationId: string, segmentId?: string): Promise<TranscriptEntry[]> {
    return (await this.entriesOf(conversationId, segmentId)).map(fromEntity);
  }

  async listByRequest(requestId: string): Promise<TranscriptEntry[]> {
    const links = await this.query(odata`PartitionKey eq ${requestPartition(requestId)}`);
    const rows = (
      await Promise.all(
        links.map((link) => this.entriesOf(String(link.conversationId), String(link.segmentId))),
      )
    ).flat();
    return sortByKey(rows).map(fromEntity);
  }

  /** Every conversation's incoming entries in the window, in the order they were appended. */
  async listIncoming(window: TranscriptWindow = {}): Promise<TranscriptEntry[]> {
    const clauses = [
      odata`RowKey ge ${ENTRIES.from}`,
      odata`RowKey lt ${ENTRIES.to}`,
      `direction eq 'incoming'`,
    ];
    if (window.since !== undefined) clauses.push(odata`at ge ${toIso(window.since, 'window start')}`);
    if (window.until !== undefined) clauses.push(odata`at lt ${toIso(window.until, 'window end')}`);
    return sortByKey(await this.query(clauses.join(' and '))).map(fromEntity);
  }

  /** Every link `linkRequest` recorded that retention has not removed yet, oldest first. */
  async listLinks(): Promise<TranscriptLinkRecord[]> {
    const rows = await this.query(odata`PartitionKey ge ${'r:'} and PartitionKey lt ${'r;'}`);
    return rows
      .sort(
        (a, b) =>
          compare(String(a.linkedAt), String(b.linkedAt)) ||
          compare(String(a.requestId), String(b.requestId)),
      )
      .map((row) => ({
        requestId: String(row.requestId),
        conversationId: String(row.conversationId),
        segmentId: String(row.segmentId),
      }));
  }

  async segmentsOf(conversationId: string): Promise<TranscriptSegment[]> {
    const partition = conversationPartition(conversationId);
    const [entries, links] = await Promise.all([
      this.entriesOf(conversationId),
      this.query(odata`PartitionKey eq ${partition} and RowKey ge ${LINKS.from} and RowKey lt ${LINKS.to}`),
    ]);
    const segments = new Map<string, { firstAt: string; lastAt: string; entryCount: number }>();
    for (const row of entries) {
      const id = String(row.segmentId);
      const at = String(row.at);
      const segment = segments.get(id);
      if (segment === undefined) segments.set(id, { firstAt: at, lastAt: at, entryCount: 1 });
      else {
        segment.entryCount += 1;
        if (at < segment.firstAt) segment.firstAt = at;
        if (at > segment.lastAt) segment.lastAt = at;
      }
    }
    links.sort(
      (a, b) =>
        compare(String(a.linkedAt), String(b.linkedAt)) || compare(String(a.requestId), String(b.requestId)),
    );
    return [...segments].map(([segmentId, segment]) => ({
      conversationId,
      segmentId,
      firstAt: new Date(segment.firstAt),
      lastAt: new Date(segment.lastAt),
      entryCount: segment.entryCount,
      requestIds: links.filter((link) => link.segmentId === segmentId).map((link) => String(link.requestId)),
    }));
  }

  async latestSegmentId(conversationId: string): Promise<string | undefined> {
    const entries = await this.entriesOf(conversationId);
    const last = entries[entries.length - 1];
    return last === undefined ? undefined : String(last.segmentId);
  }

  async linkRequest(conversationId: string, segmentId: string, requestId: string): Promise<void> {
    if (!isRequestId(requestId)) {
      throw new AppError('BAD_REQUEST', 'A transcript can only be linked to a request id.');
    }
    requireText(conversationId, 'conversationId');
    requireText(segmentId, 'segmentId');
    const link = { conversationId, segmentId, requestId, linkedAt: toIso(this.now(), 'link time') };
    // The request's row first: a link the reviewer's side cannot see would be lost to them.
    await this.createOnce({
      partitionKey: requestPartition(requestId),
      rowKey: indexRow(conversationId, segmentId),
      ...link,
    });
    await this.createOnce({
      partitionKey: conversationPartition(conversationId),
      rowKey: linkRow(segmentId, requestId),
      ...link,
    });
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    const cutoffIso = toIso(cutoff, 'cutoff');
    const old = await this.query(
      [odata`RowKey ge ${ENTRIES.from}`, odata`RowKey lt ${ENTRIES.to}`, odata`at lt ${cutoffIso}`].join(
        ' and ',
      ),
    );
    await this.deleteAll(old);
    const links = await this.query(
      [odata`RowKey ge ${LINKS.from}`, odata`RowKey lt ${LINKS.to}`, odata`linkedAt lt ${cutoffIso}`].join(
        ' and ',
      ),
    );
    for (const link of links) {
      const conversationId = String(link.conversationId);
      const segmentId = String(link.segmentId);
      if ((await this.entriesOf(conversationId, segmentId, 1)).length > 0) continue;
      await this.deleteAll([
        link,
        {
          partitionKey: requestPartition(String(link.requestId)),
          rowKey: indexRow(conversationId, segmentId),
        },
      ]);
    }
    return old.length;
  }

  private async entriesOf(conversationId: string, segmentId?: string, top?: number): Promise<Row[]> {
    const clauses = [
      odata`PartitionKey eq ${conversationPartition(conversationId)}`,
      odata`RowKey ge ${ENTRIES.from}`,
      odata`RowKey lt ${ENTRIES.to}`,
    ];
    if (segmentId !== undefined) clauses.push(odata`segmentId eq ${segmentId}`);
    return this.query(clauses.join(' and '), top);
  }

  private query(filter: string, top?: number): Promise<Row[]> {
    return storageCall('Reading transcripts failed.', async () => {
      const rows: Row[] = [];
      for await (const row of this.table.listEntities<Row>({ queryOptions: { filter } })) {
        rows.push(row);
        if (top !== undefined && rows.length >= top) break;
      }
      return rows;
    });
  }

  private async createOnce(entity: Row & { partitionKey: string; rowKey: string }): Promise<void> {
    try {
      await this.table.createEntity(entity);
    } catch (error) {
      // Idempotent: the first link keeps its time.
      if (isAlreadyExists(error)) return;
      throw toStorageError(error, `Linking a transcript to ${String(entity.requestId)} failed.`);
    }
  }

  private async deleteAll(rows: readonly Row[]): Promise<void> {
    for (const row of rows) {
      try {
        await this.table.deleteEntity(String(row.partitionKey), String(row.rowKey));
      } catch (error) {
        if (!isNotFound(error)) throw toStorageError(error, 'Purging old transcript entries failed.');
      }
    }
  }
}

function toEntity(entry: TranscriptEntry): Row & { partitionKey: string; rowKey: string } {
  requireText(entry.conversationId, 'conversationId');
  requireText(entry.segmentId, 'segmentId');
  requireText(entry.activityType, 'activityType');
  if (entry.direction !== 'incoming' && entry.direction !== 'outgoing') {
    throw new AppError('BAD_REQUEST', `"${String(entry.direction)}" is not a transcript direction.`);
  }
  if (typeof entry.activity !== 'object' || entry.activity === null || Array.isArray(entry.activity)) {
    throw new AppError('BAD_REQUEST', 'A transcript activity must be a JSON object.');
  }
  const activity = serialise(entry.activity);
  return {
    partitionKey: conversationPartition(entry.conversationId),
    rowKey: `${ENTRIES.from}${orderedKey()}`,
    conversationId: entry.conversationId,
    segmentId: entry.segmentId,
    at: toIso(entry.at, 'at'),
    direction: entry.direction,
    activityType: entry.activityType,
    size: activity.length,
    ...textProperties('activity', activity),
  };
}

function fromEntity(row: Row): TranscriptEntry {
  return {
    conversationId: String(row.conversationId),
    segmentId: String(row.segmentId),
    at: new Date(String(row.at)),
    direction: row.direction as TranscriptDirection,
    activityType: String(row.activityType),
    activity: JSON.parse(readText(row, 'activity')) as JsonObject,
  };
}

function serialise(activity: JsonObject): string {
  try {
    return JSON.stringify(activity);
  } catch (error) {
    throw new AppError('BAD_REQUEST', 'A transcript activity must be plain JSON.', { cause: error });
  }
}

function sortByKey(rows: Row[]): Row[] {
  return rows.sort((a, b) => compare(String(a.rowKey), String(b.rowKey)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
