import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppError, isAppError } from '../../errors';
import { MIGRATIONS, type Migration } from './migrations';
import type { Flusher } from './wal-flusher';

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /** How long a statement waits for another process's lock before failing. */
  busyTimeoutMs?: number;
  /** Tests pass their own list; the application always uses `MIGRATIONS`. */
  migrations?: readonly Migration[];
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) the one SQLite file that holds bot state, requests, audit and
 * transcripts, and brings its schema up to date. `:memory:` gives a private throwaway database.
 * Every connection must come from here: `secure_delete` and `foreign_keys` are per connection.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  if (path.trim() === '') {
    // SQLite would silently open a temporary database that vanishes on close.
    throw new AppError('STORAGE', 'The database path is empty.');
  }
  const inMemory = path === ':memory:';
  if (!inMemory) {
    prepareFile(path);
  }

  let db: SqliteDatabase;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw toStorageError(error, `Cannot open the database at ${path}.`);
  }

  try {
    configure(db, inMemory);
    migrate(db, options.migrations ?? MIGRATIONS);
  } catch (error) {
    db.close();
    throw toStorageError(error, `Cannot prepare the database at ${path}.`);
  }
  return db;
}

function prepareFile(path: string): void {
  const absolute = resolve(path);
  try {
    mkdirSync(dirname(absolute), { recursive: true, mode: 0o700 });
    // SQLite gives the -wal and -shm files the main file's mode, so creating it private here keeps
    // all three out of other local users' reach: they hold phone numbers and conversations.
    closeSync(openSync(absolute, 'a', 0o600));
  } catch (error) {
    throw toStorageError(error, `Cannot create the database file at ${path}.`);
  }
}

function configure(db: SqliteDatabase, inMemory: boolean): void {
  if (!inMemory) {
    // WAL lets readers in other processes (a second bot instance, a CLI) run beside a writer.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new AppError('STORAGE', `The database refused WAL journaling (got ${String(mode)}).`);
    }
    // Commits are not flushed to disk by default: bot state, conversation references, transcripts
    // and diagnosis outcomes may lose their last second on a power cut (never on a process crash).
    // Requests and the audit chain commit through `durably`, which waits for the WAL to be flushed;
    // a checkpoint flushes too.
    db.pragma('synchronous = NORMAL');
    // SQLite would otherwise checkpoint inside whichever commit crosses 1000 WAL pages, in the middle
    // of someone's turn; `startCheckpointer` does it off the event loop instead.
    db.pragma('wal_autocheckpoint = 0');
    // Old page images wait in the WAL until a checkpoint; capping its size on reset stops stale
    // frames from lingering past the end of the live log.
    db.pragma('journal_size_limit = 0');
  }
  // Overwrite deleted cells and freed pages with zeros, so a wiped phone number or transcript does
  // not survive in free space of the file.
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
}

/**
 * Runs a write transaction that must survive a power cut, not just a crash (a request's state, an
 * audit record), and resolves only once it is on disk: the commit goes to the WAL like any other
 * (`synchronous = NORMAL`, so COMMIT itself waits for no disk) and `flusher` then fdatasyncs the WAL
 * off the event loop, which also flushes every earlier commit still in it (see `WalFlusher`). Other
 * connections may read the change before it is flushed; nobody is told it happened until then.
 */
export async function durably<T>(db: SqliteDatabase, flusher: Flusher, work: () => T): Promise<T> {
  if (db.inTransaction) {
    // Its commit would be the outer transaction's, which this flush would precede.
    throw new AppError('INTERNAL', 'a durable commit cannot run inside another transaction');
  }
  const result = work();
  await flusher.flush();
  return result;
}

/** Applies the migrations the file lacks, in one write transaction so concurrent openers queue. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
  validateMigrations(migrations);
  const run = db.transaction(() => {
    db.exec(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL
      ) STRICT;
    `);
    const applied = db
      .prepare('SELECT version, name FROM schema_migrations ORDER BY version')
      .all() as Array<{
      version: number;
      name: string;
    }>;
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of applied) {
      const migration = known.get(row.version);
      if (migration === undefined) {
        throw new AppError(
          'STORAGE',
          `The database has schema version ${row.version}, which this build does not know; it was written by a newer version.`,
        );
      }
      if (migration.name !== row.name) {
        throw new AppError(
          'STORAGE',
          `Schema version ${row.version} was applied as "${row.name}" but this build calls it "${migration.name}".`,
        );
      }
    }
    const done = new Set(applied.map((row) => row.version));
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations) {
      if (!done.has(migration.version)) {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, new Date().toISOString());
      }
    }
  });
  run.immediate();
}

function validateMigrations(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const migration of migrations) {
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new AppError(
        'STORAGE',
        `Migration "${migration.name}" has version ${migration.version}; versions must be integers increasing from 1.`,
      );
    }
    previous = migration.version;
  }
}

export function schemaVersion(db: SqliteDatabase): number {
  const version = db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get();
  return typeof version === 'number' ? version : 0;
}

/**
 * Copies every committed page into the main file and empties the WAL. `secure_delete` zeroes
 * freed space in pages, but earlier images of a page stay in the WAL until this runs. Returns
 * false when a reader in another process kept the checkpoint from finishing; the WAL is then
 * cleared at a later checkpoint instead.
 */
export function truncateWal(db: SqliteDatabase): boolean {
  if (db.memory) {
    return true;
  }
  const rows = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
  return rows[0]?.busy === 0;
}

/**
 * `truncateWal` again until it gets through: a checkpoint in progress on another connection (the
 * checkpointer thread's) makes SQLite refuse at once rather than wait. False if it never did.
 */
export async function truncateWalSoon(db: SqliteDatabase, tries = 50, pauseMs = 20): Promise<boolean> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (truncateWal(db)) return true;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return false;
}

/** Leaves the project's own errors alone and wraps the driver's (SQLITE_BUSY, I/O, …) as STORAGE. */
export function toStorageError(error: unknown, message: string): AppError {
  if (isAppError(error)) {
    return error;
  }
  const code = (error as { code?: unknown } | null)?.code;
  const details = typeof code === 'string' ? [code] : [];
  return new AppError('STORAGE', message, { details, cause: error });
}
