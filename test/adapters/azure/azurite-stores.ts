import { TableClient } from '@azure/data-tables';
import type { AzureStorageConfig } from '../../../src/config';
import { openAzureStores } from '../../../src/adapters/azure';
import type { Stores } from '../../../src/ports/stores';
import type { Logger } from '../../../src/log';

/** What the contract suites open a backend with (their `StoreDeps`). */
export interface OpenDeps {
  logger: Logger;
  auditSecret: string;
}

const configs = new WeakMap<Stores, AzureStorageConfig>();
let counter = 0;

/** A fresh set of tables and a container on the account, so tests never see each other's data. */
export function freshStorageConfig(connectionString: string): AzureStorageConfig {
  counter += 1;
  const tag = `${Date.now().toString(36)}${counter}`;
  return {
    kind: 'azure',
    connection: { kind: 'connectionString', connectionString },
    blobContainer: `t-${tag}`,
    tablePrefix: `t${tag}`,
    createResources: true,
  };
}

export function openOn(storage: AzureStorageConfig, deps: OpenDeps): Stores {
  const stores = openAzureStores({ storage, auditKey: deps.auditSecret }, { logger: deps.logger });
  configs.set(stores, storage);
  return stores;
}

/** The storage config `stores` were opened with by this helper. */
export function configOf(stores: Stores): AzureStorageConfig {
  const config = configs.get(stores);
  if (config === undefined) throw new Error('not opened by the Azurite helper');
  return config;
}

/** The ledger table of `stores`, for tests that reach past the ports (tampering, racing). */
export function ledgerTable(stores: Stores): TableClient {
  const config = configOf(stores);
  if (config.connection.kind !== 'connectionString') throw new Error('Azurite uses a connection string');
  return TableClient.fromConnectionString(config.connection.connectionString, `${config.tablePrefix}Ledger`, {
    allowInsecureConnection: true,
  });
}

/** A contract backend on the Azurite whose connection string `connection` returns once it runs. */
export function azureBackendOn(connection: () => string): {
  name: string;
  open(deps: OpenDeps): Promise<Stores>;
  openPeer(stores: Stores, deps: OpenDeps): Promise<Stores>;
} {
  return {
    name: 'Azure (Azurite)',
    open: async (deps) => {
      const stores = openOn(freshStorageConfig(connection()), deps);
      // Readiness: the tables and the container exist before the test starts.
      await stores.ping();
      return stores;
    },
    openPeer: async (stores, deps) => {
      const peer = openOn(configOf(stores), deps);
      await peer.ping();
      return peer;
    },
  };
}
