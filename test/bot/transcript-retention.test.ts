import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/database';
import { SqliteRequestStore } from '../../src/adapters/sqlite/sqlite-request-store';
import { SqliteStorage } from '../../src/adapters/sqlite/sqlite-storage';
import { SqliteTranscriptStore } from '../../src/adapters/sqlite/sqlite-transcript-store';
import {
  DAY_MS,
  DEFAULT_PURGE_INTERVAL_MS,
  intervalScheduler,
  TranscriptRetention,
} from '../../src/bot/transcript-retention';
import { isAppError } from '../../src/errors';
import { createPendingRequest } from '../../src/domain/request-lifecycle';
import { createLogger, type Logger } from '../../src/log';
import type { TranscriptEntry } from '../../src/ports/transcript-store';
import { DelayedTranscriptStore } from '../fakes/delayed-transcript-store';
import { FailingTranscriptStore } from '../fakes/failing-transcript-store';
import { ManualTranscriptScheduler } from '../fakes/manual-transcript-scheduler';

const RETENTION_DAYS = 30;
const NOW = new Date('2026-03-31T12:00:00.000Z');
const CUTOFF = new Date(NOW.getTime() - RETENTION_DAYS * DAY_MS);
const ms = (base: Date, delta: number): Date => new Date(base.getTime() + delta);

const open: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

class Clock {
  constructor(public current: Date) {}
  readonly now = (): Date => this.current;
  advance(deltaMs: number): void {
    this.current = ms(this.current, deltaMs);
  }
}

function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
  return { logger, lines };
}

function entry(segmentId: string, at: Date, text: string): TranscriptEntry {
  return {
    conversationId: 'a:chat-1',
    segmentId,
    at,
    direction: 'incoming',
    activityType: 'message',
    activity: { type: 'message', text },
  };
}

/** Every row of every table the purge must not touch, in a comparable form. */
function otherTables(db: SqliteDatabase): Record<string, string[]> {
  const names = db
    .prepare<[], string>(
      `SELECT name FROM sqlite_master WHERE type = 'table'
       AND name NOT IN ('transcript_entries', 'transcript_links', 'sqlite_sequence') ORDER BY name`,
    )
    .pluck()
    .all();
  return Object.fromEntries(
    names.map((name) => [
      name,
      db
        .prepare(`SELECT * FROM "${name}"`)
        .all()
        .map((row) => JSON.stringify(row))
        .sort(),
    ]),
  );
}

/** Old rows in the other tables: a purge that went by age alone, not by table, would take them. */
async function fillOtherTables(db: SqliteDatabase): Promise<void> {
  const old = new Date('2020-01-01T00:00:00.000Z');
  await new SqliteStorage(db).write({ 'msteams/conversations/a:chat-1/': { dialogState: { old: true } } });
  await new SqliteRequestStore(db).create(
    createPendingRequest(
      {
        tenantId: 'tenant-1',
        requester: { aadObjectId: 'user-1', teamsUserId: '29:user-1', name: 'Tanaka Hanako' },
        locale: 'ja',
        newPhone: { graph: '+81 9012345678', international: '+81 90-1234-5678', national: '090-1234-5678' },
        verification: 'video_call',
        reason: 'New phone',
        diagnosis: {
          path: 'start',
          situation: 'S1a',
          errorCodes: [],
          workingMethods: [],
          lostOrStolen: false,
        },
      },
      old,
    ),
  );
  // Migration 3's table, written as its triggers demand (first record, zero previous hash).
  db.prepare(
    `INSERT INTO audit_log (seq, at, type, request_id, actor_id, actor_name, data, prev_hash, hash)
     VALUES (1, ?, 'created', 'REQ-7K3F9Q', NULL, NULL, '{}', ?, ?)`,
  ).run(old.toISOString(), '0'.repeat(64), 'a'.repeat(64));
}

