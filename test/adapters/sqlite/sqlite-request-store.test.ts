import { writeFileSync, existsSync, readFileSync } from 'node:fs';
import { isAppError, type AppError } from '../../../src/errors';
import { openDatabase, type SqliteDatabase } from '../../../src/adapters/sqlite/database';
import { SELECT_PAGE_BY_STATES, SqliteRequestStore } from '../../../src/adapters/sqlite/sqlite-request-store';
import {
  createPendingRequest,
  transition,
  type NewResetRequestInput,
} from '../../../src/domain/request-lifecycle';
import {
  REQUEST_STATES,
  isRequestId,
  newRequestId,
  type ResetRequest,
} from '../../../src/domain/reset-request';
import { openRequestIdFromConflict, type StoredRequest } from '../../../src/ports/request-store';
import { startChild, tempFolder } from './sqlite-test-support';

const folder = tempFolder();
let counter = 0;
const open: SqliteDatabase[] = [];

function freshFile(): string {
  counter += 1;
  return folder.path(`requests-${counter}.sqlite`);
}

function storeOn(file: string): { store: SqliteRequestStore; db: SqliteDatabase } {
  const db = openDatabase(file);
  open.push(db);
  return { store: new SqliteRequestStore(db), db };
}

afterEach(() => {
  for (const db of open.splice(0)) {
    db.close();
  }
});
afterAll(() => folder.cleanup());

const admin = { id: 'admin-aad', name: 'Sato Admin' };
const PHONE = { graph: '+81 9012345678', international: '+81 90-1234-5678', national: '090-1234-5678' };
// Specific enough that random eTags or timestamps in the file can never match them by chance.
const PHONE_FRAGMENTS = ['9012345678', '90-1234-5678'];

function pending(aadObjectId = 'user-1', at = new Date('2025-01-06T00:00:00.000Z')): ResetRequest {
  const input: NewResetRequestInput = {
    tenantId: 'tenant-1',
    requester: { aadObjectId, teamsUserId: `29:${aadObjectId}`, name: 'Tanaka Hanako' },
    locale: 'ja',
    newPhone: PHONE,
    verification: 'video_call',
    reason: 'New phone',
    diagnosis: {
      path: 'start>S1a>work>noMfa',
      situation: 'S1a',
      errorCodes: [],
      workingMethods: [],
      lostOrStolen: false,
    },
  };
  return createPendingRequest(input, at);
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error)) {
    throw new Error(`expected an AppError, got ${String(error)}`);
  }
  return error;
}

