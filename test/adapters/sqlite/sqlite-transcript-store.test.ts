import { readFileSync } from 'node:fs';
import { isAppError, type AppError } from '../../../src/errors';
import { openDatabase, schemaVersion, type SqliteDatabase } from '../../../src/adapters/sqlite/database';
import { SqliteTranscriptStore } from '../../../src/adapters/sqlite/sqlite-transcript-store';
import type { TranscriptEntry } from '../../../src/ports/transcript-store';
import { tempFolder } from './sqlite-test-support';

const folder = tempFolder();
const open: SqliteDatabase[] = [];

function freshStore(now?: () => Date): { store: SqliteTranscriptStore; db: SqliteDatabase } {
  const db = openDatabase(':memory:');
  open.push(db);
  return { store: new SqliteTranscriptStore(db, now ? { now } : {}), db };
}

afterEach(() => {
  for (const db of open.splice(0)) db.close();
});
afterAll(() => folder.cleanup());

const T0 = new Date('2026-03-01T09:00:00.000Z');

function entry(overrides: Partial<TranscriptEntry> = {}): TranscriptEntry {
  return {
    conversationId: 'a:chat-1',
    segmentId: 'seg-1',
    at: T0,
    direction: 'incoming',
    activityType: 'message',
    activity: { type: 'message', text: 'hello' },
    ...overrides,
  };
}

