/**
 * A reset executor in its own Node process, so tests can race two processes on one database file
 * and kill one in the middle of a Graph call:
 *
 *   run <db> <graph-url> <tenant> <worker-id> <lease-seconds> [<go-file>]
 *       runs the executor once (after <go-file> exists, if given) and prints what it did
 *   crash-after-pass <db> <graph-url> <tenant> <worker-id> <lease-seconds>
 *       the same, but the process kills itself the moment Graph has created a pass, before the
 *       executor could record it or show it to anyone
 *   crash-while-showing <db> <graph-url> <tenant> <worker-id> <lease-seconds>
 *       the same, but the process kills itself while the pass card is on its way to the requester
 *
 * Prints one JSON line per event on stdout; log lines go to stderr.
 */
import { existsSync } from 'node:fs';
import { createGraphDirectory } from '../../src/adapters/graph/graph-directory';
import { openDatabase } from '../../src/adapters/sqlite/database';
import { SqliteAuditLog } from '../../src/adapters/sqlite/sqlite-audit-log';
import { SqliteRequestStore } from '../../src/adapters/sqlite/sqlite-request-store';
import { ResetExecutor } from '../../src/requests/reset-executor';
import { createLogger } from '../../src/log';
import type { CreateTapOptions, TemporaryAccessPass } from '../../src/ports/directory';
import { DelegatingDirectory } from '../fakes/delegating-directory';
import { RecordingNotifier } from '../fakes/recording-notifier';
import { AUDIT_SECRET } from './executor-test-kit';

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function waitForFile(path: string, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    // A short blocking sleep keeps both racers spinning tightly without burning a whole core.
    Atomics.wait(sleeper, 0, 0, 1);
  }
}

/** The real directory, except that the process dies right after Graph created a pass. */
class DieAfterPass extends DelegatingDirectory {
  override async createTemporaryAccessPass(
    userId: string,
    options: CreateTapOptions,
  ): Promise<TemporaryAccessPass> {
    const pass = await this.inner.createTemporaryAccessPass(userId, options);
    emit({ passCreated: pass.methodId });
    process.kill(process.pid, 'SIGKILL');
    return pass;
  }
}

async function main(): Promise<void> {
  const [mode, dbPath, graphUrl, tenantId, workerId, leaseSeconds, goFile] = process.argv.slice(2);
  if (
    (mode !== 'run' && mode !== 'crash-after-pass' && mode !== 'crash-while-showing') ||
    dbPath === undefined ||
    graphUrl === undefined ||
    tenantId === undefined ||
    workerId === undefined ||
    leaseSeconds === undefined
  ) {
    throw new Error(
      `usage: executor-child run|crash-after-pass|crash-while-showing …, got ${process.argv.slice(2).join(' ')}`,
    );
  }
  const db = openDatabase(dbPath);
  const logger = createLogger({ level: 'info', destination: process.stderr });
  const graph = createGraphDirectory({
    graphBaseUrl: graphUrl,
    authorityHost: graphUrl,
    credential: { kind: 'clientSecret', tenantId, clientId: 'helpdesk-bot', clientSecret: 's3cret' },
    timeoutMs: 5_000,
    maxRetries: 3,
    maxRetryAfterSeconds: 5,
  });
  const notifier = new RecordingNotifier();
  if (mode === 'crash-while-showing') {
    notifier.onCall = (call) => {
      if (call.method !== 'showPassToRequester') return;
      emit({ showing: call.request.execution?.tap?.methodId });
      process.kill(process.pid, 'SIGKILL');
    };
  }
  const audit = new SqliteAuditLog(db, { key: AUDIT_SECRET, logger });
  const executor = new ResetExecutor({
    requests: new SqliteRequestStore(db, { audit }),
    audit,
    directory: mode === 'crash-after-pass' ? new DieAfterPass(graph) : graph,
    notifier,
    logger,
    workerId,
    tapMaxLifetimeMinutes: 60,
    releaseCodeKey: AUDIT_SECRET,
    leaseSeconds: Number(leaseSeconds),
  });
  emit({ ready: true, pid: process.pid });
  if (goFile !== undefined) waitForFile(goFile, 30_000);
  await executor.runOnce();
  emit({
    done: true,
    workerId,
    methods: notifier.methods(),
    passesShown: notifier.passes.length,
  });
  db.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
