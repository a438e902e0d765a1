/**
 * The project's one error type. Adapters translate their library's errors into it, so the bot and
 * dialogs branch on `code`, never on a vendor's error shape.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'BAD_REQUEST'
  | 'FORBIDDEN_TENANT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'THROTTLED'
  | 'POLICY_REFUSED'
  | 'DEFAULT_METHOD_REFUSED'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'TIMEOUT'
  | 'STORAGE'
  | 'INTERNAL';

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Graph's request-id or another correlation id from the remote side, for the audit trail. */
  readonly requestId: string | undefined;
  readonly details: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { requestId?: string; details?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.requestId = options.requestId;
    this.details = options.details ?? [];
  }
}

export function isAppError(value: unknown, code?: ErrorCode): value is AppError {
  return value instanceof AppError && (code === undefined || value.code === code);
}
