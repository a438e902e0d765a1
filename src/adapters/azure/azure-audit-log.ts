import { odata } from '@azure/data-tables';
import { AppError } from '../../errors';
import {
  isAuditEventType,
  prepareAuditEvent,
  type AuditEvent,
  type AuditEventType,
  type AuditRecord,
  type ChainHead,
} from '../../domain/audit';
import type { AuditLog, AuditLogFilter, AuditPageOptions } from '../../ports/audit-log';
import { auditPages } from '../audit-pages';
import { readText } from './entity-text';
import type { Ledger } from './ledger';

/**
 * `AuditLog` on the ledger table: partition `chain`, row key = zero-padded seq, and each append one
 * transaction that creates row N and replaces the head row. The create of row N is what serialises
 * writers, in every process: of two writers that read the same head, one finds row N taken (409)
 * and links again after the new head.
 */
export class AzureAuditLog implements AuditLog {
  constructor(private readonly ledger: Ledger) {}

  async append(event: AuditEvent): Promise<AuditRecord> {
    // Redaction and validation first: an invalid event touches no storage.
    const prepared = prepareAuditEvent(event);
    const [record] = await this.ledger.commit([prepared]);
    if (record === undefined) throw new AppError('INTERNAL', 'the ledger stored no record');
    return record;
  }

  async list(filter: AuditLogFilter = {}): Promise<AuditRecord[]> {
    const limit = filter.limit;
    if (limit !== undefined) assertCount(limit, 'limit');
    if (filter.afterSeq !== undefined) assertCount(filter.afterSeq, 'afterSeq');
    const clauses: string[] = [];
    if (filter.requestId !== undefined) clauses.push(odata`requestId eq ${filter.requestId}`);
    if (filter.since !== undefined) clauses.push(odata`at ge ${toIso(filter.since, 'since')}`);
    if (filter.until !== undefined) clauses.push(odata`at lt ${toIso(filter.until, 'until')}`);
    if (filter.types !== undefined) {
      const unknown = filter.types.find((type) => !isAuditEventType(type));
      if (unknown !== undefined) {
        throw new AppError('BAD_REQUEST', `"${String(unknown)}" is not an audit event type.`);
      }
      if (filter.types.length === 0) return [];
      clauses.push(filter.types.map((type) => odata`type eq ${type}`).join(' or '));
    }
    if (limit === 0) return [];
    const records: AuditRecord[] = [];
    const filterText = clauses.map((clause) => `(${clause})`).join(' and ');
    for await (const row of this.ledger.auditRows(filterText, filter.afterSeq ?? 0)) {
      records.push(toRecord(row));
      if (limit !== undefined && records.length >= limit) break;
    }
    return records;
  }

  async head(): Promise<ChainHead | undefined> {
    const head = await this.ledger.head();
    return head === undefined ? undefined : { seq: head.seq, hash: head.hash };
  }

  async *all(options: AuditPageOptions = {}): AsyncGenerator<AuditRecord, void, undefined> {
    yield* auditPages((filter) => this.list(filter), options);
  }
}

/**
 * The row as it is, even if it was tampered with: the verifier decides whether it can be trusted.
 * The seq comes from the row key, which is what orders the chain.
 */
function toRecord(row: Record<string, unknown>): AuditRecord {
  const record: AuditRecord = {
    seq: Number(row.rowKey),
    at: String(row.at),
    type: row.type as AuditEventType,
    actor: row.hasActor === true ? { id: String(row.actorId), name: String(row.actorName) } : null,
    data: parseData(row),
    prevHash: String(row.prevHash),
    hash: String(row.hash),
  };
  if (typeof row.requestId === 'string' && row.requestId !== '') record.requestId = row.requestId;
  return record;
}

function parseData(row: Record<string, unknown>): Record<string, unknown> {
  let text = '';
  try {
    text = readText(row, 'data');
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Falls through: only an edit of the table makes the data unreadable, and the hash shows it.
  }
  return { unreadable: text };
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
  return value.toISOString();
}