function setup(clock = new Clock(NOW)) {
  const db = openDatabase(':memory:');
  open.push(db);
  const store = new SqliteTranscriptStore(db, { now: clock.now });
  const scheduler = new ManualTranscriptScheduler();
  const log = capturingLogger();
  const retention = new TranscriptRetention({
    store,
    retentionDays: RETENTION_DAYS,
    logger: log.logger,
    now: clock.now,
    scheduler,
  });
  return { db, store, scheduler, retention, clock, log };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TranscriptRetention', () => {
  it('purges exactly the entries older than the retention period, and nothing else', async () => {
    // The links are made while their segments are live, before the cutoff.
    const { db, store, retention, log, clock } = setup(new Clock(ms(CUTOFF, -1000)));
    await fillOtherTables(db);
    const veryOld = entry('seg-old', new Date('2025-01-01T00:00:00.000Z'), 'very old');
    const justBefore = entry('seg-old', ms(CUTOFF, -1), 'just before');
    const exactly = entry('seg-mixed', CUTOFF, 'exactly at the cutoff');
    const justAfter = entry('seg-mixed', ms(CUTOFF, 1), 'just after');
    const recent = entry('seg-new', NOW, 'today');
    await store.append(veryOld, justBefore, exactly, justAfter, recent);
    await store.linkRequest('a:chat-1', 'seg-old', 'REQ-AAAAAA');
    await store.linkRequest('a:chat-1', 'seg-mixed', 'REQ-BBBBBB');
    const before = otherTables(db);
    expect(before.audit_log).toHaveLength(1);
    expect(before.reset_requests).toHaveLength(1);
    expect(before.bot_state).toHaveLength(1);

    clock.current = NOW;
    expect(retention.cutoff()).toEqual(CUTOFF);
    expect(await retention.runOnce()).toBe(2);

    expect(await store.list('a:chat-1')).toEqual([exactly, justAfter, recent]);
    const segments = await store.segmentsOf('a:chat-1');
    expect(segments.map((s) => [s.segmentId, s.requestIds])).toEqual([
      ['seg-mixed', ['REQ-BBBBBB']],
      ['seg-new', []],
    ]);
    expect(await store.listByRequest('REQ-AAAAAA')).toEqual([]);
    expect(otherTables(db)).toEqual(before);
    expect(log.lines.join('\n')).toContain('"purged":2');
    expect(await retention.runOnce()).toBe(0);
  });

  it('runs once at start, then at every interval as the clock moves on', async () => {
    const { store, scheduler, retention, clock } = setup();
    await store.append(
      entry('seg-1', ms(CUTOFF, -1), 'due at start'),
      entry('seg-1', ms(CUTOFF, 30 * 60_000), 'due half an hour later'),
      entry('seg-1', ms(CUTOFF, 2 * 60 * 60_000), 'due in two hours'),
    );
    retention.start();
    retention.start(); // a second start does not double the schedule
    expect(scheduler.intervals).toEqual([DEFAULT_PURGE_INTERVAL_MS]);
    await settle();
    expect((await store.list('a:chat-1')).map((e) => e.activity.text)).toEqual([
      'due half an hour later',
      'due in two hours',
    ]);

    clock.advance(DEFAULT_PURGE_INTERVAL_MS);
    scheduler.fire();
    await settle();
    expect((await store.list('a:chat-1')).map((e) => e.activity.text)).toEqual(['due in two hours']);

    await retention.stop();
    expect(scheduler.scheduled).toBe(0);
  });

  it('logs and counts a failed purge, never throws from the timer, and tries again next time', async () => {
    const failing = new FailingTranscriptStore();
    const scheduler = new ManualTranscriptScheduler();
    const { logger, lines } = capturingLogger();
    const retention = new TranscriptRetention({
      store: failing,
      retentionDays: RETENTION_DAYS,
      logger,
      now: () => NOW,
      scheduler,
    });
    retention.start();
    await settle();
    expect(retention.failedRuns).toBe(1);
    scheduler.fire();
    await settle();
    expect(retention.failedRuns).toBe(2);
    expect(lines.filter((line) => line.includes('transcript purge failed'))).toHaveLength(2);

    const error: unknown = await retention.runOnce().catch((e: unknown) => e);
    expect(isAppError(error, 'STORAGE')).toBe(true);
    await retention.stop();
  });

  it('joins a purge in progress instead of starting a second one', async () => {
    const db = openDatabase(':memory:');
    open.push(db);
    const slow = new DelayedTranscriptStore(new SqliteTranscriptStore(db), 20);
    const { logger } = capturingLogger();
    const retention = new TranscriptRetention({
      store: slow,
      retentionDays: RETENTION_DAYS,
      logger,
      now: () => NOW,
      scheduler: new ManualTranscriptScheduler(),
    });
    const first = retention.runOnce();
    const second = retention.runOnce();
    expect(second).toBe(first);
    await first;
    expect(slow.calls).toBe(1);
    await retention.runOnce();
    expect(slow.calls).toBe(2);
  });

  it('refuses a retention that is not a whole number of days', () => {
    const { logger } = capturingLogger();
    for (const retentionDays of [0, -1, 1.5, Number.NaN]) {
      expect(
        () => new TranscriptRetention({ store: new FailingTranscriptStore(), retentionDays, logger }),
      ).toThrow(RangeError);
    }
  });
});

describe('intervalScheduler', () => {
  it('repeats the task until cancelled, on a timer that does not hold the process open', async () => {
    const spy = jest.spyOn(global, 'setInterval');
    try {
      let runs = 0;
      let secondRun: () => void = () => undefined;
      const repeated = new Promise<void>((resolve) => (secondRun = resolve));
      const cancel = intervalScheduler.every(5, () => {
        runs += 1;
        if (runs === 2) secondRun();
      });
      const timer = spy.mock.results[0]?.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
      // Event-driven: on a loaded machine the second tick may come much later than 10 ms.
      await repeated;
      cancel();
      const stopped = runs;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(runs).toBe(stopped);
    } finally {
      spy.mockRestore();
    }
  });
});
