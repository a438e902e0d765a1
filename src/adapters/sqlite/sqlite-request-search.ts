import type { ResetRequest } from '../../domain/reset-request';
import type { RequestSearch, ReviewFilter } from '../../ports/request-search';
import { asPromise } from './as-promise';
import type { SqliteDatabase } from './database';

/** The most rows one search returns, whatever the filter asks for. */
const MAX_LIMIT = 100_000;

/**
 * `RequestSearch` over the shared SQLite file. `RequestStore` only lists by state for the workers;
 * a reviewer's search by person and date is a reporting query, read-only.
 */
export class SqliteRequestSearch implements RequestSearch {
  constructor(private readonly db: SqliteDatabase) {}

  search(filter: ReviewFilter): Promise<ResetRequest[]> {
    return asPromise(() => this.run(filter));
  }

  private run(filter: ReviewFilter): ResetRequest[] {
    const clauses: string[] = [];
    const params: Record<string, string | number> = {};
    if (filter.states && filter.states.length > 0) {
      clauses.push('state IN (SELECT value FROM json_each(@states))');
      params.states = JSON.stringify(filter.states);
    }
    const person = filter.person?.trim();
    if (person) {
      clauses.push(
        `(lower(requester_aad_object_id) = lower(@person)
          OR instr(lower(json_extract(body, '$.requester.name')), lower(@person)) > 0)`,
      );
      params.person = person;
    }
    if (filter.since) {
      clauses.push('created_at >= @since');
      params.since = filter.since.toISOString();
    }
    if (filter.until) {
      clauses.push('created_at < @until');
      params.until = filter.until.toISOString();
    }
    params.limit = Math.min(Math.max(filter.limit ?? MAX_LIMIT, 0), MAX_LIMIT);
    params.offset = Math.max(filter.offset ?? 0, 0);
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.db
      .prepare<[Record<string, string | number>], { body: string }>(
        `SELECT body FROM reset_requests ${where} ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset`,
      )
      .all(params);
    return rows.map((row) => JSON.parse(row.body) as ResetRequest);
  }
}
