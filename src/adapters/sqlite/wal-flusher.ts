import { open } from 'node:fs/promises';

/** Makes every commit made before `flush` was called survive a power cut. */
export interface Flusher {
  flush(): Promise<void>;
}

/** Flushes one file's data to the disk, on libuv's thread pool. */
export type SyncFile = (path: string) => Promise<void>;

const fdatasyncFile: SyncFile = async (path) => {
  const file = await open(path, 'r');
  try {
    await file.datasync();
  } finally {
    await file.close();
  }
};

/**
 * Group commit for the SQLite WAL. A commit with `synchronous = FULL` calls fsync inside COMMIT,
 * on the event loop (1.7–3.8 ms on this project's machines), so fifty approvers clicking at once
 * queue behind each other's fsyncs and every other turn waits too. Instead a durable commit is
 * written to the WAL like any other (`NORMAL`) and its caller waits for `flush`, which fdatasyncs the
 * WAL file off the event loop. SQLite appends commits to the WAL in order, so one flush that starts
 * after a commit was written covers it and every commit before it: callers that arrive while a flush
 * runs share the next one, however many they are.
 */
export class WalFlusher implements Flusher {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly walPath: string,
    private readonly sync: SyncFile = fdatasyncFile,
  ) {}

  flush(): Promise<void> {
    if (this.next !== undefined) return this.next;
    const running = this.running;
    if (running === undefined) return this.start();
    // The running flush may have started before this caller's commit was written.
    const next = running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    this.next = next;
    return next;
  }

  private start(): Promise<void> {
    const running = this.sync(this.walPath).finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }
}

const NOTHING_TO_FLUSH: Flusher = { flush: () => Promise.resolve() };
/** What a flusher needs of a connection (the better-sqlite3 handle has both). */
interface Connection {
  readonly memory: boolean;
  readonly name: string;
}

const flushers = new WeakMap<Connection, Flusher>();

/**
 * The flusher of one connection, shared by every store on it so that their durable commits group.
 * A `:memory:` database has nothing on disk to flush.
 */
export function walFlusherOf(db: Connection): Flusher {
  let flusher = flushers.get(db);
  if (flusher === undefined) {
    flusher = db.memory ? NOTHING_TO_FLUSH : new WalFlusher(`${db.name}-wal`);
    flushers.set(db, flusher);
  }
  return flusher;
}
