/**
 * One store several bot processes share, on each backend: the settings that point a bot at it,
 * the stores opened in the test process through the backend's own code, and its raw bytes on disk
 * for the secret scans.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../../src/config';
import { openStores } from '../../src/adapters/stores';
import type { Stores } from '../../src/ports/stores';
import { createLogger } from '../../src/log';
import { testConfig } from '../support/test-config';

export type Backend = 'sqlite' | 'azure';

/** Every backend the scale-out tests run on. */
export const BACKENDS: readonly Backend[] = ['sqlite'];

export interface SharedStore {
  readonly backend: Backend;
  /** What a bot process needs to open this store. */
  readonly env: Environment;
  /** The same stores the bots open, opened here through the same factory. */
  readonly stores: Stores;
  /** The audit key the bots chain with (the test configuration's). */
  readonly auditKey: string;
  /** Every byte the backend keeps on disk (SQLite: the file and its WAL). */
  rawBytes(): Buffer;
  close(): Promise<void>;
}

export async function openSharedStore(backend: Backend): Promise<SharedStore> {
  if (backend !== 'sqlite') throw new Error(`no shared store for ${backend} yet`);
  const folder = mkdtempSync(join(tmpdir(), 'helpdesk-scale-out-'));
  const file = join(folder, 'helpdesk.sqlite');
  const env = { HELPDESK_SQLITE_PATH: file };
  const config = testConfig(env);
  const stores = openStores(config, { logger: createLogger({ level: 'silent' }), now: () => new Date() });
  return {
    backend,
    env,
    stores,
    auditKey: config.auditKey,
    rawBytes: () =>
      Buffer.concat(
        [file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)),
      ),
    close: async () => {
      await stores.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
