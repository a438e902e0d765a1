import { AppError, isAppError } from '../../errors';

/** The HTTP status of an Azure SDK error (`RestError`), if it has one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The storage service's error code (`EntityAlreadyExists`, `TableNotFound`, …), if it sent one. */
export function serviceCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const isNotFound = (error: unknown): boolean => statusOf(error) === 404;
/** 409: a create met an existing key (or a container or table is being deleted). */
export const isAlreadyExists = (error: unknown): boolean => statusOf(error) === 409;
/** 412: an If-Match / If-None-Match condition failed. */
export const isConditionFailed = (error: unknown): boolean => statusOf(error) === 412;

/**
 * The project's error for a failed storage call: our own AppErrors pass through, the SDK's become
 * STORAGE with the service's status and code in the message (never the request body, which can hold
 * a number or a transcript).
 */
export function toStorageError(error: unknown, message: string): AppError {
  if (isAppError(error)) return error;
  const status = statusOf(error);
  const code = serviceCodeOf(error);
  const detail = [status, code].filter((part) => part !== undefined).join(' ');
  return new AppError('STORAGE', detail === '' ? message : `${message} (${detail})`, { cause: error });
}

/** Runs a storage call and turns whatever it throws into the project's error. */
export async function storageCall<T>(message: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toStorageError(error, message);
  }
}
