import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors';
import {
  checkUpdate,
  closesRequest,
  pageQuery,
  storableRequest,
  storedTime,
  type StorableRequest,
} from '../../domain/store-guard';
import { REQUEST_STATES, type RequestState, type ResetRequest } from '../../domain/reset-request';
import {
  OPEN_REQUEST_EXISTS,
  REQUEST_ID_TAKEN,
  type RequestStore,
  type StoredRequest,
} from '../../ports/request-store';
import type { AuditEvent, AuditRecord } from '../../domain/audit';
import { asPromise } from './as-promise';
import type { SqliteAuditLog } from './sqlite-audit-log';
import { durably, toStorageError, truncateWal, truncateWalSoon, type SqliteDatabase } from './database';
import { walFlusherOf, type Flusher } from './wal-flusher';

interface RequestRow {
  etag: string;
  body: string;
}

interface PageRow extends RequestRow {
  created_at: string;
  id: string;
}

/** Where the next page starts: after this (created_at, id). */
interface PageCursor {
  afterCreatedAt: string;
  afterId: string;
}

type PageParams = PageCursor & { limit: number } & Record<string, string | number | null>;

/**
 * One parameter per state a page can ask for; the ones a call does not use are bound to NULL,
 * which no row's state equals.
 */
const PAGE_STATE_SLOTS = REQUEST_STATES.map((_, i) => `state${i}`);

/** Sorts before every stored time: the first page starts at the beginning. */
const FIRST_PAGE: PageCursor = { afterCreatedAt: '', afterId: '' };

/**
 * One arm per state, each a walk of `reset_requests_by_state_created_id` from the cursor in the
 * compound's ORDER BY, so SQLite merges the arms instead of sorting and stops after `limit` rows:
 * a page costs its own rows, however many match after it. `state IN (…)` with one ORDER BY would
 * sort every match after the cursor for every page. Exported for the test that holds it to that plan.
 */
export const SELECT_PAGE_BY_STATES = `${PAGE_STATE_SLOTS.map(
  (slot) => `SELECT etag, body, created_at, id FROM reset_requests
       WHERE state = @${slot} AND (created_at, id) > (@afterCreatedAt, @afterId)`,
).join('\n       UNION ALL\n       ')}
       ORDER BY created_at, id
       LIMIT @limit`;

interface Columns {
  id: string;
  tenantId: string;
  requester: string;
  state: RequestState;
  createdAt: string;
  updatedAt: string;
  body: string;
}

/**
 * `RequestStore` on the shared SQLite file. Each write runs in an IMMEDIATE transaction, so the
 * eTag check and the write are atomic across processes, and the one-open-request rule is the
 * database's partial unique index rather than a check that a second process could race.
 */
export class SqliteRequestStore implements RequestStore {
  private readonly insert;
  private readonly selectById;
  private readonly selectOpenByRequester;
  private readonly selectOpenIdByRequester;
  private readonly updateIfETag;
  private readonly selectByStates;
  private readonly selectPageByStates;
  private readonly countSince;
  private readonly countAllSince;

  private readonly audit: SqliteAuditLog | undefined;

