import { verifyChainAsync, type AuditEvent, type AuditEventType } from '../../src/domain/audit';
import { transition } from '../../src/domain/request-lifecycle';
import {
  FINAL_STATES,
  newRequestId,
  type FinalState,
  type RequestState,
  type ResetRequest,
} from '../../src/domain/reset-request';
import { isAppError } from '../../src/errors';
import {
  OPEN_REQUEST_EXISTS,
  REQUEST_ID_TAKEN,
  openRequestIdFromConflict,
  type RequestStore,
  type StoredRequest,
} from '../../src/ports/request-store';
import { CONTRACT_AUDIT_SECRET, caught, settleAll, useBackend, type ContractBackend } from './backend';
import { ADMIN, PHONE_PATTERN, pending } from './fixtures';

/** The states a record passes through on its way to `final`, each set by hand (no `transition`). */
function pathTo(final: FinalState): RequestState[] {
  return ['DONE', 'PARTIAL', 'FAILED'].includes(final) ? ['APPROVED', 'EXECUTING', final] : [final];
}

/** Every page of the iteration, read as a consumer reads them: one at a time, to the end. */
async function allPages(pages: AsyncIterable<StoredRequest[]>): Promise<StoredRequest[][]> {
  const read: StoredRequest[][] = [];
  for await (const page of pages) read.push(page);
  return read;
}

const byId = (a: StoredRequest, b: StoredRequest): number =>
  a.request.id < b.request.id ? -1 : a.request.id > b.request.id ? 1 : 0;

function event(type: AuditEventType, requestId: string, data: Record<string, unknown> = {}): AuditEvent {
  return { type, requestId, actor: ADMIN, data };
}

