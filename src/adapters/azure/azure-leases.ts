import type { TableClient } from '@azure/data-tables';
import { leaseTerms } from '../../domain/store-guard';
import type { Leases } from '../../ports/leases';
import { isAlreadyExists, isConditionFailed, isNotFound, toStorageError } from './azure-errors';
import { keyPart } from './entity-text';

const PARTITION = 'lease';

/**
 * `Leases` as table entities, one per name. Taking a free lease is a create (409 when another
 * instance was first); taking an expired one or renewing one's own is a single-entity Replace with
 * the eTag just read (412 when another instance changed it in between). Either way exactly one
 * instance wins, and the loser reports false.
 */
export class AzureLeases implements Leases {
  constructor(private readonly table: TableClient) {}

  async tryAcquire(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    const terms = leaseTerms(name, owner, ttlMs, now);
    const entity = { partitionKey: PARTITION, rowKey: keyPart(name), owner, until: terms.until };
    try {
      const current = await this.read(name);
      if (current === undefined) {
        await this.table.createEntity(entity);
        return true;
      }
      if (current.owner !== owner && current.until > terms.now) return false;
      await this.table.updateEntity(entity, 'Replace', { etag: current.etag });
      return true;
    } catch (error) {
      if (isAlreadyExists(error) || isConditionFailed(error) || isNotFound(error)) return false;
      throw toStorageError(error, `Taking the lease ${name} failed.`);
    }
  }

  async release(name: string, owner: string): Promise<void> {
    try {
      const current = await this.read(name);
      if (current === undefined || current.owner !== owner) return;
      await this.table.deleteEntity(PARTITION, keyPart(name), { etag: current.etag });
    } catch (error) {
      // Taken over (or released) meanwhile: it is no longer ours to give up.
      if (isConditionFailed(error) || isNotFound(error)) return;
      throw toStorageError(error, `Releasing the lease ${name} failed.`);
    }
  }

  private async read(name: string): Promise<{ owner: string; until: string; etag: string } | undefined> {
    try {
      const entity = await this.table.getEntity<{ owner: string; until: string }>(PARTITION, keyPart(name));
      return { owner: String(entity.owner), until: String(entity.until), etag: entity.etag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
