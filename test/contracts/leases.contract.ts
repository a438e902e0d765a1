import type { Leases } from '../../src/ports/leases';
import { settleAll, useBackend, type ContractBackend } from './backend';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const later = (ms: number): Date => new Date(T0.getTime() + ms);
const TTL = 60_000;

/** `Leases`: one holder at a time, taken and renewed by compare-and-swap, running out on its own. */
export function leasesContract(backend: ContractBackend): void {
  describe(`${backend.name}: leases`, () => {
    const ctx = useBackend(backend);
    let leases: Leases;
    beforeEach(() => {
      leases = ctx.stores.leases;
    });

    it('takes a free lease, and refuses another owner while it is held', async () => {
      expect(await leases.tryAcquire('sweeper', 'a', TTL, T0)).toBe(true);
      expect(await leases.tryAcquire('sweeper', 'b', TTL, later(1))).toBe(false);
      expect(await leases.tryAcquire('sweeper', 'b', TTL, later(TTL - 1))).toBe(false);
      // Another name is another lease.
      expect(await leases.tryAcquire('retention', 'b', TTL, later(1))).toBe(true);
    });

    it('lets the holder renew, which moves the end of the lease', async () => {
      expect(await leases.tryAcquire('sweeper', 'a', TTL, T0)).toBe(true);
      expect(await leases.tryAcquire('sweeper', 'a', TTL, later(TTL / 2))).toBe(true);
      expect(await leases.tryAcquire('sweeper', 'b', TTL, later(TTL + 1))).toBe(false);
      expect(await leases.tryAcquire('sweeper', 'b', TTL, later(TTL / 2 + TTL + 1))).toBe(true);
    });

    it('lets another owner take the lease once it has run out', async () => {
      expect(await leases.tryAcquire('sweeper', 'a', TTL, T0)).toBe(true);
      expect(await leases.tryAcquire('sweeper', 'b', TTL, later(TTL + 1))).toBe(true);
      expect(await leases.tryAcquire('sweeper', 'a', TTL, later(TTL + 2))).toBe(false);
    });

    it('is held while now is before its end, and free from its end on', async () => {
      expect(await leases.tryAcquire('sweeper', 'a', TTL, T0)).toBe(true);
      expect(await leases.tryAcquire('sweeper', 'b', TTL, later(TTL - 1))).toBe(false);
      expect(await leases.tryAcquire('sweeper', 'b', TTL, later(TTL))).toBe(true);
    });

    it('changes nothing on a refused attempt', async () => {
      expect(await leases.tryAcquire('sweeper', 'a', TTL, T0)).toBe(true);
      // A refused attempt with a long ttl must not extend or take the lease.
      expect(await leases.tryAcquire('sweeper', 'b', 10 * TTL, later(1))).toBe(false);
      expect(await leases.tryAcquire('sweeper', 'c', TTL, later(TTL + 1))).toBe(true);
    });

    it('is released only by its owner; releasing what one does not hold does nothing', async () => {
      await expect(leases.release('sweeper', 'a')).resolves.toBeUndefined();
      expect(await leases.tryAcquire('sweeper', 'a', TTL, T0)).toBe(true);
      await leases.release('sweeper', 'b');
      expect(await leases.tryAcquire('sweeper', 'b', TTL, later(1))).toBe(false);
      await leases.release('sweeper', 'a');
      expect(await leases.tryAcquire('sweeper', 'b', TTL, later(2))).toBe(true);
      // The old owner's late release must not free the new owner's lease.
      await leases.release('sweeper', 'a');
      expect(await leases.tryAcquire('sweeper', 'c', TTL, later(3))).toBe(false);
    });

    it('gives a free lease to exactly one of many instances trying at once', async () => {
      const instances = [leases, (await ctx.peer()).leases, (await ctx.peer()).leases];
      const attempts = Array.from({ length: 12 }, (_, i) =>
        instances[i % instances.length].tryAcquire('sweeper', `owner-${i}`, TTL, T0),
      );
      const { won, lost } = await settleAll(attempts);
      expect(lost).toEqual([]);
      expect(won.filter(Boolean)).toHaveLength(1);
    });

    it('gives an expired lease to exactly one of many instances taking it over at once', async () => {
      expect(await leases.tryAcquire('sweeper', 'crashed', TTL, T0)).toBe(true);
      const instances = [leases, (await ctx.peer()).leases, (await ctx.peer()).leases];
      const attempts = Array.from({ length: 12 }, (_, i) =>
        instances[i % instances.length].tryAcquire('sweeper', `owner-${i}`, TTL, later(TTL + 1)),
      );
      const { won, lost } = await settleAll(attempts);
      expect(lost).toEqual([]);
      const winners = won.flatMap((took, i) => (took ? [`owner-${i}`] : []));
      expect(winners).toHaveLength(1);
    });
  });
}
