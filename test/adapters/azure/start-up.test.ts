import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAzureStores } from '../../../src/adapters/azure';
import { isAppError, type AppError } from '../../../src/errors';
import { createLogger } from '../../../src/log';
import { AZURITE_ACCOUNT_KEY, startAzurite, type RunningAzurite } from '../../../tools/azurite/launch';
import { freshStorageConfig } from './azurite-stores';

const folder = mkdtempSync(join(tmpdir(), 'helpdesk-azurite-start-'));
let azurite: RunningAzurite;
const AUDIT_KEY = 'start-up-test-audit-key-0123456789abcdef';

beforeAll(async () => {
  azurite = await startAzurite({ location: folder });
});

afterAll(async () => {
  await azurite.stop();
  rmSync(folder, { recursive: true, force: true });
});

function open(storage: ReturnType<typeof freshStorageConfig>): {
  stores: ReturnType<typeof openAzureStores>;
  log: string[];
} {
  const log: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => log.push(line) } });
  return { stores: openAzureStores({ storage, auditKey: AUDIT_KEY }, { logger }), log };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('Azure backend start-up check', () => {
  it('names every missing table and the container, logs it at once, and fails every call with it', async () => {
    const storage = { ...freshStorageConfig(azurite.connectionString), createResources: false };
    const { stores, log } = open(storage);
    const error = await failure(stores.ping());
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.details).toEqual(
      [
        `blob container ${storage.blobContainer} does not exist`,
        ...['Leases', 'Ledger', 'Outcomes', 'References', 'Transcripts'].map(
          (suffix) => `table ${storage.tablePrefix}${suffix} does not exist`,
        ),
      ].map((start) => expect.stringContaining(start)),
    );
    expect((await failure(stores.requests.get('REQ-7K3F9Q'))).code).toBe('CONFIG_INVALID');
    expect((await failure(stores.botState.read(['k']))).code).toBe('CONFIG_INVALID');
    expect(log.join('')).toContain('Azure storage is not usable');
  });

  it('says access is denied, and which role to grant, when the account refuses the credential', async () => {
    const wrongKey = Buffer.from('not the key of this account').toString('base64');
    const storage = freshStorageConfig(azurite.connectionString.replace(AZURITE_ACCOUNT_KEY, wrongKey));
    const { stores } = open({ ...storage, createResources: false });
    const error = await failure(stores.ping());
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`table ${storage.tablePrefix}Ledger: access denied`);
    expect(error.message).toContain('Storage Table Data Contributor');
    expect(error.message).toContain(`blob container ${storage.blobContainer}: access denied`);
    expect(error.message).toContain('Storage Blob Data Contributor');
  });

  it('creates what is missing when allowed, after which a strict start finds everything', async () => {
    const storage = freshStorageConfig(azurite.connectionString);
    await expect(open(storage).stores.ping()).resolves.toBeUndefined();
    const strict = open({ ...storage, createResources: false }).stores;
    await expect(strict.ping()).resolves.toBeUndefined();
    await expect(strict.audit.head()).resolves.toBeUndefined();
  });
});