/** `RequestStore`: compare-and-swap records, one open request per person, audit written with the change. */
export function requestsContract(backend: ContractBackend): void {
  describe(`${backend.name}: requests`, () => {
    const ctx = useBackend(backend);
    let store: RequestStore;
    beforeEach(() => {
      store = ctx.stores.requests;
    });

    async function approve(created: StoredRequest): Promise<StoredRequest> {
      return store.update(transition(created.request, 'APPROVED', ADMIN, new Date()), created.eTag);
    }

    it('creates a record and reads it back with its eTag', async () => {
      const request = pending();
      const created = await store.create(request);
      expect(created).toEqual({ request, eTag: expect.any(String) });
      expect(await store.get(request.id)).toEqual(created);
      expect(await store.get(newRequestId())).toBeUndefined();
    });

    it('refuses a taken id, distinguishable from an open request', async () => {
      const first = await store.create(pending({ aadObjectId: 'user-1' }));
      const error = await caught(store.create(pending({ aadObjectId: 'user-2', id: first.request.id })));
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual([REQUEST_ID_TAKEN, first.request.id]);
      expect(openRequestIdFromConflict(error)).toBeUndefined();
      expect(await store.get(first.request.id)).toEqual(first);
      expect(await store.findOpenByRequester('user-2')).toBeUndefined();
    });

    it('refuses a second open request of the same person, naming the first; others are unaffected', async () => {
      const first = await store.create(pending({ aadObjectId: 'user-1' }));
      const second = pending({ aadObjectId: 'user-1' });
      const error = await caught(store.create(second));
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual([OPEN_REQUEST_EXISTS, first.request.id]);
      expect(await store.get(second.id)).toBeUndefined();
      await expect(store.create(pending({ aadObjectId: 'user-2' }))).resolves.toBeDefined();
    });

    it('lets the person file again once the open request is final, and finds only the open one', async () => {
      const first = await store.create(pending({ aadObjectId: 'user-1' }));
      expect(await store.findOpenByRequester('user-1')).toEqual(first);
      expect(await store.findOpenByRequester('user-2')).toBeUndefined();
      await store.update(transition(first.request, 'CANCELLED', ADMIN, new Date()), first.eTag);
      expect(await store.findOpenByRequester('user-1')).toBeUndefined();
      const again = await store.create(pending({ aadObjectId: 'user-1' }));
      expect(await store.findOpenByRequester('user-1')).toEqual(again);
    });

    it('keeps one open request per person when several instances file at once: exactly one wins', async () => {
      const instances = [store, (await ctx.peer()).requests, (await ctx.peer()).requests];
      const attempts = Array.from({ length: 12 }, (_, i) =>
        instances[i % instances.length].create(pending({ aadObjectId: 'racer' })),
      );
      const { won, lost } = await settleAll(attempts);
      expect(won).toHaveLength(1);
      expect(lost.map(openRequestIdFromConflict)).toEqual(Array(11).fill(won[0].request.id));
      expect(await store.findOpenByRequester('racer')).toEqual(won[0]);
      expect(await store.countCreatedSince('racer', new Date(0))).toBe(1);
    });

    it('gives a contested id to exactly one of several instances', async () => {
      const id = newRequestId();
      const instances = [store, (await ctx.peer()).requests];
      const { won, lost } = await settleAll(
        Array.from({ length: 6 }, (_, i) =>
          instances[i % instances.length].create(pending({ aadObjectId: `person-${i}`, id })),
        ),
      );
      expect(won).toHaveLength(1);
      expect(lost.every((e) => isAppError(e, 'CONFLICT') && e.details[0] === REQUEST_ID_TAKEN)).toBe(true);
      expect(await store.get(id)).toEqual(won[0]);
    });

    it('compare-and-swaps: the current eTag wins with a new eTag, a stale one conflicts and changes nothing', async () => {
      const created = await store.create(pending());
      const approved = transition(created.request, 'APPROVED', ADMIN, new Date());
      const updated = await store.update(approved, created.eTag);
      expect(updated.request).toEqual(approved);
      expect(updated.eTag).not.toBe(created.eTag);
      expect(await store.get(approved.id)).toEqual(updated);

      const denied = transition(created.request, 'DENIED', ADMIN, new Date());
      expect((await caught(store.update(denied, created.eTag))).code).toBe('CONFLICT');
      expect(await store.get(approved.id)).toEqual(updated);
    });

    it('lets exactly one of many concurrent compare-and-swaps win, across instances', async () => {
      const created = await store.create(pending());
      const instances = [store, (await ctx.peer()).requests, (await ctx.peer()).requests];
      const { won, lost } = await settleAll(
        Array.from({ length: 30 }, (_, i) =>
          instances[i % instances.length].update(
            transition(created.request, 'APPROVED', { id: `admin-${i}`, name: `Admin ${i}` }, new Date()),
            created.eTag,
          ),
        ),
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(29);
      expect(lost.every((e) => isAppError(e, 'CONFLICT'))).toBe(true);
      const stored = await store.get(created.request.id);
      expect(stored).toEqual(won[0]);
      expect(stored?.request.history.filter((h) => h.to === 'APPROVED')).toHaveLength(1);
    });

    it('refuses a state change the lifecycle does not allow, even with the right eTag', async () => {
      const created = await store.create(pending());
      const skipped = { ...created.request, state: 'EXECUTING' } as ResetRequest;
      expect((await caught(store.update(skipped, created.eTag))).code).toBe('CONFLICT');
      const cancelled = await store.update(
        transition(created.request, 'CANCELLED', ADMIN, new Date()),
        created.eTag,
      );
      const reopened = { ...cancelled.request, state: 'PENDING' } as ResetRequest;
      expect((await caught(store.update(reopened, cancelled.eTag))).code).toBe('CONFLICT');
      expect(await store.get(created.request.id)).toEqual(cancelled);
    });

    it('allows an update that keeps the state (execution steps recorded on the way)', async () => {
      const approved = await approve(await store.create(pending()));
      const executing = await store.update(
        transition(approved.request, 'EXECUTING', ADMIN, new Date()),
        approved.eTag,
      );
      const withStep: ResetRequest = {
        ...executing.request,
        execution: { steps: [{ name: 'delete-phone', status: 'started', at: new Date().toISOString() }] },
      };
      const stepped = await store.update(withStep, executing.eTag);
      expect(stepped.request).toEqual(withStep);
      expect(await store.get(withStep.id)).toEqual(stepped);
    });

    it('refuses to change who a request is for or when it was made', async () => {
      const created = await store.create(pending({ aadObjectId: 'user-1' }));
      const changes: ResetRequest[] = [
        { ...created.request, requester: { ...created.request.requester, aadObjectId: 'someone-else' } },
        { ...created.request, tenantId: 'another-tenant' },
        { ...created.request, createdAt: '2020-01-01T00:00:00.000Z' },
      ];
      for (const changed of changes) {
        expect((await caught(store.update(changed, created.eTag))).code).toBe('BAD_REQUEST');
      }
      expect(await store.get(created.request.id)).toEqual(created);
    });

    it('stores records under request ids only', async () => {
      for (const id of ['123456', 'REQ-12345', '090-1234-5678']) {
        expect((await caught(store.create({ ...pending(), id }))).code).toBe('BAD_REQUEST');
      }
      expect(await store.listByState(['PENDING'])).toEqual([]);
    });

    it('reports an update of an unknown id as NOT_FOUND and creates nothing', async () => {
      const ghost = pending();
      expect((await caught(store.update(ghost, 'any-etag'))).code).toBe('NOT_FOUND');
      expect(await store.get(ghost.id)).toBeUndefined();
    });

    it.each(FINAL_STATES)(
      'keeps only the last two digits once a record is %s, even if the caller left the number in',
      async (final) => {
        let stored = await store.create(pending());
        expect(JSON.stringify(stored.request)).toMatch(PHONE_PATTERN);
        for (const state of pathTo(final)) {
          // A record with its state set by hand keeps the full number: the store must still wipe it.
          stored = await store.update({ ...stored.request, state } as ResetRequest, stored.eTag);
        }
        expect(stored.request.state).toBe(final);
        expect(stored.request.newPhone).toEqual({ lastTwo: '78' });
        const read = await store.get(stored.request.id);
        expect(read).toEqual(stored);
        expect(JSON.stringify(read)).not.toMatch(PHONE_PATTERN);
        expect(JSON.stringify(await store.listByState([final]))).not.toMatch(PHONE_PATTERN);
        expect(JSON.stringify(await ctx.stores.search.search({}))).not.toMatch(PHONE_PATTERN);
      },
    );

    it('writes the audit records of a change with it, on the chain the audit log verifies', async () => {
      const created = await store.create(pending());
      const id = created.request.id;
      await ctx.stores.audit.append(event('request.created', id));
      const approved = await store.update(
        transition(created.request, 'APPROVED', ADMIN, new Date()),
        created.eTag,
        [event('request.approved', id, { verification: 'video_call' }), event('request.viewed', id)],
      );
      await store.update(transition(approved.request, 'EXECUTING', ADMIN, new Date()), approved.eTag, [
        event('request.executing', id),
      ]);

      const records = await ctx.stores.audit.list({ requestId: id });
      expect(records.map((r) => [r.seq, r.type])).toEqual([
        [1, 'request.created'],
        [2, 'request.approved'],
        [3, 'request.viewed'],
        [4, 'request.executing'],
      ]);
      expect(records[1].data).toEqual({ verification: 'video_call' });
      expect(await ctx.stores.audit.head()).toEqual({ seq: 4, hash: records[3].hash });
      expect(ctx.loggedHeads().pop()).toEqual({ seq: 4, hash: records[3].hash });
      const verified = await verifyChainAsync(
        ctx.stores.audit.all(),
        CONTRACT_AUDIT_SECRET,
        ctx.loggedHeads(),
      );
      expect(verified).toEqual({ ok: true, count: 4, head: { seq: 4, hash: records[3].hash } });
    });

    it('writes no audit record when the change is refused', async () => {
      const created = await store.create(pending());
      const id = created.request.id;
      const approved = await approve(created);
      const stale = store.update(transition(created.request, 'DENIED', ADMIN, new Date()), created.eTag, [
        event('request.denied', id),
      ]);
      expect((await caught(stale)).code).toBe('CONFLICT');
      const skipping = { ...approved.request, state: 'DONE' } as ResetRequest;
      expect((await caught(store.update(skipping, approved.eTag, [event('request.settled', id)]))).code).toBe(
        'CONFLICT',
      );
      expect((await caught(store.update(pending(), 'any', [event('request.approved', id)]))).code).toBe(
        'NOT_FOUND',
      );
      expect(await ctx.stores.audit.head()).toBeUndefined();
      expect(ctx.loggedHeads()).toEqual([]);
      expect(await store.get(id)).toEqual(approved);
    });

    it('makes no change when its audit record cannot be written', async () => {
      const created = await store.create(pending());
      const invalid = { type: 'request.teleported', requestId: created.request.id, actor: ADMIN } as unknown;
      const update = store.update(transition(created.request, 'APPROVED', ADMIN, new Date()), created.eTag, [
        event('request.approved', created.request.id),
        invalid as AuditEvent,
      ]);
      await expect(update).rejects.toThrow();
      expect(await store.get(created.request.id)).toEqual(created);
      expect(await ctx.stores.audit.head()).toBeUndefined();
    });

    it('lists by state oldest first, with an optional limit', async () => {
      const a = await store.create(pending({ aadObjectId: 'user-a', at: new Date('2025-01-03T00:00:00Z') }));
      const b = await store.create(pending({ aadObjectId: 'user-b', at: new Date('2025-01-01T00:00:00Z') }));
      const c = await store.create(pending({ aadObjectId: 'user-c', at: new Date('2025-01-02T00:00:00Z') }));
      const approvedC = await approve(c);

      expect(await store.listByState(['PENDING'])).toEqual([b, a]);
      expect(await store.listByState(['PENDING', 'APPROVED'])).toEqual([b, approvedC, a]);
      expect(await store.listByState(['PENDING', 'APPROVED'], 2)).toEqual([b, approvedC]);
      expect(await store.listByState(['PENDING'], 0)).toEqual([]);
      expect(await store.listByState(['DONE'])).toEqual([]);
      expect(await store.listByState([])).toEqual([]);
    });

    /** `count` pending requests of different people, a minute apart, oldest first. */
    async function pendingRequests(count: number): Promise<StoredRequest[]> {
      const created: StoredRequest[] = [];
      for (let i = 0; i < count; i++) {
        const at = new Date(Date.UTC(2025, 0, 1, 0, i));
        created.push(await store.create(pending({ aadObjectId: `pager-${i}`, at })));
      }
      return created;
    }

    it('pages through every request in the states exactly once, no page over the size or empty', async () => {
      const waiting = await pendingRequests(7);
      const approved = await approve(await store.create(pending({ aadObjectId: 'other-1' })));
      const cancelled = await store.create(pending({ aadObjectId: 'other-2' }));
      await store.update(transition(cancelled.request, 'CANCELLED', ADMIN, new Date()), cancelled.eTag);

      const pages = await allPages(store.pagesByState(['PENDING'], 3));
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(pages.every((page) => page.length >= 1 && page.length <= 3)).toBe(true);
      expect(pages.flat().sort(byId)).toEqual([...waiting].sort(byId));

      const open = (await allPages(store.pagesByState(['APPROVED', 'PENDING', 'PENDING'], 3))).flat();
      expect(open.sort(byId)).toEqual([...waiting, approved].sort(byId));
      expect((await allPages(store.pagesByState(['PENDING'], 5000))).flat().sort(byId)).toEqual(
        [...waiting].sort(byId),
      );
    });

    it('pages through nothing for no states or no match', async () => {
      await pendingRequests(2);
      expect(await allPages(store.pagesByState([], 3))).toEqual([]);
      expect(await allPages(store.pagesByState(['DONE', 'EXPIRED'], 3))).toEqual([]);
    });

    it.each([0, -1, 1.5, Number.NaN])('refuses a page size of %p', async (pageSize) => {
      await pendingRequests(1);
      expect((await caught(allPages(store.pagesByState(['PENDING'], pageSize)))).code).toBe('BAD_REQUEST');
    });

    it('neither skips nor repeats a request that stays in its state while others change under the pages', async () => {
      const created = await pendingRequests(7);
      const seen: StoredRequest[] = [];
      let approvedId: string | undefined;
      let reminded: StoredRequest | undefined;
      for await (const page of store.pagesByState(['PENDING'], 3)) {
        seen.push(...page);
        if (approvedId !== undefined) continue;
        // After the first page: one yielded request and one still ahead leave the state, and one
        // still ahead is updated in place (a reminder noted), taking a new eTag.
        const ahead = created.filter((c) => !seen.some((s) => s.request.id === c.request.id));
        const [gone] = page;
        await store.update(transition(gone.request, 'CANCELLED', ADMIN, new Date()), gone.eTag);
        approvedId = (await approve(ahead[0])).request.id;
        const kept = ahead[1];
        const at = new Date().toISOString();
        reminded = await store.update({ ...kept.request, reminderSentAt: at }, kept.eTag);
      }
      const ids = seen.map((s) => s.request.id);
      expect(new Set(ids).size).toBe(ids.length);
      const staying = created.map((c) => c.request.id).filter((id) => id !== approvedId);
      expect(ids.filter((id) => id !== approvedId).sort()).toEqual(staying.sort());
      expect(seen.find((s) => s.request.id === reminded?.request.id)).toEqual(reminded);
    });

    it('counts the requests created since a time (inclusive), per person and for everyone', async () => {
      const old = await store.create(
        pending({ aadObjectId: 'user-1', at: new Date('2024-12-20T00:00:00Z') }),
      );
      await store.update(transition(old.request, 'EXPIRED', ADMIN, new Date()), old.eTag);
      const mid = await store.create(
        pending({ aadObjectId: 'user-1', at: new Date('2025-01-02T00:00:00Z') }),
      );
      await store.update(transition(mid.request, 'CANCELLED', ADMIN, new Date()), mid.eTag);
      await store.create(pending({ aadObjectId: 'user-1', at: new Date('2025-01-05T00:00:00Z') }));
      await store.create(pending({ aadObjectId: 'user-2', at: new Date('2025-01-05T00:00:00Z') }));

      expect(await store.countCreatedSince('user-1', new Date('2025-01-02T00:00:00Z'))).toBe(2);
      expect(await store.countCreatedSince('user-1', new Date('2025-01-02T00:00:00.001Z'))).toBe(1);
      expect(await store.countCreatedSince('user-1', new Date('2024-01-01T00:00:00Z'))).toBe(3);
      expect(await store.countCreatedSince('nobody', new Date(0))).toBe(0);
      expect(await store.countAllCreatedSince(new Date('2025-01-05T00:00:00Z'))).toBe(2);
      expect(await store.countAllCreatedSince(new Date(0))).toBe(4);
      expect(await store.countAllCreatedSince(new Date('2030-01-01T00:00:00Z'))).toBe(0);
    });
  });
}
