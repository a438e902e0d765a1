/**
 * Runs in a separate Node process so the audit tests exercise real cross-process locking:
 *
 *   audit-child-writer <db> <secret> <count> <go-file> <log-file> <actor-id>
 *
 * Prints `{"ready":true}` once its database is open, waits for <go-file>, appends <count> records
 * with a millisecond's pause between them, then prints `{"ok":true,"seqs":[…]}`. The chain heads it logs go to
 * <log-file>, as they would go to the application log.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { openDatabase } from '../../../src/adapters/sqlite/database';
import { SqliteAuditLog } from '../../../src/adapters/sqlite/sqlite-audit-log';
import { createLogger } from '../../../src/log';

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function waitForFile(path: string, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${path}`);
    }
    // Short blocking sleeps keep both writers starting within a millisecond of each other.
    Atomics.wait(sleeper, 0, 0, 1);
  }
}

async function main(): Promise<void> {
  const [dbPath, secret, countText, goFile, logFile, actorId] = process.argv.slice(2);
  if (
    dbPath === undefined ||
    secret === undefined ||
    goFile === undefined ||
    logFile === undefined ||
    actorId === undefined
  ) {
    throw new Error(`usage: audit-child-writer <db> <secret> <count> <go-file> <log-file> <actor-id>`);
  }
  const count = Number(countText);
  const db = openDatabase(dbPath);
  try {
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => appendFileSync(logFile, line) },
    });
    const log = new SqliteAuditLog(db, { key: secret, logger });
    emit({ ready: true });
    waitForFile(goFile, 30_000);
    const seqs: number[] = [];
    for (let i = 0; i < count; i++) {
      const record = await log.append({
        type: 'graph.step',
        requestId: 'REQ-7K3F9Q',
        actor: { id: actorId, name: `Writer ${actorId}` },
        data: { i, pid: process.pid },
      });
      seqs.push(record.seq);
      // SQLite's busy handler sleeps in growing steps; without a pause between appends one writer can
      // hold the lock through all of them and the other only gets in at the end, which is no race.
      Atomics.wait(sleeper, 0, 0, 1);
    }
    emit({ ok: true, seqs });
  } finally {
    db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
