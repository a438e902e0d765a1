import { isAppError } from '../errors';
import type { AuditEvent } from '../domain/audit';
import type { RequestState, ResetRequest } from '../domain/reset-request';

/**
 * A record together with the eTag it was read or written with. Every change goes back through
 * `update` with that eTag, so callers never hold a record without knowing which version it is.
 */
export interface StoredRequest {
  readonly request: ResetRequest;
  readonly eTag: string;
}

export interface RequestStore {
  /**
   * Stores a new record. Throws AppError('CONFLICT') with details `['open-request', <its id>]` if
   * the requester already has an open request (see `openRequestIdFromConflict`), or with details
   * `['id-taken', <id>]` if the id is in use (draw a new one). The check and the insert are one
   * atomic step.
   */
  create(request: ResetRequest): Promise<StoredRequest>;

  get(id: string): Promise<StoredRequest | undefined>;

  findOpenByRequester(aadObjectId: string): Promise<StoredRequest | undefined>;

  /**
   * Compare-and-swap: writes `request` only if the stored eTag is still `expectedETag`, and
   * returns the record as stored with its new eTag. Throws AppError('CONFLICT') on a stale eTag
   * or a state change the lifecycle does not allow, AppError('NOT_FOUND') for an unknown id.
   * A final record is stored without its full phone number even if the caller left it in.
   * `audit`: the records of this change, written in the same transaction (DESIGN.md section 3,
   * "Audit"): if they cannot be written, the change is not made either.
   */
  update(request: ResetRequest, expectedETag: string, audit?: readonly AuditEvent[]): Promise<StoredRequest>;

  /**
   * Oldest first, so sweepers and the executor handle requests in arrival order. Holds every match
   * in memory at once: for a state that can grow without bound, read `pagesByState` instead.
   */
  listByState(states: readonly RequestState[], limit?: number): Promise<StoredRequest[]>;

  /**
   * Every request that is in one of `states` for the whole iteration, exactly once, in pages of
   * at most `pageSize` (never an empty page), reading the next page only when the consumer asks
   * for it: one page is in memory at a time, however many requests match.
   *
   * - A request that changes state during the iteration may or may not be yielded; one that
   *   stays in a listed state (an update that keeps its state included) is neither skipped nor
   *   yielded twice. Each page is read with the eTags current at that moment.
   * - Order: the backend's, within and across pages. SQLite yields oldest first (keyset on
   *   creation time and id); Azure Tables yields in its row key order, which is request id order
   *   and says nothing about age. A page may hold fewer than `pageSize` requests even before the
   *   end (Azure ends a page early when its scan runs out of time or rows).
   * - An empty `states` yields nothing. A `pageSize` that is not a positive integer is refused
   *   with AppError('BAD_REQUEST') when the iteration starts, before anything is read.
   */
  pagesByState(states: readonly RequestState[], pageSize: number): AsyncIterable<StoredRequest[]>;

  /** Requests of any state the person created at or after `since` (the monthly cap). */
  countCreatedSince(aadObjectId: string, since: Date): Promise<number>;

  /** Requests of anyone created at or after `since` (the tenant-wide freeze). */
  countAllCreatedSince(since: Date): Promise<number>;
}

export const OPEN_REQUEST_EXISTS = 'open-request';
export const REQUEST_ID_TAKEN = 'id-taken';

/** The id of the requester's existing open request, if `error` is that refusal from `create`. */
export function openRequestIdFromConflict(error: unknown): string | undefined {
  return isAppError(error, 'CONFLICT') && error.details[0] === OPEN_REQUEST_EXISTS
    ? error.details[1]
    : undefined;
}
