import { close, fdatasync, open } from 'node:fs';
import { promisify } from 'node:util';

/** Makes every commit made before `flush` was called survive a power cut. */
export interface Flusher {
  flush(): Promise<void>;
}

/** Flushes one file's data to the disk, on libuv's thread pool. */
export type SyncFile = (path: string) => Promise<void>;

const openFile = promisify(open);
const datasync = promisify(fdatasync);

/**
 * fdatasync of one file through a descriptor kept open between flushes: opening and closing the
 * file for each flush cost a quarter to a third of a commit's wait here (0.37–0.48 ms against
 * 0.27–0.29 ms for a commit and its flush, 300 in a row). SQLite keeps the WAL file (truncating it, never
 * deleting it) while any connection to the database is open, and this one is, so the descriptor
 * stays the WAL's. Flushes never overlap (`WalFlusher` runs one at a time), so one descriptor does.
 */
class KeptFile {
  private fd: number | undefined;

  constructor(private readonly path: string) {}

  readonly sync: SyncFile = async () => {
    const fd = this.fd ?? (this.fd = await openFile(this.path, 'r'));
    try {
      await datasync(fd);
    } catch (error) {
      this.close();
      throw error;
    }
  };

  close(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) close(fd, () => undefined);
  }
}

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
    private readonly sync: SyncFile = new KeptFile(walPath).sync,
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

const flushers = new WeakMap<Connection, { flusher: Flusher; file?: KeptFile }>();
/** A connection dropped without `closeWalFlusher` (tests do that) still gives its descriptor back. */
const descriptors = new FinalizationRegistry<KeptFile>((file) => file.close());

/**
 * The flusher of one connection, shared by every store on it so that their durable commits group.
 * A `:memory:` database has nothing on disk to flush.
 */
export function walFlusherOf(db: Connection): Flusher {
  let entry = flushers.get(db);
  if (entry === undefined) {
    if (db.memory) {
      entry = { flusher: NOTHING_TO_FLUSH };
    } else {
      const file = new KeptFile(`${db.name}-wal`);
      descriptors.register(db, file);
      entry = { flusher: new WalFlusher(`${db.name}-wal`, file.sync), file };
    }
    flushers.set(db, entry);
  }
  return entry.flusher;
}

/** Before the connection closes: gives the WAL's descriptor back (SQLite may then delete the file). */
export function closeWalFlusher(db: Connection): void {
  flushers.get(db)?.file?.close();
  flushers.delete(db);
}
