import type { ErrorCode } from '../../errors';
import { AppError } from '../../errors';

/** Graph's error body (errors.md): `{"error":{"code","message","innerError":{"request-id","date"}}}`. */
interface GraphErrorBody {
  error?: {
    code?: unknown;
    message?: unknown;
    innerError?: { 'request-id'?: unknown };
  };
}

export interface GraphFailureInfo {
  status: number;
  graphCode: string | undefined;
  message: string;
  requestId: string | undefined;
  retryAfterSeconds: number | undefined;
}

export function readFailure(status: number, headers: Headers, body: unknown): GraphFailureInfo {
  const error = (body as GraphErrorBody | undefined)?.error;
  const innerRequestId = error?.innerError?.['request-id'];
  return {
    status,
    graphCode: typeof error?.code === 'string' ? error.code : undefined,
    message: typeof error?.message === 'string' ? error.message : `HTTP ${status}`,
    requestId: headers.get('request-id') ?? (typeof innerRequestId === 'string' ? innerRequestId : undefined),
    retryAfterSeconds: parseRetryAfter(headers.get('retry-after')),
  };
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110). */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

/**
 * Graph v1.0 has no error code for "this is the default method"; the only signal is a 400 whose
 * message says so ("Cannot delete default method with other methods configured ...").
 */
function isDefaultMethodRefusal(failure: GraphFailureInfo): boolean {
  return failure.status === 400 && /default (authentication )?method/i.test(failure.message);
}

function codeFor(failure: GraphFailureInfo): ErrorCode {
  const { status } = failure;
  if (isDefaultMethodRefusal(failure)) return 'DEFAULT_METHOD_REFUSED';
  if (status === 401 || status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409 || status === 412) return 'CONFLICT';
  if (status === 429) return 'THROTTLED';
  // A gateway timeout leaves the outcome unknown, like our own timeout.
  if (status === 504) return 'TIMEOUT';
  if (status >= 500) return 'UNAVAILABLE';
  return 'BAD_REQUEST';
}

export function toAppError(failure: GraphFailureInfo, operation: string, override?: ErrorCode): AppError {
  const code = override ?? codeFor(failure);
  const details = [`status ${failure.status}`];
  if (failure.graphCode !== undefined) details.push(`graph code ${failure.graphCode}`);
  if (failure.retryAfterSeconds !== undefined) details.push(`retry after ${failure.retryAfterSeconds}s`);
  return new AppError(code, `Graph ${operation} failed: ${failure.message}`, {
    requestId: failure.requestId,
    details,
  });
}
