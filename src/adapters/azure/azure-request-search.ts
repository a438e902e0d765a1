import { odata } from '@azure/data-tables';
import type { ResetRequest } from '../../domain/reset-request';
import type { RequestSearch, ReviewFilter } from '../../ports/request-search';
import type { AzureRequestStore } from './azure-request-store';
import { toStored } from './azure-request-store';

const MAX_LIMIT = 100_000;

/**
 * The reviewer's search over the request rows: states and dates are filtered by the table service,
 * the person (an exact object id or part of the display name, ignoring case) here, because a table
 * filter cannot match part of a string. Newest first (created, then id), as on SQLite.
 */
export class AzureRequestSearch implements RequestSearch {
  constructor(private readonly requests: AzureRequestStore) {}

  async search(filter: ReviewFilter): Promise<ResetRequest[]> {
    const clauses: string[] = [];
    if (filter.states && filter.states.length > 0) {
      clauses.push(`(${filter.states.map((state) => odata`state eq ${state}`).join(' or ')})`);
    }
    if (filter.since) clauses.push(odata`createdAt ge ${filter.since.toISOString()}`);
    if (filter.until) clauses.push(odata`createdAt lt ${filter.until.toISOString()}`);
    const rows = await this.requests.scan(clauses.length === 0 ? undefined : clauses.join(' and '));
    const person = filter.person?.trim().toLowerCase();
    const matches = rows
      .filter(
        (row) =>
          !person ||
          String(row.requester).toLowerCase() === person ||
          String(row.requesterName).toLowerCase().includes(person),
      )
      .sort(
        (a, b) =>
          compare(String(b.createdAt), String(a.createdAt)) || compare(String(a.rowKey), String(b.rowKey)),
      );
    const limit = Math.min(Math.max(filter.limit ?? MAX_LIMIT, 0), MAX_LIMIT);
    const offset = Math.max(filter.offset ?? 0, 0);
    return matches
      .slice(offset, offset + limit)
      .map((row) => toStored(row)?.request)
      .filter((request): request is ResetRequest => request !== undefined);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
