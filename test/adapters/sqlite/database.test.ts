import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { isAppError } from '../../../src/errors';
import {
  durably,
  migrate,
  openDatabase,
  schemaVersion,
  truncateWal,
  truncateWalSoon,
} from '../../../src/adapters/sqlite/database';
import { MIGRATIONS, type Migration } from '../../../src/adapters/sqlite/migrations';
import { closeWalFlusher, WalFlusher, walFlusherOf } from '../../../src/adapters/sqlite/wal-flusher';
import { HeldFlusher } from '../../fakes/held-flusher';
import { tempFolder } from './sqlite-test-support';
import { postedPendingRequest } from '../../support/approval-harness';
import { HANAKO } from '../../support/teams-activity';

const folder = tempFolder();
afterAll(() => folder.cleanup());

describe('openDatabase', () => {
  it('creates missing parent folders and a private file with the expected settings', () => {
    const file = folder.path('deep/er/bot.sqlite');
    const db = openDatabase(file);
    try {
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o077).toBe(0);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('secure_delete', { simple: true })).toBe(1);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
      // NORMAL (1) by default; requests and audit flush through `durably` (below).
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      expect(schemaVersion(db)).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    } finally {
      db.close();
    }
  });

  it('allows :memory: for quick tests', () => {
    const db = openDatabase(':memory:');
    try {
      expect(db.memory).toBe(true);
      expect(db.pragma('secure_delete', { simple: true })).toBe(1);
      expect(schemaVersion(db)).toBe(MIGRATIONS.length);
      expect(truncateWal(db)).toBe(true);
    } finally {
      db.close();
    }
  });

  it('refuses an empty path rather than opening a throwaway database', () => {
    expect(() => openDatabase('  ')).toThrow(expect.objectContaining({ code: 'STORAGE' }));
  });

  it('reports a path it cannot create as STORAGE', () => {
    const blocker = folder.path('not-a-folder');
    openDatabase(blocker).close();
    expect(() => openDatabase(`${blocker}/inside.sqlite`)).toThrow(
      expect.objectContaining({ code: 'STORAGE' }),
    );
  });
});

describe('migrations', () => {
  const base: Migration[] = [{ version: 1, name: 'one', sql: 'CREATE TABLE one (x INTEGER) STRICT;' }];
  const next: Migration[] = [
    ...base,
    { version: 2, name: 'two', sql: 'CREATE TABLE two (y INTEGER) STRICT;' },
  ];

  it('applies each migration once and only the new ones on a later open', () => {
    const file = folder.path('migrations.sqlite');
    openDatabase(file, { migrations: base }).close();
    const db = openDatabase(file, { migrations: next });
    try {
      const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(rows).toEqual([
        { version: 1, name: 'one' },
        { version: 2, name: 'two' },
      ]);
      // Re-running is a no-op rather than a "table already exists" error.
      expect(() => migrate(db, next)).not.toThrow();
    } finally {
      db.close();
    }
  });

  it('rolls a failing migration back completely', () => {
    const file = folder.path('failing.sqlite');
    const broken: Migration[] = [
      ...base,
      { version: 2, name: 'broken', sql: 'CREATE TABLE half (z INTEGER); SELECT * FROM no_such_table;' },
    ];
    expect(() => openDatabase(file, { migrations: broken })).toThrow(
      expect.objectContaining({ code: 'STORAGE' }),
    );
    const db = openDatabase(file, { migrations: [] });
    try {
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('one', 'half')").all()).toEqual([]);
      expect(schemaVersion(db)).toBe(0);
    } finally {
      db.close();
    }
  });

  it('refuses a file written by a newer build', () => {
    const file = folder.path('newer.sqlite');
    openDatabase(file, { migrations: next }).close();
    let error: unknown;
    try {
      openDatabase(file, { migrations: base }).close();
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'STORAGE')).toBe(true);
    expect((error as Error).message).toMatch(/newer/);
  });

  it('refuses a list that is not strictly increasing', () => {
    const db = openDatabase(':memory:', { migrations: [] });
    try {
      expect(() => migrate(db, [...next].reverse())).toThrow(expect.objectContaining({ code: 'STORAGE' }));
      expect(() => migrate(db, [base[0], base[0]])).toThrow(expect.objectContaining({ code: 'STORAGE' }));
    } finally {
      db.close();
    }
  });

  it('refuses a renamed migration', () => {
    const file = folder.path('renamed.sqlite');
    openDatabase(file, { migrations: base }).close();
    expect(() => openDatabase(file, { migrations: [{ ...base[0], name: 'uno' }] })).toThrow(/uno/);
  });
});

