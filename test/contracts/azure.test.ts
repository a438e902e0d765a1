import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stores } from '../../src/ports/stores';
import { startAzurite, type RunningAzurite } from '../../tools/azurite/launch';
import { azureBackendOn, ledgerTable } from '../adapters/azure/azurite-stores';
import type { ContractBackend } from './backend';
import { auditContract } from './audit.contract';
import { botStateContract } from './bot-state.contract';
import { leasesContract } from './leases.contract';
import { outcomesContract } from './outcomes.contract';
import { referencesContract } from './references.contract';
import { requestsContract } from './requests.contract';
import { searchContract } from './search.contract';
import { storesContract } from './stores.contract';
import { transcriptsContract } from './transcripts.contract';
import { auditRow, LEDGER_PARTITION } from '../../src/adapters/azure/ledger';

/** The contract suites, unchanged, on the Azure backend against Azurite on loopback. */
const folder = mkdtempSync(join(tmpdir(), 'helpdesk-azurite-contract-'));
let azurite: RunningAzurite | undefined;

beforeAll(async () => {
  azurite = await startAzurite({ location: join(folder, 'azurite') });
});

const backend = azureBackendOn(() => {
  if (azurite === undefined) throw new Error('Azurite has not started');
  return azurite.connectionString;
});

const azure: ContractBackend = {
  ...backend,
  tamper: {
    editData: async (stores: Stores, seq: number, data: Record<string, unknown>) => {
      const table = ledgerTable(stores);
      const {
        etag: _etag,
        timestamp: _timestamp,
        ...row
      } = await table.getEntity(LEDGER_PARTITION, auditRow(seq));
      await table.updateEntity(
        {
          ...row,
          partitionKey: LEDGER_PARTITION,
          rowKey: auditRow(seq),
          data0: JSON.stringify(data),
          dataParts: 1,
        },
        'Replace',
      );
    },
    remove: async (stores: Stores, seq: number) => {
      await ledgerTable(stores).deleteEntity(LEDGER_PARTITION, auditRow(seq));
    },
  },
  cleanup: async () => {
    await azurite?.stop();
    rmSync(folder, { recursive: true, force: true });
  },
};

afterAll(() => azure.cleanup());

storesContract(azure);
botStateContract(azure);
requestsContract(azure);
auditContract(azure);
transcriptsContract(azure);
referencesContract(azure);
outcomesContract(azure);
searchContract(azure);
leasesContract(azure);
