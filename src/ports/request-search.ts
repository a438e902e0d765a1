import type { RequestState, ResetRequest } from '../domain/reset-request';

/** The reviewer's filters over all requests (the Teams reviewer list and `npm run review -- list`). */
export interface ReviewFilter {
  states?: readonly RequestState[];
  /** Matches the requester's object id exactly, or part of their display name (case-insensitive). */
  person?: string;
  /** Created at or after. */
  since?: Date;
  /** Created strictly before. */
  until?: Date;
  limit?: number;
  /** Rows to skip, for paging the Teams list. */
  offset?: number;
}

/**
 * Searching requests by the reviewer's filters; newest first (created, then id). `RequestStore` only
 * lists by state for the workers; a reviewer's search by person and date is a reporting query, read-only.
 */
export interface RequestSearch {
  search(filter: ReviewFilter): Promise<ResetRequest[]>;
}