describe('secure_delete', () => {
  const secret = 'SECRET-0901234567-SECRET';

  function fileContains(file: string, text: string): boolean {
    const wal = `${file}-wal`;
    const bytes = [readFileSync(file), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)];
    return bytes.some((buffer) => buffer.includes(text));
  }

  function writeThenDelete(
    file: string,
    secureDelete: boolean,
  ): { whileLive: boolean; afterDelete: boolean } {
    const db = openDatabase(file);
    try {
      if (!secureDelete) {
        db.pragma('secure_delete = OFF');
      }
      const insert = db.prepare(
        "INSERT INTO bot_state (key, value, etag, updated_at) VALUES (?, ?, 'e', 'now')",
      );
      insert.run('k', JSON.stringify({ secret }));
      insert.run('neighbour', JSON.stringify({ keeps: 'the page in use' }));
      expect(truncateWal(db)).toBe(true);
      const whileLive = fileContains(file, secret);
      db.prepare("DELETE FROM bot_state WHERE key = 'k'").run();
      expect(truncateWal(db)).toBe(true);
      return { whileLive, afterDelete: fileContains(file, secret) };
    } finally {
      db.close();
    }
  }

  it('leaves no trace of a deleted value in the file once the WAL is truncated', () => {
    expect(writeThenDelete(folder.path('secure.sqlite'), true)).toEqual({
      whileLive: true,
      afterDelete: false,
    });
  });

  it('(control) without it the deleted bytes stay in the file, so the check above can fail', () => {
    expect(writeThenDelete(folder.path('insecure.sqlite'), false)).toEqual({
      whileLive: true,
      afterDelete: true,
    });
  });
});

