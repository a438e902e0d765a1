import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import { randomInt } from 'node:crypto';
import { AppError } from '../../errors';
import type { Logger } from '../../log';
import {
  AUDIT_HEAD_LOG_MESSAGE,
  type AuditKey,
  type AuditRecord,
  type ChainHead,
  type PreparedAuditEvent,
} from '../../domain/audit';
import { chainAuditRecords } from '../../domain/store-guard';
import { isAlreadyExists, isConditionFailed, isNotFound, toStorageError } from './azure-errors';
import { textProperties } from './entity-text';

/**
 * The ledger table holds the requests and the audit chain in ONE partition, because a state change
 * and its audit records must commit together (DESIGN.md section 3, "Audit") and an entity group
 * transaction spans one partition only. A helpdesk writes a few records a minute; a partition's
 * target (about 2,000 entities a second) is far away.
 *
 * Row keys (digits sort before letters, so each kind is one key range):
 * - `000000000001` …: audit record N, zero-padded;
 * - `head`: the chain head (seq and hash of the last record);
 * - `request:<id>`: a request; `open:<requester>`: the person's one open request (the guard);
 * - `consumed:<id>:<eTag>`: written when version `<eTag>` of a request is replaced.
 *
 * Every compare-and-swap here is a CREATE inside the transaction, which fails on an existing key in
 * Azure and in Azurite alike: row N serialises audit writers (the head is replaced unconditionally
 * beside it), `consumed:<id>:<eTag>` serialises writers of one request version, `open:<requester>`
 * keeps one open request per person. Updates inside a batch never carry an If-Match that matters:
 * Azurite has ignored it there (Azure/Azurite#1233), and nothing here would notice.
 */
export const LEDGER_PARTITION = 'chain';
export const HEAD_ROW = 'head';
const SEQ_DIGITS = 12;
/** Audit rows are the keys from `000…` to just before `:` (the character after `9`). */
export const AUDIT_ROWS = { from: '0', to: ':' } as const;

export const auditRow = (seq: number): string => seq.toString().padStart(SEQ_DIGITS, '0');

/** A transaction holds at most 100 operations; two are the head and a change's own rows. */
export const MAX_EVENTS_PER_COMMIT = 90;
const MAX_ATTEMPTS = 60;

export interface LedgerOptions {
  key: AuditKey;
  logger: Logger;
  now: () => Date;
}

/** What a commit adds to the chain's transaction, and how it tells its own conflict from a race on the chain. */
export interface LedgerChange {
  actions: readonly TransactionAction[];
  /**
   * Called after the transaction failed with 409/412: whether the change itself lost (then the
   * commit throws CONFLICT) rather than the audit rows, which a retry on the new head fixes.
   */
  lost(): Promise<boolean>;
  conflict(): AppError;
}

export class Ledger {
  constructor(
    readonly table: TableClient,
    private readonly options: LedgerOptions,
  ) {}

  async head(): Promise<(ChainHead & { exists: true }) | undefined> {
    const entity = await this.find(HEAD_ROW);
    if (entity === undefined) return undefined;
    return { seq: Number(entity.seq), hash: String(entity.hash), exists: true };
  }

  /** A point read; `undefined` for a missing row. */
  async find(rowKey: string): Promise<TableEntityResult<Record<string, unknown>> | undefined> {
    try {
      return await this.table.getEntity<Record<string, unknown>>(LEDGER_PARTITION, rowKey);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toStorageError(error, 'Reading the ledger failed.');
    }
  }

  /**
   * Links `events` after the current head and commits them together with `change` in one
   * transaction; on a race for row N it reads the new head and tries again. Returns the records as
   * stored, after writing the new head to the application log.
   */
  async commit(events: readonly PreparedAuditEvent[], change?: LedgerChange): Promise<AuditRecord[]> {
    if (events.length > MAX_EVENTS_PER_COMMIT) {
      throw new AppError('BAD_REQUEST', `At most ${MAX_EVENTS_PER_COMMIT} audit records go with one change.`);
    }
    for (let attempt = 1; ; attempt++) {
      const head = events.length === 0 ? undefined : await this.head();
      const chained = chainAuditRecords(events, head, this.options.now, this.options.key);
      const records = chained.map(({ record }) => record);
      const actions: TransactionAction[] = [
        ...(change?.actions ?? []),
        ...chained.map(({ record, dataJson }): TransactionAction => [
          'create',
          auditEntity(record, dataJson),
        ]),
      ];
      const previous: ChainHead | undefined = records[records.length - 1];
      if (previous !== undefined) {
        const headEntity = {
          partitionKey: LEDGER_PARTITION,
          rowKey: HEAD_ROW,
          seq: previous.seq,
          hash: previous.hash,
        };
        // Unconditional on purpose: creating row N already proves nobody moved the head past N-1.
        actions.push(head === undefined ? ['create', headEntity] : ['update', headEntity, 'Replace']);
      }
      try {
        await this.table.submitTransaction(actions);
      } catch (error) {
        if (!isAlreadyExists(error) && !isConditionFailed(error)) {
          throw toStorageError(error, 'Writing to the ledger failed.');
        }
        if (change !== undefined && (await change.lost())) throw change.conflict();
        if (events.length === 0 || attempt >= MAX_ATTEMPTS) {
          throw toStorageError(error, `The audit chain stayed contended for ${attempt} attempts.`);
        }
        // Writers that collided retry at different times instead of colliding again.
        await new Promise((resolve) => setTimeout(resolve, randomInt(2, 10 + 5 * Math.min(attempt, 10))));
        continue;
      }
      for (const record of records) {
        this.options.logger.info(
          { auditHead: { seq: record.seq, hash: record.hash } },
          AUDIT_HEAD_LOG_MESSAGE,
        );
      }
      return records;
    }
  }

  /** Every audit row in key order matching `filter` (an OData clause, already escaped), page by page. */
  async *auditRows(filter: string, afterSeq: number): AsyncGenerator<Record<string, unknown>> {
    const from = afterSeq > 0 ? `RowKey gt '${auditRow(afterSeq)}'` : `RowKey ge '${AUDIT_ROWS.from}'`;
    const clauses = [`PartitionKey eq '${LEDGER_PARTITION}'`, from, `RowKey lt '${AUDIT_ROWS.to}'`];
    if (filter !== '') clauses.push(`(${filter})`);
    const rows = this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: clauses.join(' and ') },
    });
    try {
      for await (const row of rows) yield row;
    } catch (error) {
      throw toStorageError(error, 'Reading the audit log failed.');
    }
  }
}

function auditEntity(
  record: AuditRecord,
  dataJson: string,
): Record<string, unknown> & {
  partitionKey: string;
  rowKey: string;
} {
  return {
    partitionKey: LEDGER_PARTITION,
    rowKey: auditRow(record.seq),
    at: record.at,
    type: record.type,
    requestId: record.requestId ?? '',
    actorId: record.actor?.id ?? '',
    actorName: record.actor?.name ?? '',
    hasActor: record.actor !== null,
    prevHash: record.prevHash,
    hash: record.hash,
    ...textProperties('data', dataJson),
  };
}
