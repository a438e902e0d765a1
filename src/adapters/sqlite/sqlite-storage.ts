import type { Storage, StoreItems } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors';
import { prepareItem } from '../bot-state-items';
import { asPromise } from './as-promise';
import { toStorageError, truncateWal, type SqliteDatabase } from './database';

interface StateRow {
  key: string;
  value: string;
  etag: string;
}

/**
 * botbuilder `Storage` on the shared SQLite file, with the semantics of botbuilder's own stores:
 * missing keys are absent from a read, every write gets a new eTag, a write carrying an eTag
 * other than `*` must match the stored one, and deleting a missing key is not an error.
 *
 * Two deliberate differences from `MemoryStorage`, both matching `BlobsStorage`: a batch write is
 * all-or-nothing (one transaction), and a write carrying a concrete eTag for a key that no longer
 * exists is a conflict, because the version the writer read is gone.
 */
export class SqliteStorage implements Storage {
  private readonly selectMany;
  private readonly selectETag;
  private readonly upsert;
  private readonly deleteMany;
  private readonly deleteStale;

  constructor(private readonly db: SqliteDatabase) {
    // json_each lets one statement take any number of keys without hitting the bound-parameter limit.
    this.selectMany = db.prepare<[string], StateRow>(
      'SELECT key, value, etag FROM bot_state WHERE key IN (SELECT value FROM json_each(?))',
    );
    this.selectETag = db.prepare<[string], string>('SELECT etag FROM bot_state WHERE key = ?').pluck();
    this.upsert = db.prepare<[string, string, string, string]>(
      `INSERT INTO bot_state (key, value, etag, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
    );
    // botbuilder's ConversationState keys are `{channelId}/conversations/{conversationId}/`.
    this.deleteStale = db.prepare<[string]>(
      "DELETE FROM bot_state WHERE key LIKE '%/conversations/%' AND updated_at < ?",
    );
    this.deleteMany = db.prepare<[string]>(
      'DELETE FROM bot_state WHERE key IN (SELECT value FROM json_each(?))',
    );
  }

  /**
   * Deletes the conversation state (dialog stacks, drafts) last written before `before`: an
   * abandoned intake must not keep the number it was given. User state (the language) stays.
   * Returns how many conversations were wiped.
   */
  deleteStaleConversations(before: Date): Promise<number> {
    return asPromise(() => {
      let wiped: number;
      try {
        wiped = this.deleteStale.run(before.toISOString()).changes;
      } catch (error) {
        throw toStorageError(error, 'Deleting stale conversation state failed.');
      }
      if (wiped > 0) truncateWal(this.db);
      return wiped;
    });
  }

  /**
   * Empties the WAL, whose earlier page images still hold what a write replaced (an expired draft's
   * number); `secure_delete` takes care of the main file.
   */
  wipeTraces(): Promise<void> {
    return asPromise(() => {
      truncateWal(this.db);
    });
  }

  read(keys: string[]): Promise<StoreItems> {
    return asPromise(() => {
      if (!keys) {
        throw new ReferenceError('Keys are required when reading.');
      }
      const items: StoreItems = {};
      if (keys.length === 0) {
        return items;
      }
      let rows: StateRow[];
      try {
        rows = this.selectMany.all(JSON.stringify(keys));
      } catch (error) {
        throw toStorageError(error, 'Reading bot state failed.');
      }
      for (const row of rows) {
        items[row.key] = { ...(JSON.parse(row.value) as Record<string, unknown>), eTag: row.etag };
      }
      return items;
    });
  }

  write(changes: StoreItems): Promise<void> {
    return asPromise(() => {
      if (!changes) {
        throw new ReferenceError('Changes are required when writing.');
      }
      // Serialise before the transaction so a bad item fails the batch without taking a lock.
      const prepared = Object.entries(changes as Record<string, unknown>).map(([key, item]) =>
        prepareItem(key, item),
      );
      if (prepared.length === 0) {
        return;
      }
      const writeAll = this.db.transaction(() => {
        const now = new Date().toISOString();
        for (const { key, value, expectedETag } of prepared) {
          if (expectedETag !== undefined && this.selectETag.get(key) !== expectedETag) {
            throw new AppError('CONFLICT', `Storage: error writing "${key}" due to eTag conflict.`, {
              details: [key],
            });
          }
          this.upsert.run(key, value, randomUUID(), now);
        }
      });
      try {
        // IMMEDIATE takes the write lock before the eTag check, so another process cannot slip a
        // write in between the check and the update.
        writeAll.immediate();
      } catch (error) {
        throw toStorageError(error, 'Writing bot state failed.');
      }
    });
  }

  delete(keys: string[]): Promise<void> {
    return asPromise(() => {
      if (!keys) {
        throw new ReferenceError('Keys are required when deleting.');
      }
      if (keys.length === 0) {
        return;
      }
      try {
        this.deleteMany.run(JSON.stringify(keys));
      } catch (error) {
        throw toStorageError(error, 'Deleting bot state failed.');
      }
    });
  }
}