describe('durability per kind of data', () => {
  it('answers a request or audit commit only once the WAL is flushed to disk; bot state and transcripts do not wait', async () => {
    const db = openDatabase(folder.path('durability/bot.sqlite'));
    try {
      // A temporary trigger records the synchronous setting in force when each row is written: no
      // commit waits for the disk on the event loop (NORMAL), the durable ones wait for the flusher.
      db.exec(`
        CREATE TEMP TABLE seen (tbl TEXT, sync INTEGER);
        CREATE TEMP TRIGGER seen_requests AFTER INSERT ON main.reset_requests
          BEGIN INSERT INTO seen SELECT 'requests', synchronous FROM pragma_synchronous; END;
        CREATE TEMP TRIGGER seen_audit AFTER INSERT ON main.audit_log
          BEGIN INSERT INTO seen SELECT 'audit', synchronous FROM pragma_synchronous; END;
        CREATE TEMP TRIGGER seen_state AFTER INSERT ON main.bot_state
          BEGIN INSERT INTO seen SELECT 'state', synchronous FROM pragma_synchronous; END;
        CREATE TEMP TRIGGER seen_transcripts AFTER INSERT ON main.transcript_entries
          BEGIN INSERT INTO seen SELECT 'transcripts', synchronous FROM pragma_synchronous; END;
      `);
      const { SqliteRequestStore } = await import('../../../src/adapters/sqlite/sqlite-request-store');
      const { SqliteAuditLog } = await import('../../../src/adapters/sqlite/sqlite-audit-log');
      const { SqliteStorage } = await import('../../../src/adapters/sqlite/sqlite-storage');
      const { SqliteTranscriptStore } = await import('../../../src/adapters/sqlite/sqlite-transcript-store');
      const { createLogger } = await import('../../../src/log');
      const flusher = new HeldFlusher();
      const answered: string[] = [];
      const created = new SqliteRequestStore(db, { flusher })
        .create(postedPendingRequest(HANAKO, '19:approvals@thread.tacv2'))
        .then(() => answered.push('requests'));
      const appended = new SqliteAuditLog(db, {
        key: 'k'.repeat(32),
        logger: createLogger({ level: 'silent' }),
        flusher,
      })
        .append({ type: 'request.refused', actor: null, data: { reason: 'test' } })
        .then(() => answered.push('audit'));
      await new SqliteStorage(db).write({ 'msteams/conversations/a': { turns: 1 } });
      await new SqliteTranscriptStore(db).append({
        conversationId: 'a',
        segmentId: 's',
        at: new Date(),
        direction: 'incoming',
        activityType: 'message',
        activity: { type: 'message' },
      });
      // Both durable commits are written and waiting for the disk; the others asked for no flush.
      await new Promise((resolve) => setImmediate(resolve));
      expect({ flushes: flusher.calls, answered }).toEqual({ flushes: 2, answered: [] });
      flusher.release();
      await Promise.all([created, appended]);
      expect(answered.sort()).toEqual(['audit', 'requests']);
      expect(db.prepare('SELECT tbl, sync FROM seen ORDER BY rowid').all()).toEqual([
        { tbl: 'requests', sync: 1 },
        { tbl: 'audit', sync: 1 },
        { tbl: 'state', sync: 1 },
        { tbl: 'transcripts', sync: 1 },
      ]);
    } finally {
      db.close();
    }
  });

  it('flushes the WAL file after the commit, refuses to run inside another transaction, flushes nothing when the work throws', async () => {
    const db = openDatabase(folder.path('durability/nested.sqlite'));
    try {
      const synced: Array<{ path: string; rows: number }> = [];
      const flusher = new WalFlusher(`${db.name}-wal`, async (path) => {
        synced.push({ path, rows: Number(db.prepare('SELECT COUNT(*) FROM t').pluck().get()) });
        await Promise.resolve();
      });
      db.exec('CREATE TABLE t (v TEXT)');
      await durably(db, flusher, () => db.prepare("INSERT INTO t VALUES ('a')").run());
      expect(synced).toEqual([{ path: `${db.name}-wal`, rows: 1 }]);
      expect(existsSync(`${db.name}-wal`)).toBe(true);
      await expect(
        durably(db, flusher, () => {
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      let nested: Promise<number> | undefined;
      db.transaction(() => {
        nested = durably(db, flusher, () => 1);
      })();
      await expect(nested).rejects.toMatchObject({ code: 'INTERNAL' });
      expect(synced).toHaveLength(1);
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe('truncateWalSoon', () => {
  it('tries again while another connection keeps the WAL from being cleared, and clears it once it lets go', async () => {
    const file = folder.path('durability/busy.sqlite');
    const db = openDatabase(file, { busyTimeoutMs: 10 });
    const reader = openDatabase(file, { busyTimeoutMs: 10 });
    try {
      db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('090-1234-5678')");
      // A reader inside a transaction pins the WAL: a TRUNCATE checkpoint cannot finish under it.
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM t').get();
      db.exec("UPDATE t SET v = 'wiped'");
      expect(truncateWal(db)).toBe(false);
      setTimeout(() => reader.exec('COMMIT'), 100);
      await expect(truncateWalSoon(db, 50, 20)).resolves.toBe(true);
      expect(statSync(`${file}-wal`).size).toBe(0);
    } finally {
      reader.close();
      db.close();
    }
  });
});

describe('WalFlusher', () => {
  it('lets the commits that arrive during a flush share the next one, and tells none of them early', async () => {
    const started: Array<() => void> = [];
    const flusher = new WalFlusher(
      '/nowhere-wal',
      () => new Promise<void>((resolve) => started.push(resolve)),
    );
    const done: number[] = [];
    const first = flusher.flush().then(() => done.push(0));
    const later = Array.from({ length: 10 }, (_, i) => flusher.flush().then(() => done.push(i + 1)));
    expect(started).toHaveLength(1);
    started[0]?.();
    await first;
    // The ten arrived while the first flush ran, which may have started before their commits.
    expect(done).toEqual([0]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toHaveLength(2);
    started[1]?.();
    await Promise.all(later);
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Quiet again: the next commit gets a flush of its own at once.
    void flusher.flush();
    expect(started).toHaveLength(3);
    started[2]?.();
  });

  it('keeps one descriptor of the WAL across flushes and gives it back when the stores close', async () => {
    const db = openDatabase(folder.path('durability/kept.sqlite'));
    const walDescriptors = (): number =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === `${db.name}-wal`;
        } catch {
          return false;
        }
      }).length;
    try {
      db.exec('CREATE TABLE t (v TEXT)');
      const before = walDescriptors();
      for (let i = 0; i < 5; i++)
        await durably(db, walFlusherOf(db), () => db.exec(`INSERT INTO t VALUES (${i})`));
      expect(walDescriptors()).toBe(before + 1);
      closeWalFlusher(db);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(walDescriptors()).toBe(before);
    } finally {
      db.close();
    }
  });

  it('fdatasyncs the real WAL file, and rejects when it cannot', async () => {
    const db = openDatabase(folder.path('durability/real.sqlite'));
    try {
      db.exec('CREATE TABLE t (v TEXT)');
      await expect(durably(db, walFlusherOf(db), () => db.exec("INSERT INTO t VALUES ('a')"))).resolves.toBe(
        db,
      );
    } finally {
      db.close();
    }
    await expect(new WalFlusher(folder.path('durability/missing.sqlite-wal')).flush()).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
