import type { Statement } from 'better-sqlite3';
import { AppError } from '../../errors';
import type { Logger } from '../../log';
import {
  AUDIT_HEAD_LOG_MESSAGE,
  isAuditEventType,
  prepareAuditEvent,
  toAuditKey,
  type AuditEvent,
  type AuditEventType,
  type AuditKey,
  type AuditKeyInput,
  type AuditRecord,
  type ChainHead,
  type PreparedAuditEvent,
} from '../../domain/audit';
import { chainAuditRecords } from '../../domain/store-guard';
import type { AuditLog, AuditLogFilter, AuditPageOptions } from '../../ports/audit-log';
import { auditPages } from '../audit-pages';
import { asPromise } from './as-promise';
import { durably, toStorageError, type SqliteDatabase } from './database';
import { walFlusherOf, type Flusher } from './wal-flusher';

export interface SqliteAuditLogOptions {
  /** HELPDESK_AUDIT_KEY, or a key already derived from it. */
  key: AuditKeyInput;
  /** Receives the chain head after every append; ship it somewhere the database's admins cannot edit. */
  logger: Logger;
  now?: () => Date;
  /** Shared by every store on the connection (the default), so that their durable commits group. */
  flusher?: Flusher;
}

interface AuditRow {
  seq: number;
  at: string;
  type: string;
  request_id: string | null;
  actor_id: string | null;
  actor_name: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

interface InsertColumns {
  seq: number;
  at: string;
  type: string;
  requestId: string | null;
  actorId: string | null;
  actorName: string | null;
  data: string;
  prevHash: string;
  hash: string;
}

const COLUMNS = 'seq, at, type, request_id, actor_id, actor_name, data, prev_hash, hash';

/**
 * `AuditLog` on the shared SQLite file. An append reads the head and inserts the next link inside
 * one IMMEDIATE transaction: the write lock is taken before the head is read, so two processes on
 * the same file queue instead of both linking to the same head.
 */
export class SqliteAuditLog implements AuditLog {
  private readonly key: AuditKey;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly flusher: Flusher;
  private readonly selectHead: Statement<[], ChainHead>;
  private readonly insert: Statement<[InsertColumns]>;
  private readonly listStatements = new Map<string, Statement<[Record<string, unknown>], AuditRow>>();

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteAuditLogOptions,
  ) {
    this.key = toAuditKey(options.key);
    this.flusher = options.flusher ?? walFlusherOf(db);
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
    this.selectHead = db.prepare<[], ChainHead>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare<[InsertColumns]>(
      `INSERT INTO audit_log (${COLUMNS})
       VALUES (@seq, @at, @type, @requestId, @actorId, @actorName, @data, @prevHash, @hash)`,
    );
  }

  async append(event: AuditEvent): Promise<AuditRecord> {
    // Redaction and validation happen before the lock: they can be slow and need no database.
    const prepared = prepareAuditEvent(event);
    let records: AuditRecord[];
    try {
      records = await durably(this.db, this.flusher, () =>
        this.db.transaction(() => this.link([prepared])).immediate(),
      );
    } catch (error) {
      throw toStorageError(error, `Appending a ${prepared.type} audit record failed.`);
    }
    const [record] = records;
    if (record === undefined) throw new AppError('INTERNAL', 'the audit append sealed no record');
    this.announce(record);
    return record;
  }

  /**
   * Links `events` inside the caller's transaction, so a state change and its audit record commit or
   * roll back together (`SqliteRequestStore.update` with audit). Call `announce` after the commit.
   */
  linkWithinTransaction(events: readonly AuditEvent[]): AuditRecord[] {
    if (!this.db.inTransaction)
      throw new AppError('INTERNAL', 'audit records must be linked inside a transaction');
    return this.link(events.map(prepareAuditEvent));
  }

  /** Only after the commit: a head for a rolled-back record would later look like a truncation. */
  announce(record: AuditRecord): void {
    this.logger.info({ auditHead: { seq: record.seq, hash: record.hash } }, AUDIT_HEAD_LOG_MESSAGE);
  }