  private readonly flusher: Flusher;
  /** `audit`: the log that `update(…, audit)` links records into, in the same transaction. */
  constructor(
    private readonly db: SqliteDatabase,
    options: { audit?: SqliteAuditLog; flusher?: Flusher } = {},
  ) {
    this.audit = options.audit;
    this.flusher = options.flusher ?? walFlusherOf(db);
    this.insert = db.prepare<[Columns & { etag: string }]>(
      `INSERT INTO reset_requests (id, tenant_id, requester_aad_object_id, state, created_at, updated_at, etag, body)
       VALUES (@id, @tenantId, @requester, @state, @createdAt, @updatedAt, @etag, @body)`,
    );
    this.selectById = db.prepare<[string], RequestRow>('SELECT etag, body FROM reset_requests WHERE id = ?');
    // Spelled like the partial index's WHERE clause so SQLite can use that index.
    this.selectOpenByRequester = db.prepare<[string], RequestRow>(
      `SELECT etag, body FROM reset_requests
       WHERE requester_aad_object_id = ? AND state IN ('PENDING', 'APPROVED', 'EXECUTING')`,
    );
    this.selectOpenIdByRequester = db
      .prepare<[string], string>(
        `SELECT id FROM reset_requests
         WHERE requester_aad_object_id = ? AND state IN ('PENDING', 'APPROVED', 'EXECUTING')`,
      )
      .pluck();
    this.updateIfETag = db.prepare<[Columns & { etag: string; expectedETag: string }]>(
      `UPDATE reset_requests
       SET state = @state, updated_at = @updatedAt, etag = @etag, body = @body
       WHERE id = @id AND etag = @expectedETag`,
    );
    this.selectByStates = db.prepare<[string, number], RequestRow>(
      `SELECT etag, body FROM reset_requests
       WHERE state IN (SELECT value FROM json_each(?))
       ORDER BY created_at, id
       LIMIT ?`,
    );
    this.selectPageByStates = db.prepare<[PageParams], PageRow>(SELECT_PAGE_BY_STATES);
    this.countSince = db
      .prepare<[string, string], number>(
        'SELECT COUNT(*) FROM reset_requests WHERE requester_aad_object_id = ? AND created_at >= ?',
      )
      .pluck();
    this.countAllSince = db
      .prepare<[string], number>('SELECT COUNT(*) FROM reset_requests WHERE created_at >= ?')
      .pluck();
  }

  async create(request: ResetRequest): Promise<StoredRequest> {
    const columns = toColumns(storableRequest(request));
    const etag = randomUUID();
    const insert = this.db.transaction(() => {
      try {
        this.insert.run({ ...columns, etag });
      } catch (error) {
        throw this.explainInsertFailure(error, columns);
      }
    });
    try {
      await durably(this.db, this.flusher, () => insert.immediate());
    } catch (error) {
      throw toStorageError(error, `Storing request ${columns.id} failed.`);
    }
    return { request: parseBody(columns.body), eTag: etag };
  }

  get(id: string): Promise<StoredRequest | undefined> {
    return asPromise(() => toStored(this.query(() => this.selectById.get(id))));
  }

  findOpenByRequester(aadObjectId: string): Promise<StoredRequest | undefined> {
    return asPromise(() => toStored(this.query(() => this.selectOpenByRequester.get(aadObjectId))));
  }

  async update(
    request: ResetRequest,
    expectedETag: string,
    audit: readonly AuditEvent[] = [],
  ): Promise<StoredRequest> {
    const auditLog = this.audit;
    if (audit.length > 0 && auditLog === undefined) {
      // Fail closed: a change whose audit record cannot be written is not made.
      throw new AppError('INTERNAL', 'this request store has no audit log to write the change to');
    }
    let linked: AuditRecord[] = [];
    const next = storableRequest(request);
    const columns = toColumns(next);
    const etag = randomUUID();
    let closed = false;
    const swap = this.db.transaction(() => {
      const row = this.selectById.get(columns.id);
      if (row === undefined) {
        throw new AppError('NOT_FOUND', `Request ${columns.id} does not exist.`, { details: [columns.id] });
      }
      if (row.etag !== expectedETag) {
        throw new AppError('CONFLICT', `Request ${columns.id} changed since it was read.`, {
          details: [columns.id],
        });
      }
      const current = parseBody(row.body);
      checkUpdate(current, next.request);
      // The eTag condition is redundant inside the write lock; it stays as the statement's own guard.
      if (this.updateIfETag.run({ ...columns, etag, expectedETag }).changes !== 1) {
        throw new AppError('CONFLICT', `Request ${columns.id} changed since it was read.`, {
          details: [columns.id],
        });
      }
      closed = closesRequest(current, next.request);
      if (auditLog !== undefined && audit.length > 0) linked = auditLog.linkWithinTransaction(audit);
    });
    let wipeLater = false;
    try {
      await durably(this.db, this.flusher, () => {
        swap.immediate();
        // The page images that still hold the full number sit in the WAL until a checkpoint: cleared
        // in the same tick as the commit, so nobody sees the closed request while they are there.
        wipeLater = closed && !truncateWal(this.db);
      });
      // The checkpointer thread was checkpointing at that instant: try again once it is done.
      if (wipeLater) await truncateWalSoon(this.db);
    } catch (error) {
      throw toStorageError(error, `Updating request ${columns.id} failed.`);
    }
    for (const record of linked) auditLog?.announce(record);
    return { request: parseBody(columns.body), eTag: etag };
  }

