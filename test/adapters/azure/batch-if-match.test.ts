/**
 * Azure/Azurite#1233: Azurite has ignored If-Match on updates inside a batch. Azurite 3.35 honours
 * it, so a proxy brings the gap back, and the request and audit contracts run through it: they
 * still hold, because every compare-and-swap of the Azure backend is a create (which fails on an
 * existing key whatever If-Match says), never a conditional update inside a batch. A backend that
 * relied on the batch's If-Match would let several of the suite's concurrent compare-and-swaps win.
 */
import { TableClient } from '@azure/data-tables';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAzurite, type RunningAzurite } from '../../../tools/azurite/launch';
import type { ContractBackend } from '../../contracts/backend';
import { auditContract } from '../../contracts/audit.contract';
import { requestsContract } from '../../contracts/requests.contract';
import { azureBackendOn } from './azurite-stores';
import { startLaxBatchProxy, type LaxBatchProxy } from './lax-batch-proxy';

const folder = mkdtempSync(join(tmpdir(), 'helpdesk-azurite-lax-'));
let azurite: RunningAzurite | undefined;
let proxy: LaxBatchProxy | undefined;
let laxConnection = '';

beforeAll(async () => {
  azurite = await startAzurite({ location: folder });
  proxy = await startLaxBatchProxy(azurite.tableEndpoint);
  laxConnection = azurite.connectionString.replace(azurite.tableEndpoint, proxy.tableEndpoint);
});

afterAll(async () => {
  await proxy?.close();
  await azurite?.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe('an Azurite that ignores If-Match inside batches (Azure/Azurite#1233)', () => {
  async function staleBatchUpdate(connectionString: string): Promise<number> {
    const table = TableClient.fromConnectionString(connectionString, `canary${Date.now()}`, {
      allowInsecureConnection: true,
    });
    await table.createTable();
    const first = await table.createEntity({ partitionKey: 'p', rowKey: 'r', v: 1 });
    await table.updateEntity({ partitionKey: 'p', rowKey: 'r', v: 2 }, 'Replace');
    try {
      const response = await table.submitTransaction([
        ['update', { partitionKey: 'p', rowKey: 'r', v: 3 }, 'Replace', { etag: first.etag }],
      ]);
      return response.status;
    } catch (error) {
      return (error as { statusCode: number }).statusCode;
    }
  }

  it('is what the proxy makes of Azurite: a stale batch update goes through, directly it is refused', async () => {
    expect(await staleBatchUpdate(azurite?.connectionString ?? '')).toBe(412);
    expect(await staleBatchUpdate(laxConnection)).toBe(202);
    expect(proxy?.dropped()).toBeGreaterThan(0);
  });
});

const lax: ContractBackend = {
  ...azureBackendOn(() => laxConnection),
  name: 'Azure (Azurite ignoring If-Match in batches)',
  cleanup: () => Promise.resolve(),
};

requestsContract(lax);
auditContract(lax);
