/**
 * Runs in a separate Node process so the tests exercise real cross-process locking on one file:
 *
 *   storage-write <db> <key> <item-json>           writes one bot-state item, prints the outcome
 *   request-cas <db> <id> <expected-etag> <go-file> approves the request once <go-file> exists
 *
 * Prints one JSON line per event on stdout; the parent parses them.
 */
import { existsSync } from 'node:fs';
import { isAppError } from '../../../src/errors';
import { openDatabase } from '../../../src/adapters/sqlite/database';
import { SqliteRequestStore } from '../../../src/adapters/sqlite/sqlite-request-store';
import { SqliteStorage } from '../../../src/adapters/sqlite/sqlite-storage';
import { transition } from '../../../src/domain/request-lifecycle';

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function outcome(error: unknown): Record<string, unknown> {
  return { ok: false, code: isAppError(error) ? error.code : 'UNEXPECTED', message: String(error) };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function waitForFile(path: string, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${path}`);
    }
    // A short blocking sleep keeps both racers spinning tightly without burning a whole core.
    Atomics.wait(sleeper, 0, 0, 1);
  }
}

async function storageWrite(dbPath: string, key: string, itemJson: string): Promise<void> {
  const db = openDatabase(dbPath);
  try {
    const storage = new SqliteStorage(db);
    try {
      await storage.write({ [key]: JSON.parse(itemJson) });
      const items = await storage.read([key]);
      emit({ ok: true, eTag: items[key].eTag });
    } catch (error) {
      emit(outcome(error));
    }
  } finally {
    db.close();
  }
}

async function requestCas(dbPath: string, id: string, expectedETag: string, goFile: string): Promise<void> {
  const db = openDatabase(dbPath);
  try {
    const store = new SqliteRequestStore(db);
    const stored = await store.get(id);
    if (stored === undefined) {
      throw new Error(`${id} not found`);
    }
    const approved = transition(
      stored.request,
      'APPROVED',
      { id: `pid-${process.pid}`, name: 'Child' },
      new Date(),
    );
    emit({ ready: true });
    waitForFile(goFile, 30_000);
    try {
      const result = await store.update(approved, expectedETag);
      emit({ ok: true, eTag: result.eTag, pid: process.pid });
    } catch (error) {
      emit(outcome(error));
    }
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'storage-write' && args.length === 3) {
    await storageWrite(args[0], args[1], args[2]);
  } else if (mode === 'request-cas' && args.length === 4) {
    await requestCas(args[0], args[1], args[2], args[3]);
  } else {
    throw new Error(
      `usage: child-writer storage-write|request-cas …, got ${process.argv.slice(2).join(' ')}`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