  listByState(states: readonly RequestState[], limit?: number): Promise<StoredRequest[]> {
    return asPromise(() => {
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
        throw new AppError('BAD_REQUEST', `The limit must be a non-negative integer, got ${limit}.`);
      }
      // SQLite reads a negative LIMIT as "no limit".
      const rows = this.query(() => this.selectByStates.all(JSON.stringify(states), limit ?? -1));
      return rows.map((row) => ({ request: parseBody(row.body), eTag: row.etag }));
    });
  }

  /**
   * Keyset pages, oldest first: each page starts after the last (created_at, id) yielded, and
   * neither changes while a request lives, so rows changing state around the cursor cannot shift
   * a staying one past it, as they would an OFFSET.
   */
  async *pagesByState(states: readonly RequestState[], pageSize: number): AsyncGenerator<StoredRequest[]> {
    const wanted = pageQuery(states, pageSize);
    if (wanted.length === 0) return;
    const slots = Object.fromEntries(PAGE_STATE_SLOTS.map((slot, i) => [slot, wanted[i] ?? null]));
    let cursor: PageCursor | undefined = FIRST_PAGE;
    while (cursor !== undefined) {
      const params: PageParams = { ...slots, ...cursor, limit: pageSize };
      const read = await asPromise(() => this.readPage(params));
      if (read.page.length === 0) return;
      cursor = read.next;
      yield read.page;
    }
  }

  /** `next` is undefined once the page is short: nothing matched after it when it was read. */
  private readPage(params: PageParams): { page: StoredRequest[]; next: PageCursor | undefined } {
    const rows = this.query(() => this.selectPageByStates.all(params));
    const last = rows[rows.length - 1];
    return {
      page: rows.map((row) => ({ request: parseBody(row.body), eTag: row.etag })),
      next:
        last === undefined || rows.length < params.limit
          ? undefined
          : { afterCreatedAt: last.created_at, afterId: last.id },
    };
  }

  countCreatedSince(aadObjectId: string, since: Date): Promise<number> {
    return asPromise(() => {
      const sinceIso = storedTime(since.toISOString(), 'since');
      return this.query(() => this.countSince.get(aadObjectId, sinceIso)) ?? 0;
    });
  }

  countAllCreatedSince(since: Date): Promise<number> {
    return asPromise(() => {
      const sinceIso = storedTime(since.toISOString(), 'since');
      return this.query(() => this.countAllSince.get(sinceIso)) ?? 0;
    });
  }

  private query<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw toStorageError(error, 'Reading reset requests failed.');
    }
  }

  /** Runs inside the insert's transaction, so the id it reports is the one that blocked the insert. */
  private explainInsertFailure(error: unknown, columns: Columns): unknown {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      return new AppError('CONFLICT', `Request id ${columns.id} is already taken.`, {
        details: [REQUEST_ID_TAKEN, columns.id],
        cause: error,
      });
    }
    if (code === 'SQLITE_CONSTRAINT_UNIQUE') {
      const existing = this.selectOpenIdByRequester.get(columns.requester);
      if (existing !== undefined) {
        return new AppError('CONFLICT', `The requester already has an open request, ${existing}.`, {
          details: [OPEN_REQUEST_EXISTS, existing],
          cause: error,
        });
      }
    }
    return error;
  }
}

/** The guard checks and normalises the record (src/domain/store-guard.ts); SQLite adds its columns. */
function toColumns(storable: StorableRequest): Columns {
  return {
    id: storable.request.id,
    tenantId: storable.request.tenantId,
    requester: storable.request.requester.aadObjectId,
    state: storable.request.state,
    // Normalised so that string comparison in SQL orders and filters by time.
    createdAt: storable.createdAt,
    updatedAt: storable.updatedAt,
    body: JSON.stringify(storable.request),
  };
}

function parseBody(body: string): ResetRequest {
  return JSON.parse(body) as ResetRequest;
}

function toStored(row: RequestRow | undefined): StoredRequest | undefined {
  return row === undefined ? undefined : { request: parseBody(row.body), eTag: row.etag };
}
