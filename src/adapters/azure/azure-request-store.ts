import { odata, type TransactionAction } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors';
import { prepareAuditEvent, type AuditEvent } from '../../domain/audit';
import { isOpen } from '../../domain/request-lifecycle';
import { isRequestId, type RequestState, type ResetRequest } from '../../domain/reset-request';
import {
  checkUpdate,
  closesRequest,
  pageQuery,
  storableRequest,
  type StorableRequest,
} from '../../domain/store-guard';
import {
  OPEN_REQUEST_EXISTS,
  REQUEST_ID_TAKEN,
  type RequestStore,
  type StoredRequest,
} from '../../ports/request-store';
import { isAlreadyExists, toStorageError } from './azure-errors';
import { keyPart, readText, textProperties } from './entity-text';
import { LEDGER_PARTITION, type Ledger } from './ledger';

const REQUEST_ROWS = { from: 'request:', to: 'request;' } as const;
const requestRow = (id: string): string => `${REQUEST_ROWS.from}${id}`;
const openRow = (requester: string): string => `open:${keyPart(requester)}`;
const consumedRow = (id: string, eTag: string): string => `consumed:${id}:${keyPart(eTag)}`;

/** The most entities one Azure Tables query response holds; a larger `$top` is not valid there. */
const MAX_SERVICE_PAGE = 1000;

/** Creating the record and its guard races only so often before the race is a fault. */
const CREATE_ATTEMPTS = 5;

/**
 * `RequestStore` on the ledger partition (see `ledger.ts` for why requests share it with the audit
 * chain). The eTag is a random version id kept on the row.
 *
 * - create: one transaction creating `request:<id>` and, for an open record, `open:<requester>`;
 *   a 409 is then a taken id or an open request, told apart by reading both rows.
 * - update: reads the row (NOT_FOUND, a stale eTag and a disallowed move fail here, cheaply), then
 *   one transaction that creates `consumed:<id>:<expected eTag>`, replaces the row, removes the
 *   guard when the record turns final, and links the audit records. Two writers holding the same
 *   eTag both pass the read, but only one can create the `consumed` row: that create, not an
 *   If-Match inside the batch, is the compare-and-swap.
 */
export class AzureRequestStore implements RequestStore {
  constructor(private readonly ledger: Ledger) {}

