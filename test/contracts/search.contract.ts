import { transition } from '../../src/domain/request-lifecycle';
import type { ResetRequest } from '../../src/domain/reset-request';
import { useBackend, type ContractBackend } from './backend';
import { ADMIN, pending } from './fixtures';

const ids = (requests: readonly ResetRequest[]): string[] => requests.map((r) => r.id);

/** `RequestSearch`: the reviewer's filters over every request, newest first, in pages. */
export function searchContract(backend: ContractBackend): void {
  describe(`${backend.name}: request search`, () => {
    const ctx = useBackend(backend);

    /** Five requests of three people over five days; the second is denied, the fourth approved. */
    async function seed(): Promise<ResetRequest[]> {
      const people = [
        { aadObjectId: 'AAD-Hanako', name: 'Tanaka Hanako' },
        { aadObjectId: 'aad-ken', name: 'Ken Suzuki' },
        { aadObjectId: 'aad-hanako-2', name: 'Hanako Yamada' },
        { aadObjectId: 'aad-ken-2', name: '鈴木 健' },
        { aadObjectId: 'aad-olivia', name: 'Olivia Brown' },
      ];
      const stored: ResetRequest[] = [];
      for (const [i, person] of people.entries()) {
        const created = await ctx.stores.requests.create(
          pending({ ...person, at: new Date(Date.UTC(2025, 0, 1 + i, 9)) }),
        );
        const to = i === 1 ? 'DENIED' : i === 3 ? 'APPROVED' : undefined;
        stored.push(
          to === undefined
            ? created.request
            : (
                await ctx.stores.requests.update(
                  transition(created.request, to, ADMIN, new Date()),
                  created.eTag,
                )
              ).request,
        );
      }
      return stored;
    }

    it('finds everything newest first, the records as stored', async () => {
      const [r1, r2, r3, r4, r5] = await seed();
      expect(await ctx.stores.search.search({})).toEqual([r5, r4, r3, r2, r1]);
      expect(await (await ctx.peer()).search.search({})).toEqual([r5, r4, r3, r2, r1]);
    });

    it('filters by state', async () => {
      const [r1, r2, r3, r4, r5] = await seed();
      expect(ids(await ctx.stores.search.search({ states: ['PENDING'] }))).toEqual(ids([r5, r3, r1]));
      expect(ids(await ctx.stores.search.search({ states: ['DENIED', 'APPROVED'] }))).toEqual(ids([r4, r2]));
      expect(await ctx.stores.search.search({ states: ['DONE'] })).toEqual([]);
    });

    it('matches a person by exact object id or by part of the display name, ignoring case', async () => {
      const [r1, r2, r3, r4] = await seed();
      expect(ids(await ctx.stores.search.search({ person: 'AAD-Hanako' }))).toEqual(ids([r1]));
      expect(ids(await ctx.stores.search.search({ person: 'hanako' }))).toEqual(ids([r3, r1]));
      expect(ids(await ctx.stores.search.search({ person: 'SUZUKI' }))).toEqual(ids([r2]));
      expect(ids(await ctx.stores.search.search({ person: '鈴木' }))).toEqual(ids([r4]));
      // Part of an id is not a match: ids are matched whole.
      expect(await ctx.stores.search.search({ person: 'aad-o' })).toEqual([]);
      expect(await ctx.stores.search.search({ person: 'nobody' })).toEqual([]);
    });

    it('filters by creation time, since inclusive and until exclusive', async () => {
      const [r1, r2, r3, r4] = await seed();
      const since = new Date(r2.createdAt);
      const until = new Date(r4.createdAt);
      expect(ids(await ctx.stores.search.search({ since, until }))).toEqual(ids([r3, r2]));
      expect(ids(await ctx.stores.search.search({ until: since }))).toEqual(ids([r1]));
      expect(ids(await ctx.stores.search.search({ since: until, states: ['APPROVED'] }))).toEqual(ids([r4]));
    });

    it('pages with limit and offset, every request once even when created at the same time', async () => {
      const same = new Date('2025-02-01T00:00:00Z');
      for (let i = 0; i < 7; i++) {
        await ctx.stores.requests.create(pending({ aadObjectId: `same-${i}`, at: same }));
      }
      await ctx.stores.requests.create(
        pending({ aadObjectId: 'newest', at: new Date('2025-03-01T00:00:00Z') }),
      );
      const all = await ctx.stores.search.search({});
      expect(all).toHaveLength(8);
      expect(all[0].requester.aadObjectId).toBe('newest');
      const pages = [];
      for (let offset = 0; offset < 8; offset += 3) {
        pages.push(...(await ctx.stores.search.search({ limit: 3, offset })));
      }
      expect(ids(pages)).toEqual(ids(all));
      expect(await ctx.stores.search.search({ limit: 3, offset: 8 })).toEqual([]);
      expect(await ctx.stores.search.search({ limit: 0 })).toEqual([]);
    });
  });
}
