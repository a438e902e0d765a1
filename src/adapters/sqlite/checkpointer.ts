import { Worker } from 'node:worker_threads';
import type { Logger } from '../../log';
import type { SqliteDatabase } from './database';

/**
 * The WAL checkpointer, on a connection of its own in a worker thread. A checkpoint copies pages
 * into the main file and flushes both files to disk; done by SQLite inside a commit (its default),
 * it stalls the turn that happened to cross the threshold, and the whole event loop with it.
 * A passive checkpoint never takes the write lock, so the bot's own writes carry on meanwhile.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
const run = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.code ? error.code : error) });
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  run();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(db: SqliteDatabase, logger: Logger, intervalMs = 1000): Checkpointer {
  if (db.memory) return { stop: () => Promise.resolve() };
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: require.resolve('better-sqlite3'), path: db.name, intervalMs },
  });
  worker.on('message', (message: { error?: string }) =>
    logger.warn({ reason: message.error }, 'WAL checkpoint failed; retrying at the next interval'),
  );
  worker.on('error', (error) => logger.error({ err: error }, 'the WAL checkpointer stopped'));
  // Never what keeps the process alive; `stop` is what ends it in an orderly shutdown.
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