  async create(request: ResetRequest): Promise<StoredRequest> {
    const storable = storableRequest(request);
    const stored = storable.request;
    const eTag = randomUUID();
    const row = requestEntity(storable, eTag);
    const actions: TransactionAction[] = [['create', row]];
    if (storable.openSlot !== undefined) actions.push(['create', guardEntity(storable.openSlot, stored.id)]);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ledger.table.submitTransaction(actions);
        return { request: parseBody(readText(row, 'body')), eTag };
      } catch (error) {
        if (!isAlreadyExists(error)) throw toStorageError(error, `Storing request ${stored.id} failed.`);
        if ((await this.ledger.find(requestRow(stored.id))) !== undefined) {
          throw new AppError('CONFLICT', `Request id ${stored.id} is already taken.`, {
            details: [REQUEST_ID_TAKEN, stored.id],
            cause: error,
          });
        }
        const guard =
          storable.openSlot === undefined ? undefined : await this.ledger.find(openRow(storable.openSlot));
        if (guard !== undefined) {
          const existing = String(guard.requestId);
          throw new AppError('CONFLICT', `The requester already has an open request, ${existing}.`, {
            details: [OPEN_REQUEST_EXISTS, existing],
            cause: error,
          });
        }
        // The row that blocked the create is gone again (the other request just closed): try again.
        if (attempt >= CREATE_ATTEMPTS) throw toStorageError(error, `Storing request ${stored.id} failed.`);
      }
    }
  }

  async get(id: string): Promise<StoredRequest | undefined> {
    if (!isRequestId(id)) return undefined;
    return toStored(await this.ledger.find(requestRow(id)));
  }

  async findOpenByRequester(aadObjectId: string): Promise<StoredRequest | undefined> {
    const guard = await this.ledger.find(openRow(aadObjectId));
    if (guard === undefined) return undefined;
    const found = await this.get(String(guard.requestId));
    return found !== undefined && isOpen(found.request.state) ? found : undefined;
  }

  async update(
    request: ResetRequest,
    expectedETag: string,
    audit: readonly AuditEvent[] = [],
  ): Promise<StoredRequest> {
    // Fail closed: an invalid audit event refuses the change before anything is written.
    const events = audit.map(prepareAuditEvent);
    const storable = storableRequest(request);
    const next = storable.request;
    const currentRow = await this.ledger.find(requestRow(next.id));
    if (currentRow === undefined) {
      throw new AppError('NOT_FOUND', `Request ${next.id} does not exist.`, { details: [next.id] });
    }
    const conflict = (): AppError =>
      new AppError('CONFLICT', `Request ${next.id} changed since it was read.`, { details: [next.id] });
    if (currentRow.version !== expectedETag) throw conflict();
    const current = parseBody(readText(currentRow, 'body'));
    checkUpdate(current, next);

    const eTag = randomUUID();
    const row = requestEntity(storable, eTag);
    const consumed = consumedRow(next.id, expectedETag);
    const actions: TransactionAction[] = [
      ['create', { partitionKey: LEDGER_PARTITION, rowKey: consumed, by: eTag }],
      ['update', row, 'Replace'],
    ];
    if (closesRequest(current, next)) {
      const guard = await this.ledger.find(openRow(next.requester.aadObjectId));
      // The guard is this request's while it is open; deleting it is what lets the person file again.
      if (guard !== undefined && guard.requestId === next.id) {
        actions.push([
          'delete',
          { partitionKey: LEDGER_PARTITION, rowKey: openRow(next.requester.aadObjectId) },
        ]);
      }
    }
    await this.ledger.commit(events, {
      actions,
      lost: async () => (await this.ledger.find(consumed)) !== undefined,
      conflict,
    });
    return { request: parseBody(readText(row, 'body')), eTag };
  }

  async listByState(states: readonly RequestState[], limit?: number): Promise<StoredRequest[]> {
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw new AppError('BAD_REQUEST', `The limit must be a non-negative integer, got ${limit}.`);
    }
    if (states.length === 0 || limit === 0) return [];
    const found = (await this.scan(inStates(states))).map((row) => toStored(row)).filter(isDefined);
    found.sort(
      (a, b) => compare(createdKey(a.request), createdKey(b.request)) || compare(a.request.id, b.request.id),
    );
    return limit === undefined ? found : found.slice(0, limit);
  }

  /**
   * The service's own pages, in row key order: each continuation token names the row key to go on
   * from, so a row that changes around it cannot shift a staying one, as an offset would. Pages the
   * service ends early are passed on as they are, empty ones skipped.
   */
  async *pagesByState(states: readonly RequestState[], pageSize: number): AsyncGenerator<StoredRequest[]> {
    const wanted = pageQuery(states, pageSize);
    if (wanted.length === 0) return;
    const pages = this.ledger.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: requestRowsWhere(inStates(wanted)) } })
      .byPage({ maxPageSize: Math.min(pageSize, MAX_SERVICE_PAGE) });
    for (;;) {
      let next: IteratorResult<Record<string, unknown>[]>;
      try {
        next = await pages.next();
      } catch (error) {
        throw toStorageError(error, 'Reading reset requests failed.');
      }
      if (next.done === true) return;
      const page = next.value.map((row) => toStored(row)).filter(isDefined);
      if (page.length > 0) yield page;
    }
  }

  async countCreatedSince(aadObjectId: string, since: Date): Promise<number> {
    const sinceIso = validTime(since, 'since');
    return (await this.scan(odata`requester eq ${aadObjectId} and createdAt ge ${sinceIso}`, ['createdAt']))
      .length;
  }

  async countAllCreatedSince(since: Date): Promise<number> {
    const sinceIso = validTime(since, 'since');
    return (await this.scan(odata`createdAt ge ${sinceIso}`, ['createdAt'])).length;
  }

  /**
   * The request rows matching `filter`: one key range of the ledger partition. At a helpdesk's
   * volume (thousands of requests a year) that is a page or two; the audit rows are outside it.
   */
  async scan(filter?: string, select?: string[]): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    const query = requestRowsWhere(filter);
    try {
      const pages = this.ledger.table.listEntities<Record<string, unknown>>({
        queryOptions: { filter: query, ...(select ? { select } : {}) },
      });
      for await (const row of pages) rows.push(row);
    } catch (error) {
      throw toStorageError(error, 'Reading reset requests failed.');
    }
    return rows;
  }
}

/** A filter for rows in any of `states` (not empty). */
function inStates(states: readonly RequestState[]): string {
  return `(${states.map((state) => odata`state eq ${state}`).join(' or ')})`;
}

/** The request rows' key range of the ledger partition, narrowed by `filter`. */
function requestRowsWhere(filter?: string): string {
  const clauses = [
    odata`PartitionKey eq ${LEDGER_PARTITION}`,
    odata`RowKey ge ${REQUEST_ROWS.from}`,
    odata`RowKey lt ${REQUEST_ROWS.to}`,
  ];
  if (filter !== undefined) clauses.push(`(${filter})`);
  return clauses.join(' and ');
}

/** A request row: its JSON body (in parts), and the columns the queries filter on. */
function requestEntity(
  { request, createdAt, updatedAt }: StorableRequest,
  eTag: string,
): Record<string, unknown> & {
  partitionKey: string;
  rowKey: string;
} {
  return {
    partitionKey: LEDGER_PARTITION,
    rowKey: requestRow(request.id),
    version: eTag,
    state: request.state,
    requester: request.requester.aadObjectId,
    requesterName: request.requester.name,
    // Normalised (by the store guard) so that string comparison in a filter orders and filters by time.
    createdAt,
    updatedAt,
    ...textProperties('body', JSON.stringify(request)),
  };
}

function guardEntity(
  requester: string,
  requestId: string,
): { partitionKey: string; rowKey: string; requestId: string } {
  return { partitionKey: LEDGER_PARTITION, rowKey: openRow(requester), requestId };
}

export function toStored(row: Record<string, unknown> | undefined): StoredRequest | undefined {
  if (row === undefined) return undefined;
  return { request: parseBody(readText(row, 'body')), eTag: String(row.version) };
}

function parseBody(body: string): ResetRequest {
  return JSON.parse(body) as ResetRequest;
}

function validTime(value: Date, field: string): string {
  if (Number.isNaN(value.getTime())) throw new AppError('BAD_REQUEST', `${field} is not a valid time.`);
  return value.toISOString();
}

function createdKey(request: ResetRequest): string {
  return new Date(request.createdAt).toISOString();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
