import { AppError } from '../errors';

/**
 * One item of a botbuilder `Storage.write`, checked and serialised before any backend writes it, so a
 * bad item fails the whole call without touching storage. Shared by every backend's bot state.
 */
export interface PreparedItem {
  key: string;
  value: string;
  /** Undefined means overwrite unconditionally (no eTag, empty or `*`). */
  expectedETag: string | undefined;
}

export function prepareItem(key: string, item: unknown): PreparedItem {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new AppError('STORAGE', `Storage: the item for "${key}" is not an object.`, { details: [key] });
  }
  // The eTag is kept beside the value (a column, a blob's own eTag); in the JSON too, the two could disagree.
  const { eTag, ...rest } = item as Record<string, unknown>;
  let value: string;
  try {
    value = JSON.stringify(rest);
  } catch (error) {
    throw new AppError('STORAGE', `Storage: the item for "${key}" cannot be serialised as JSON.`, {
      details: [key],
      cause: error,
    });
  }
  const unconditional = eTag === undefined || eTag === null || eTag === '' || eTag === '*';
  if (unconditional) {
    return { key, value, expectedETag: undefined };
  }
  // A non-string eTag can never equal a stored one, so it conflicts, as it does in MemoryStorage.
  return { key, value, expectedETag: typeof eTag === 'string' ? eTag : `invalid:${JSON.stringify(eTag)}` };
}