  /** Inside a transaction that took the write lock: the head read here is still the head at commit. */
  private link(prepared: readonly PreparedAuditEvent[]): AuditRecord[] {
    return chainAuditRecords(prepared, this.selectHead.get(), this.now, this.key).map(
      ({ record, dataJson }) => {
        this.insert.run({
          seq: record.seq,
          at: record.at,
          type: record.type,
          requestId: record.requestId ?? null,
          actorId: record.actor?.id ?? null,
          actorName: record.actor?.name ?? null,
          data: dataJson,
          prevHash: record.prevHash,
          hash: record.hash,
        });
        return record;
      },
    );
  }

  list(filter: AuditLogFilter = {}): Promise<AuditRecord[]> {
    return asPromise(() => {
      const { clauses, params } = toQuery(filter);
      const statement = this.listStatement(clauses);
      return this.query(() => statement.all(params)).map(toRecord);
    });
  }

  head(): Promise<ChainHead | undefined> {
    return asPromise(() => {
      const head = this.query(() => this.selectHead.get());
      return head === undefined ? undefined : { seq: head.seq, hash: head.hash };
    });
  }

  async *all(options: AuditPageOptions = {}): AsyncGenerator<AuditRecord, void, undefined> {
    yield* auditPages((filter) => this.list(filter), options);
  }

  /** One prepared statement per combination of filters; the SQL text never holds a caller's value. */
  private listStatement(clauses: readonly string[]): Statement<[Record<string, unknown>], AuditRow> {
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const sql = `SELECT ${COLUMNS} FROM audit_log ${where} ORDER BY seq LIMIT @limit`;
    let statement = this.listStatements.get(sql);
    if (statement === undefined) {
      statement = this.query(() => this.db.prepare<[Record<string, unknown>], AuditRow>(sql));
      this.listStatements.set(sql, statement);
    }
    return statement;
  }

  private query<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw toStorageError(error, 'Reading the audit log failed.');
    }
  }
}

function toQuery(filter: AuditLogFilter): { clauses: string[]; params: Record<string, unknown> } {
  const clauses: string[] = [];
  // SQLite reads a negative LIMIT as "no limit".
  const params: Record<string, unknown> = { limit: -1 };
  if (filter.requestId !== undefined) {
    clauses.push('request_id = @requestId');
    params.requestId = filter.requestId;
  }
  if (filter.since !== undefined) {
    clauses.push('at >= @since');
    params.since = toIso(filter.since, 'since');
  }
  if (filter.until !== undefined) {
    clauses.push('at < @until');
    params.until = toIso(filter.until, 'until');
  }
  if (filter.types !== undefined) {
    const unknown = filter.types.find((type) => !isAuditEventType(type));
    if (unknown !== undefined) {
      throw new AppError('BAD_REQUEST', `"${String(unknown)}" is not an audit event type.`);
    }
    clauses.push('type IN (SELECT value FROM json_each(@types))');
    params.types = JSON.stringify(filter.types);
  }
  if (filter.afterSeq !== undefined) {
    assertCount(filter.afterSeq, 'afterSeq');
    clauses.push('seq > @afterSeq');
    params.afterSeq = filter.afterSeq;
  }
  if (filter.limit !== undefined) {
    assertCount(filter.limit, 'limit');
    params.limit = filter.limit;
  }
  return { clauses, params };
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AppError('BAD_REQUEST', `${name} must be a non-negative integer, got ${value}.`);
  }
}

function toIso(value: Date, name: string): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new AppError('BAD_REQUEST', `${name} is not a valid time.`);
  }
  // Stored times are all toISOString() output, so string order is time order.
  return value.toISOString();
}

/**
 * The row as it is, even if it was tampered with: the verifier, not the reader, decides whether
 * it can be trusted. An unknown type can only come from an edit, and then the hash no longer fits.
 */
function toRecord(row: AuditRow): AuditRecord {
  const record: AuditRecord = {
    seq: row.seq,
    at: row.at,
    type: row.type as AuditEventType,
    actor: row.actor_id === null ? null : { id: row.actor_id, name: row.actor_name ?? '' },
    data: parseData(row.data),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
  if (row.request_id !== null) record.requestId = row.request_id;
  return record;
}

function parseData(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Falls through: the table's CHECK makes this unreachable unless the file was edited.
  }
  return { unreadable: text };
}
