import { AppError } from '../errors';
import {
  sealAuditRecord,
  type AuditKey,
  type AuditRecord,
  type ChainHead,
  type PreparedAuditEvent,
} from './audit';
import { canTransition, isFinal, isOpen, redactIfFinal } from './request-lifecycle';
import { isRequestId, type RequestState, type ResetRequest } from './reset-request';

/**
 * The rules a store keeps whatever it is built on (SQLite, Azure tables, …). They are checked here,
 * not in each backend, so a new backend cannot forget one: a backend only adds what needs its own
 * atomicity (the eTag compare-and-swap, the one-open-request lock, the chain head's swap).
 */

/** A request in the form every backend stores it: checked, with times normalised for ordering. */
export interface StorableRequest {
  /** Without its full phone number when final (a full number lives only on an open request). */
  readonly request: ResetRequest;
  /** ISO 8601 UTC, so that string order is time order in any index. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * The requester whose one open request this is, `undefined` for a final record. A backend keeps at
   * most one open record per value, atomically with the write.
   */
  readonly openSlot: string | undefined;
}

/** Checks and normalises a record before `create` or `update` writes it. */
export function storableRequest(request: ResetRequest): StorableRequest {
  const stored = redactIfFinal(request);
  if (!isRequestId(stored.id)) {
    throw new AppError('BAD_REQUEST', `"${String(stored.id)}" is not a request id.`);
  }
  return {
    request: stored,
    createdAt: storedTime(stored.createdAt, 'createdAt'),
    updatedAt: storedTime(stored.updatedAt, 'updatedAt'),
    openSlot: isOpen(stored.state) ? stored.requester.aadObjectId : undefined,
  };
}

/**
 * Checks that `next` may replace `current` (the record the expected eTag still points at). Who a
 * request is for and when it was made never change (a mix-up would reset the wrong person), and a
 * state change must be one the lifecycle allows.
 */
export function checkUpdate(current: ResetRequest, next: ResetRequest): void {
  if (
    current.tenantId !== next.tenantId ||
    current.requester.aadObjectId !== next.requester.aadObjectId ||
    current.createdAt !== next.createdAt
  ) {
    throw new AppError(
      'BAD_REQUEST',
      `Request ${current.id}: tenant, requester and creation time are fixed.`,
      {
        details: [current.id],
      },
    );
  }
  if (current.state !== next.state && !canTransition(current.state, next.state)) {
    throw new AppError('CONFLICT', `Request ${next.id} cannot move from ${current.state} to ${next.state}.`, {
      details: [next.id, current.state, next.state],
    });
  }
}

/**
 * The update closes the request: the full number is gone from the record, and a backend that keeps
 * old versions or pages around (SQLite's WAL, blob snapshots) should wipe them now.
 */
export function closesRequest(current: ResetRequest, next: ResetRequest): boolean {
  return isOpen(current.state) && isFinal(next.state);
}

/**
 * The next links of the audit chain: `events` (already through `prepareAuditEvent`, which redacts
 * and checks them before any lock is taken) sealed one after another after `head`, the store's last
 * record, with the chain's key. A backend reads `head` and writes the result in one atomic step
 * (SQLite: one IMMEDIATE transaction; a table store: a compare-and-swap on the head), so two writers
 * never link to the same head. `now` is read once per record.
 */
export function chainAuditRecords(
  events: readonly PreparedAuditEvent[],
  head: ChainHead | undefined,
  now: () => Date,
  key: AuditKey,
): ChainedAuditRecord[] {
  const chained: ChainedAuditRecord[] = [];
  let previous = head;
  for (const event of events) {
    const record = sealAuditRecord(event, previous, now(), key);
    chained.push({ record, dataJson: event.dataJson });
    previous = { seq: record.seq, hash: record.hash };
  }
  return chained;
}

/** A sealed record with its data as the canonical JSON a store keeps (the text the hash covers). */
export interface ChainedAuditRecord {
  readonly record: AuditRecord;
  readonly dataJson: string;
}

/** A record's time as stored: ISO 8601 UTC, so string order is time order. */
export function storedTime(value: string, field: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    throw new AppError('BAD_REQUEST', `${field} is not a valid time: "${value}".`);
  }
  return time.toISOString();
}

/** Checks `RequestStore.pagesByState`'s page size; returns the distinct states to read. */
export function pageQuery(states: readonly RequestState[], pageSize: number): RequestState[] {
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new AppError('BAD_REQUEST', `The page size must be a positive integer, got ${pageSize}.`);
  }
  // A state listed twice would otherwise be read, and yielded, twice.
  return [...new Set(states)];
}

/** A lease request checked, with the times a backend compares: held while `now < until`. */
export interface LeaseTerms {
  /** ISO 8601 UTC: a stored lease whose `until` is at or before this is free. */
  readonly now: string;
  /** ISO 8601 UTC: when the lease taken now runs out. */
  readonly until: string;
}

/** Checks a `Leases.tryAcquire` call; every backend compares and stores the ISO times it returns. */
export function leaseTerms(name: string, owner: string, ttlMs: number, now: Date): LeaseTerms {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new AppError('BAD_REQUEST', 'A lease needs a name.');
  }
  if (typeof owner !== 'string' || owner.trim() === '') {
    throw new AppError('BAD_REQUEST', `Lease ${name} needs an owner.`);
  }
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) {
    throw new AppError(
      'BAD_REQUEST',
      `Lease ${name}: the time to live must be a positive whole number of ms.`,
    );
  }
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new AppError('BAD_REQUEST', `Lease ${name}: the clock returned an invalid time.`);
  }
  const until = new Date(now.getTime() + ttlMs);
  if (Number.isNaN(until.getTime()) || !/^\d{4}-/.test(until.toISOString())) {
    throw new AppError('BAD_REQUEST', `Lease ${name}: the lease would run out at an invalid time.`);
  }
  return { now: now.toISOString(), until: until.toISOString() };
}
