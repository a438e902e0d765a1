import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { AzureStorageConfig } from '../../config';
import { AppError } from '../../errors';
import { serviceCodeOf, statusOf } from './azure-errors';

export const TABLE_SUFFIXES = ['Ledger', 'Transcripts', 'References', 'Outcomes', 'Leases'] as const;
export type TableRole = (typeof TABLE_SUFFIXES)[number];

export interface AzureClients {
  tables: Record<TableRole, TableClient>;
  container: ContainerClient;
  /** `<prefix><Role>` for every table, for messages. */
  tableNames: Record<TableRole, string>;
}

/**
 * The SDK clients for one account: with a connection string (Azurite; its http endpoints need
 * `allowInsecureConnection`), or with the account URLs and the managed identity through
 * `DefaultAzureCredential` (AZURE_CLIENT_ID picks a user-assigned identity).
 */
export function createClients(config: AzureStorageConfig): AzureClients {
  const tableNames = Object.fromEntries(
    TABLE_SUFFIXES.map((suffix) => [suffix, `${config.tablePrefix}${suffix}`]),
  ) as Record<TableRole, string>;
  const { connection } = config;
  let tableFor: (name: string) => TableClient;
  let blobService: BlobServiceClient;
  if (connection.kind === 'connectionString') {
    const insecure = /(Blob|Table)Endpoint=http:/i.test(connection.connectionString);
    tableFor = (name) =>
      TableClient.fromConnectionString(connection.connectionString, name, {
        allowInsecureConnection: insecure,
      });
    blobService = BlobServiceClient.fromConnectionString(connection.connectionString);
  } else {
    const credential: TokenCredential = new DefaultAzureCredential(
      connection.clientId === undefined ? {} : { managedIdentityClientId: connection.clientId },
    );
    tableFor = (name) => new TableClient(connection.tableUrl, name, credential);
    blobService = new BlobServiceClient(connection.blobUrl, credential);
  }
  const tables = Object.fromEntries(
    TABLE_SUFFIXES.map((suffix) => [suffix, tableFor(tableNames[suffix])]),
  ) as Record<TableRole, TableClient>;
  return { tables, container: blobService.getContainerClient(config.blobContainer), tableNames };
}

/**
 * Checks at start that every table and the container exist and that the identity may use them, or
 * creates them when `createResources` is on. Throws CONFIG_INVALID naming the resource and what to
 * do: a missing table (wrong prefix or account, or a deployment that did not create it) and a
 * refused identity are operator errors, not a reason to start on an empty audit chain.
 */
export async function prepareResources(
  clients: AzureClients,
  config: AzureStorageConfig,
  abortSignal: AbortSignal,
): Promise<void> {
  const problems: string[] = [];
  await Promise.all([
    ...TABLE_SUFFIXES.map(async (role) => {
      const table = clients.tables[role];
      const name = clients.tableNames[role];
      try {
        if (config.createResources) await table.createTable({ abortSignal });
        // Any read proves the table is there and the identity may read it.
        const page = table
          .listEntities({ queryOptions: { filter: "PartitionKey eq 'start-up-check'" } })
          .byPage({
            maxPageSize: 1,
          });
        await page.next();
      } catch (error) {
        problems.push(describe(error, `table ${name}`, 'Storage Table Data Contributor'));
      }
    }),
    (async () => {
      const name = clients.container.containerName;
      try {
        if (config.createResources) await clients.container.createIfNotExists({ abortSignal });
        await clients.container
          .listBlobsFlat({ prefix: 'start-up-check/' })
          .byPage({ maxPageSize: 1 })
          .next();
      } catch (error) {
        problems.push(describe(error, `blob container ${name}`, 'Storage Blob Data Contributor'));
      }
    })(),
  ]);
  if (problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `Azure storage is not usable:\n- ${problems.sort().join('\n- ')}`, {
      details: problems,
    });
  }
}

function describe(error: unknown, what: string, role: string): string {
  const status = statusOf(error);
  const code = serviceCodeOf(error);
  if (status === 404) {
    return `${what} does not exist (deploy/azure creates it; HELPDESK_AZURE_CREATE_RESOURCES=true creates it on Azurite)`;
  }
  if (status === 403 || status === 401) {
    return `${what}: access denied (${code ?? status}); give the bot's identity the ${role} role on the account`;
  }
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `${what} cannot be reached (${[status, code].filter((part) => part !== undefined).join(' ') || reason})`;
}