function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('SqliteTranscriptStore', () => {
  it('is migration 4 and keeps entries exactly as given, in append order', async () => {
    const { store, db } = freshStore();
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(4);
    const first = entry({ activity: { type: 'message', text: 'はい', value: { nested: [1, 'two', null] } } });
    const second = entry({
      at: T0, // same time: the order must still be the append order
      direction: 'outgoing',
      activityType: 'invokeResponse',
      activity: { type: 'invokeResponse', value: { status: 200 } },
    });
    await store.append(first, second);
    expect(await store.list('a:chat-1')).toEqual([first, second]);
    expect(await store.list('a:chat-1', 'seg-1')).toEqual([first, second]);
    expect(await store.list('a:chat-1', 'other')).toEqual([]);
    expect(await store.list('a:other')).toEqual([]);
  });

  it('stores nothing from a batch with one invalid entry', async () => {
    const { store } = freshStore();
    const bad = [
      entry({ conversationId: '' }),
      entry({ segmentId: '' }),
      entry({ activityType: '' }),
      entry({ at: new Date(Number.NaN) }),
      entry({ direction: 'sideways' as TranscriptEntry['direction'] }),
      entry({ activity: [] as unknown as TranscriptEntry['activity'] }),
      entry({ activity: { big: 1n } as unknown as TranscriptEntry['activity'] }),
    ];
    for (const invalid of bad) {
      const error = await caught(store.append(entry(), invalid));
      expect(error.code).toBe('BAD_REQUEST');
    }
    expect(await store.list('a:chat-1')).toEqual([]);
    await expect(store.append()).resolves.toBeUndefined();
  });

  it('lists segments oldest first with their span, size and linked requests', async () => {
    const { store } = freshStore(() => at(100));
    await store.append(entry({ segmentId: 'seg-a', at: at(0) }), entry({ segmentId: 'seg-a', at: at(5) }));
    await store.append(entry({ segmentId: 'seg-b', at: at(10) }));
    await store.append(entry({ conversationId: 'a:chat-2', segmentId: 'seg-c', at: at(1) }));
    await store.linkRequest('a:chat-1', 'seg-b', 'REQ-7K3F9Q');
    await store.linkRequest('a:chat-1', 'seg-b', 'REQ-7K3F9Q'); // idempotent

    expect(await store.segmentsOf('a:chat-1')).toEqual([
      {
        conversationId: 'a:chat-1',
        segmentId: 'seg-a',
        firstAt: at(0),
        lastAt: at(5),
        entryCount: 2,
        requestIds: [],
      },
      {
        conversationId: 'a:chat-1',
        segmentId: 'seg-b',
        firstAt: at(10),
        lastAt: at(10),
        entryCount: 1,
        requestIds: ['REQ-7K3F9Q'],
      },
    ]);
    expect(await store.latestSegmentId('a:chat-1')).toBe('seg-b');
    expect(await store.latestSegmentId('a:chat-2')).toBe('seg-c');
    expect(await store.latestSegmentId('a:none')).toBeUndefined();
  });

  it('reads a request’s transcript across the segments linked to it, and only those', async () => {
    const { store } = freshStore();
    const a1 = entry({ segmentId: 'seg-a', activity: { text: 'a1' } });
    const b1 = entry({ segmentId: 'seg-b', activity: { text: 'b1' } });
    const a2 = entry({ segmentId: 'seg-a', activity: { text: 'a2' } });
    const other = entry({ conversationId: 'a:chat-2', segmentId: 'seg-a', activity: { text: 'x' } });
    await store.append(a1, b1, a2, other);
    await store.linkRequest('a:chat-1', 'seg-a', 'REQ-7K3F9Q');
    await store.linkRequest('a:chat-1', 'seg-b', 'REQ-ABCDEF');
    expect(await store.listByRequest('REQ-7K3F9Q')).toEqual([a1, a2]);
    expect(await store.listByRequest('REQ-ABCDEF')).toEqual([b1]);
    expect(await store.listByRequest('REQ-ZZZZZZ')).toEqual([]);
  });

  it('links only request ids, so nothing number-like becomes a link', async () => {
    const { store, db } = freshStore();
    for (const notAnId of ['09012345678', 'REQ-123456', 'req-7k3f9q', '', 'REQ-7K3F9Q ']) {
      expect((await caught(store.linkRequest('a:chat-1', 'seg-1', notAnId))).code).toBe('BAD_REQUEST');
    }
    expect((await caught(store.linkRequest('', 'seg-1', 'REQ-7K3F9Q'))).code).toBe('BAD_REQUEST');
    expect(db.prepare('SELECT COUNT(*) FROM transcript_links').pluck().get()).toBe(0);
  });

  it('purges strictly older entries, and links only once their segment is empty', async () => {
    const { store, db } = freshStore(() => at(-1000));
    const cutoff = at(60);
    const justBefore = entry({ segmentId: 'old', at: new Date(cutoff.getTime() - 1) });
    const exactly = entry({ segmentId: 'mixed', at: cutoff });
    const mixedOld = entry({ segmentId: 'mixed', at: at(0) });
    const after = entry({ segmentId: 'new', at: new Date(cutoff.getTime() + 1) });
    await store.append(justBefore, mixedOld, exactly, after);
    await store.linkRequest('a:chat-1', 'old', 'REQ-AAAAAA');
    await store.linkRequest('a:chat-1', 'mixed', 'REQ-BBBBBB');

    expect(await store.purgeOlderThan(cutoff)).toBe(2);
    expect(await store.list('a:chat-1')).toEqual([exactly, after]);
    const links = db.prepare('SELECT request_id FROM transcript_links ORDER BY request_id').pluck().all();
    expect(links).toEqual(['REQ-BBBBBB']);
    expect(await store.purgeOlderThan(cutoff)).toBe(0);
  });

  it('keeps a fresh link to a segment whose entries are not written yet', async () => {
    const { store, db } = freshStore(() => at(120));
    await store.linkRequest('a:chat-1', 'seg-new', 'REQ-7K3F9Q');
    expect(await store.purgeOlderThan(at(60))).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM transcript_links').pluck().get()).toBe(1);
  });

  it('purges in batches larger than one transaction', async () => {
    const { store } = freshStore();
    const many = Array.from({ length: 4500 }, (_, i) => entry({ at: at(i % 50), activity: { i } }));
    await store.append(...many);
    await store.append(entry({ at: at(60), activity: { kept: true } }));
    expect(await store.purgeOlderThan(at(60))).toBe(4500);
    expect((await store.list('a:chat-1')).map((e) => e.activity)).toEqual([{ kept: true }]);
  });

  it('refuses an invalid cutoff', async () => {
    const { store } = freshStore();
    expect((await caught(store.purgeOlderThan(new Date(Number.NaN)))).code).toBe('BAD_REQUEST');
  });

  it('leaves no purged text in the file or its WAL', async () => {
    const file = folder.path('purge.sqlite');
    const db = openDatabase(file);
    open.push(db);
    const store = new SqliteTranscriptStore(db);
    const marker = 'purge-me-marker-5f1e';
    await store.append(entry({ at: at(0), activity: { text: marker } }));
    await store.append(entry({ at: at(120), activity: { text: 'kept' } }));
    expect(await store.purgeOlderThan(at(60))).toBe(1);
    for (const suffix of ['', '-wal']) {
      let bytes = '';
      try {
        bytes = readFileSync(file + suffix).toString('latin1');
      } catch {
        // A WAL that does not exist holds nothing.
      }
      expect(bytes).not.toContain(marker);
    }
  });
});
