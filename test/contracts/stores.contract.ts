import { useBackend, type ContractBackend } from './backend';

/** `Stores` as a whole: what the readiness probe and the composition root rely on. */
export function storesContract(backend: ContractBackend): void {
  describe(`${backend.name}: the stores together`, () => {
    const ctx = useBackend(backend);

    it('answers the readiness probe and names its backend', async () => {
      await expect(ctx.stores.ping()).resolves.toBeUndefined();
      expect(['sqlite', 'azure']).toContain(ctx.stores.backend);
      const peer = await ctx.peer();
      await expect(peer.ping()).resolves.toBeUndefined();
      expect(peer.backend).toBe(ctx.stores.backend);
    });
  });
}
