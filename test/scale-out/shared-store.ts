/**
 * One store several bot processes share, on each backend: the settings that point a bot at it,
 * the stores opened in the test process through the same factory the bots use, and its raw bytes
 * on disk for the secret scans (SQLite: the file and its WAL; Azure: Azurite's whole data folder).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../../src/config';
import { openStores } from '../../src/adapters/stores';
import type { Stores } from '../../src/ports/stores';
import { createLogger } from '../../src/log';
import { azuriteEnvironment, startAzurite } from '../../tools/azurite/launch';
import { testConfig } from '../support/test-config';

export type Backend = 'sqlite' | 'azure';

/** Every backend the scale-out tests run on. */
export const BACKENDS: readonly Backend[] = ['sqlite', 'azure'];

export interface SharedStore {
  readonly backend: Backend;
  /** What a bot process needs to open this store. */
  readonly env: Environment;
  /** The same stores the bots open, opened here through the same factory. */
  readonly stores: Stores;
  /** The audit key the bots chain with (the test configuration's). */
  readonly auditKey: string;
  /**
   * Every byte the backend keeps on disk. Azurite writes its databases out when it stops, so on
   * Azure this stops the emulator first: call it last, once the bots are gone.
   */
  rawBytes(): Promise<Buffer>;
  close(): Promise<void>;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

export async function openSharedStore(backend: Backend): Promise<SharedStore> {
  const folder = mkdtempSync(join(tmpdir(), 'helpdesk-scale-out-'));
  const logger = createLogger({ level: 'silent' });
  if (backend === 'sqlite') {
    const file = join(folder, 'helpdesk.sqlite');
    const env = { HELPDESK_SQLITE_PATH: file };
    const config = testConfig(env);
    const stores = openStores(config, { logger });
    const fileBytes = (): Promise<Buffer> =>
      Promise.resolve(
        Buffer.concat(
          [file, `${file}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)),
        ),
      );
    return {
      backend,
      env,
      stores,
      auditKey: config.auditKey,
      rawBytes: fileBytes,
      close: async () => {
        await stores.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  const azurite = await startAzurite({ location: join(folder, 'azurite') });
  const env = azuriteEnvironment(azurite);
  const config = testConfig(env);
  const stores = openStores(config, { logger });
  // Creates the tables and the container before two bots race to.
  await stores.ping();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await stores.close();
    await azurite.stop();
  };
  return {
    backend,
    env,
    stores,
    auditKey: config.auditKey,
    rawBytes: async () => {
      await close();
      return Buffer.concat(filesUnder(azurite.location).map((path) => readFileSync(path)));
    },
    close: async () => {
      await close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
