import type { App } from '../../src/app';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/database';

/**
 * Runs `use` on a second connection to the app's SQLite file, for tests that read or edit rows with
 * SQL: the app holds no database handle, only its stores. WAL lets this connection read beside the
 * app's. An in-memory database cannot be shared, so such a test gives its app a file (`tempDatabase`).
 */
export function withAppSql<T>(app: App, use: (db: SqliteDatabase) => T): T {
  const { storage } = app.config;
  if (storage.kind !== 'sqlite' || storage.path === ':memory:') {
    throw new Error('this test reads SQL: start the app on a SQLite file (tempDatabase()), not in memory');
  }
  const db = openDatabase(storage.path);
  try {
    return use(db);
  } finally {
    db.close();
  }
}
