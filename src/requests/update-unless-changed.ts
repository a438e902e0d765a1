import type { AuditEvent } from '../domain/audit';
import type { ResetRequest } from '../domain/reset-request';
import { isAppError } from '../errors';
import type { RequestStore, StoredRequest } from '../ports/request-store';

/**
 * A compare-and-swap that may lose: the stored request, or undefined when someone else (an approver,
 * the requester, another instance's sweeper) changed it first, in which case their change stands.
 * Any other failure is thrown.
 */
export async function updateUnlessChanged(
  requests: RequestStore,
  request: ResetRequest,
  eTag: string,
  audit: readonly AuditEvent[] = [],
): Promise<StoredRequest | undefined> {
  try {
    return await requests.update(request, eTag, audit);
  } catch (error) {
    if (isAppError(error, 'CONFLICT')) return undefined;
    throw error;
  }
}
