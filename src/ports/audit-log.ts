import type { AuditEvent, AuditEventType, AuditRecord, ChainHead } from '../domain/audit';

export interface AuditLogFilter {
  requestId?: string;
  /** Records at or after this time. */
  since?: Date;
  /** Records strictly before this time. */
  until?: Date;
  types?: readonly AuditEventType[];
  /** Only records with a greater seq: the cursor for reading page by page. */
  afterSeq?: number;
  limit?: number;
}

export interface AuditPageOptions {
  /** Start after this seq (0, the default, reads from the first record). */
  afterSeq?: number;
  /** Records fetched per read; reads are short so a long verification never blocks writers. */
  pageSize?: number;
}

/**
 * The append-only, hash-chained audit trail (DESIGN.md section 3). There is no update or delete:
 * records are only ever added, each linked to the one before it.
 */
export interface AuditLog {
  /**
   * Redacts `event.data`, links the record after the current head and stores it, all as one atomic
   * step (also against other processes on the same store), then writes the new head to the
   * application log. Returns the record exactly as stored. Throws AppError('BAD_REQUEST') for an
   * invalid event and AppError('STORAGE') when the store fails.
   */
  append(event: AuditEvent): Promise<AuditRecord>;

  /** Matching records in seq order, oldest first. */
  list(filter?: AuditLogFilter): Promise<AuditRecord[]>;

  /** The last record's link, `undefined` while the log is empty. */
  head(): Promise<ChainHead | undefined>;

  /** Every record in seq order, read in pages; feed it to `verifyChainAsync`. */
  all(options?: AuditPageOptions): AsyncIterable<AuditRecord>;
}
