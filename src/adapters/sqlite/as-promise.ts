/**
 * better-sqlite3 is synchronous; the ports are promise-based so that other backends can be remote.
 * This runs the work at once and turns any throw, argument checks included, into a rejection.
 */
export function asPromise<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
