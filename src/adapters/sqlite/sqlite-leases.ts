import { leaseTerms } from '../../domain/store-guard';
import type { Leases } from '../../ports/leases';
import { asPromise } from './as-promise';
import { toStorageError, type SqliteDatabase } from './database';

/**
 * `Leases` on the shared SQLite file (migration 7). Taking a lease is one upsert whose update only
 * happens while the row is free (expired) or already ours, so the check and the write are a single
 * atomic statement, also against other processes on the same file.
 */
export class SqliteLeases implements Leases {
  private readonly take;
  private readonly drop;

  constructor(db: SqliteDatabase) {
    this.take = db.prepare<[{ name: string; owner: string; until: string; now: string }]>(
      `INSERT INTO leases (name, owner, until) VALUES (@name, @owner, @until)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
       WHERE leases.owner = excluded.owner OR leases.until <= @now`,
    );
    this.drop = db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND owner = ?');
  }

  tryAcquire(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    return asPromise(() => {
      const terms = leaseTerms(name, owner, ttlMs, now);
      try {
        return this.take.run({ name, owner, ...terms }).changes === 1;
      } catch (error) {
        throw toStorageError(error, `Taking the lease ${name} failed.`);
      }
    });
  }

  release(name: string, owner: string): Promise<void> {
    return asPromise(() => {
      try {
        this.drop.run(name, owner);
      } catch (error) {
        throw toStorageError(error, `Releasing the lease ${name} failed.`);
      }
    });
  }
}