describe('SqliteRequestStore', () => {
  let store: SqliteRequestStore;
  let db: SqliteDatabase;

  beforeEach(() => {
    ({ store, db } = storeOn(freshFile()));
  });

  it('creates and gets a request with its eTag', async () => {
    const request = pending();
    const created = await store.create(request);
    expect(created.request).toEqual(request);
    expect(created.eTag).toEqual(expect.any(String));
    expect(await store.get(request.id)).toEqual(created);
    expect(await store.get('REQ-ZZZZZZ')).toBeUndefined();
  });

  it('stores records under well-formed ids only', async () => {
    const error = await caught(store.create({ ...pending(), id: '123456' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(isRequestId(pending().id)).toBe(true);
  });

  it('refuses a second open request for the same requester, naming the first', async () => {
    const first = await store.create(pending('user-1'));
    const error = await caught(store.create(pending('user-1')));
    expect(error.code).toBe('CONFLICT');
    expect(openRequestIdFromConflict(error)).toBe(first.request.id);
    // Another person is unaffected.
    await expect(store.create(pending('user-2'))).resolves.toBeDefined();
  });

  it('refuses a taken id with a different, distinguishable conflict', async () => {
    const first = await store.create(pending('user-1'));
    const error = await caught(store.create({ ...pending('user-2'), id: first.request.id }));
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual(['id-taken', first.request.id]);
    expect(openRequestIdFromConflict(error)).toBeUndefined();
  });

  it('enforces one open request in the database itself, not only in the store', () => {
    const insert = db.prepare(
      `INSERT INTO reset_requests (id, tenant_id, requester_aad_object_id, state, created_at, updated_at, etag, body)
       VALUES (?, 't', 'same-person', ?, 'c', 'u', 'e', '{}')`,
    );
    insert.run(newRequestId(), 'PENDING');
    insert.run(newRequestId(), 'DONE');
    expect(() => insert.run(newRequestId(), 'EXECUTING')).toThrow(/UNIQUE/);
  });

  it('lets the requester open a new request once the old one is final', async () => {
    const first = await store.create(pending('user-1'));
    await store.update(transition(first.request, 'CANCELLED', admin, new Date()), first.eTag);
    await expect(store.create(pending('user-1'))).resolves.toBeDefined();
  });

  it('finds the open request of a requester', async () => {
    const created = await store.create(pending('user-1'));
    expect(await store.findOpenByRequester('user-1')).toEqual(created);
    expect(await store.findOpenByRequester('user-2')).toBeUndefined();
    await store.update(transition(created.request, 'DENIED', admin, new Date()), created.eTag);
    expect(await store.findOpenByRequester('user-1')).toBeUndefined();
  });

  it('compare-and-swaps: the current eTag wins and gets a new one, a stale eTag conflicts', async () => {
    const created = await store.create(pending());
    const approved = transition(created.request, 'APPROVED', admin, new Date());

    const updated = await store.update(approved, created.eTag);
    expect(updated.eTag).not.toBe(created.eTag);
    expect(updated.request).toEqual(approved);
    expect(await store.get(approved.id)).toEqual(updated);

    const stale = await caught(store.update(approved, created.eTag));
    expect(stale.code).toBe('CONFLICT');
    expect(await store.get(approved.id)).toEqual(updated);
  });

  it('allows an update that keeps the state (recording execution steps)', async () => {
    const created = await store.create(pending());
    const approved = await store.update(
      transition(created.request, 'APPROVED', admin, new Date()),
      created.eTag,
    );
    const executing = await store.update(
      transition(approved.request, 'EXECUTING', admin, new Date()),
      approved.eTag,
    );
    const withStep: ResetRequest = {
      ...executing.request,
      execution: { steps: [{ name: 'delete-phone', status: 'started', at: new Date().toISOString() }] },
    };
    const stepped = await store.update(withStep, executing.eTag);
    expect(stepped.request.execution?.steps).toHaveLength(1);
  });

  it('refuses a state change the lifecycle does not allow, even with the right eTag', async () => {
    const created = await store.create(pending());
    const skipped = { ...created.request, state: 'EXECUTING' } as ResetRequest;
    expect((await caught(store.update(skipped, created.eTag))).code).toBe('CONFLICT');
    expect((await store.get(created.request.id))?.request.state).toBe('PENDING');
  });

  it('refuses to change who the request is for', async () => {
    const created = await store.create(pending('user-1'));
    const hijacked: ResetRequest = {
      ...created.request,
      requester: { ...created.request.requester, aadObjectId: 'someone-else' },
    };
    expect((await caught(store.update(hijacked, created.eTag))).code).toBe('BAD_REQUEST');
  });

  it('reports an unknown id on update as NOT_FOUND', async () => {
    expect((await caught(store.update(pending(), 'any'))).code).toBe('NOT_FOUND');
  });

  it('lets exactly one of 50 concurrent compare-and-swaps win', async () => {
    const created = await store.create(pending());
    const attempts = Array.from({ length: 50 }, (_, i) =>
      store.update(
        transition(created.request, 'APPROVED', { id: `admin-${i}`, name: `Admin ${i}` }, new Date()),
        created.eTag,
      ),
    );
    const results = await Promise.allSettled(attempts);
    const won = results.filter((r): r is PromiseFulfilledResult<StoredRequest> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    expect(lost.every((r) => isAppError(r.reason, 'CONFLICT'))).toBe(true);
    const stored = await store.get(created.request.id);
    expect(stored).toEqual(won[0].value);
    expect(stored?.request.history.filter((h) => h.to === 'APPROVED')).toHaveLength(1);
  });

  it('lists by state, oldest first, with an optional limit', async () => {
    const a = await store.create(pending('user-a', new Date('2025-01-03T00:00:00Z')));
    const b = await store.create(pending('user-b', new Date('2025-01-01T00:00:00Z')));
    const c = await store.create(pending('user-c', new Date('2025-01-02T00:00:00Z')));
    const approvedC = await store.update(transition(c.request, 'APPROVED', admin, new Date()), c.eTag);

    expect(await store.listByState(['PENDING'])).toEqual([b, a]);
    expect(await store.listByState(['PENDING', 'APPROVED'])).toEqual([b, approvedC, a]);
    expect(await store.listByState(['PENDING', 'APPROVED'], 2)).toEqual([b, approvedC]);
    expect(await store.listByState(['DONE'])).toEqual([]);
    expect(await store.listByState([])).toEqual([]);
    expect((await caught(store.listByState(['PENDING'], -1))).code).toBe('BAD_REQUEST');
  });

  it('pages oldest first across the states, a shared creation time in id order', async () => {
    const at = (day: number): Date => new Date(Date.UTC(2025, 0, day));
    const approve = (s: StoredRequest): Promise<StoredRequest> =>
      store.update(transition(s.request, 'APPROVED', admin, at(4)), s.eTag);
    const a = await store.create(pending('user-a', at(3)));
    const b = await approve(await store.create(pending('user-b', at(1))));
    const c = await store.create(pending('user-c', at(1)));
    const d = await store.create(pending('user-d', at(1)));
    const e = await approve(await store.create(pending('user-e', at(2))));
    // SQLite compares the text columns byte by byte.
    const binary = (p: string, q: string): number => (p < q ? -1 : p > q ? 1 : 0);
    const expected = [a, b, c, d, e].sort(
      (x, y) => binary(x.request.createdAt, y.request.createdAt) || binary(x.request.id, y.request.id),
    );

    const pages: StoredRequest[][] = [];
    for await (const page of store.pagesByState(['PENDING', 'APPROVED'], 2)) pages.push(page);
    expect(pages).toEqual([expected.slice(0, 2), expected.slice(2, 4), expected.slice(4)]);
  });

  it('reads a page as a walk of the state index from the cursor: no sort, whatever follows it', () => {
    const names = [...new Set([...SELECT_PAGE_BY_STATES.matchAll(/@(\w+)/g)].map((match) => match[1]))];
    const plan = db
      .prepare<[Record<string, null>], { detail: string }>(`EXPLAIN QUERY PLAN ${SELECT_PAGE_BY_STATES}`)
      .all(Object.fromEntries(names.map((name) => [name, null])))
      .map((row) => row.detail);
    const searches = plan.filter((detail) => detail.startsWith('SEARCH reset_requests'));
    expect(searches).toHaveLength(REQUEST_STATES.length);
    for (const search of searches) {
      expect(search).toContain(
        'USING INDEX reset_requests_by_state_created_id (state=? AND (created_at,id)>(?,?))',
      );
    }
    expect(plan.filter((detail) => detail.includes('TEMP B-TREE'))).toEqual([]);
  });

  it('counts the requests a person created since a time, whatever their state', async () => {
    const old = await store.create(pending('user-1', new Date('2024-12-20T00:00:00Z')));
    await store.update(transition(old.request, 'EXPIRED', admin, new Date()), old.eTag);
    const mid = await store.create(pending('user-1', new Date('2025-01-02T00:00:00Z')));
    await store.update(transition(mid.request, 'CANCELLED', admin, new Date()), mid.eTag);
    await store.create(pending('user-1', new Date('2025-01-05T00:00:00Z')));
    await store.create(pending('user-2', new Date('2025-01-05T00:00:00Z')));

    expect(await store.countCreatedSince('user-1', new Date('2025-01-01T00:00:00Z'))).toBe(2);
    expect(await store.countCreatedSince('user-1', new Date('2025-01-02T00:00:00Z'))).toBe(2);
    expect(await store.countCreatedSince('user-1', new Date('2024-01-01T00:00:00Z'))).toBe(3);
    expect(await store.countCreatedSince('nobody', new Date(0))).toBe(0);
  });

  it('keeps the eTag only in its column', async () => {
    const created = await store.create(pending());
    const row = db.prepare('SELECT etag, body FROM reset_requests WHERE id = ?').get(created.request.id) as {
      etag: string;
      body: string;
    };
    expect(row.etag).toBe(created.eTag);
    expect(row.body).not.toContain(created.eTag);
    expect(JSON.parse(row.body)).not.toHaveProperty('eTag');
  });
});

describe('SqliteRequestStore: the full phone number', () => {
  function fileBytesContain(file: string, text: string): boolean {
    const wal = `${file}-wal`;
    return [readFileSync(file), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)].some((b) =>
      b.includes(text),
    );
  }

  it('is on disk while the request is open and gone from the row and the file bytes once it is final', async () => {
    const file = freshFile();
    const { store, db } = storeOn(file);
    const created = await store.create(pending());
    const approved = await store.update(
      transition(created.request, 'APPROVED', admin, new Date()),
      created.eTag,
    );
    const executing = await store.update(
      transition(approved.request, 'EXECUTING', admin, new Date()),
      approved.eTag,
    );

    // Control: while open, the number is in the file, so the search below can see it.
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const fragment of PHONE_FRAGMENTS) {
      expect(fileBytesContain(file, fragment)).toBe(true);
    }

    const done = await store.update(transition(executing.request, 'DONE', admin, new Date()), executing.eTag);
    expect(done.request.newPhone).toEqual({ lastTwo: '78' });

    const raw = db.prepare('SELECT * FROM reset_requests').raw().all();
    expect(JSON.stringify(raw)).not.toMatch(/9012345678|1234-5678/);
    for (const fragment of PHONE_FRAGMENTS) {
      expect(fileBytesContain(file, fragment)).toBe(false);
    }
  });

  it('is stripped by the store even if a caller sets a final state without transition', async () => {
    const { store, db } = storeOn(freshFile());
    const created = await store.create(pending());
    const cancelledByHand = { ...created.request, state: 'CANCELLED' } as ResetRequest;
    const stored = await store.update(cancelledByHand, created.eTag);
    expect(stored.request.newPhone).toEqual({ lastTwo: '78' });
    const body = db.prepare('SELECT body FROM reset_requests').pluck().get() as string;
    expect(body).not.toMatch(/9012345678|1234-5678/);
  });

  it('is refused by the table itself on a final row', () => {
    const { db } = storeOn(freshFile());
    const body = JSON.stringify({ newPhone: { ...PHONE, lastTwo: '78' } });
    expect(() =>
      db
        .prepare(
          `INSERT INTO reset_requests (id, tenant_id, requester_aad_object_id, state, created_at, updated_at, etag, body)
           VALUES ('REQ-AB2345', 't', 'p', 'DONE', 'c', 'u', 'e', ?)`,
        )
        .run(body),
    ).toThrow(/CHECK/);
  });
});

describe('SqliteRequestStore: two processes racing', () => {
  it('lets exactly one of two processes win the same compare-and-swap', async () => {
    const file = freshFile();
    const { store } = storeOn(file);
    const created = await store.create(pending());
    const goFile = folder.path(`go-${counter}`);

    const racers = [0, 1].map(() =>
      startChild(['request-cas', file, created.request.id, created.eTag, goFile]),
    );
    try {
      // Both have opened the file and prepared their update before either may write.
      for (const racer of racers) {
        expect(await racer.next()).toEqual({ ready: true });
      }
      writeFileSync(goFile, 'go');
      const outcomes = await Promise.all(racers.map((racer) => racer.next()));
      await Promise.all(racers.map((racer) => racer.exited));

      expect(outcomes.filter((o) => o.ok === true)).toHaveLength(1);
      expect(outcomes.filter((o) => o.ok === false)).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);

      const winner = outcomes.find((o) => o.ok === true);
      const stored = await store.get(created.request.id);
      expect(stored?.eTag).toBe(winner?.eTag);
      expect(stored?.request.state).toBe('APPROVED');
      expect(stored?.request.history.filter((h) => h.to === 'APPROVED')).toEqual([
        expect.objectContaining({ actorId: `pid-${String(winner?.pid)}` }),
      ]);
    } finally {
      for (const racer of racers) {
        racer.process.kill();
      }
    }
  });

  it('refuses a second open request created from another process', async () => {
    const file = freshFile();
    const { store } = storeOn(file);
    const first = await store.create(pending('user-1'));
    // A second connection stands in for another bot instance: the index, not process memory, decides.
    const other = storeOn(file).store;
    const error = await caught(other.create(pending('user-1')));
    expect(openRequestIdFromConflict(error)).toBe(first.request.id);
  });
});
