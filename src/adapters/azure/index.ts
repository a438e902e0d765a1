import type { AzureStorageConfig, Config } from '../../config';
import { toAuditKey } from '../../domain/audit';
import type { Stores, StoresDeps } from '../../ports/stores';
import { AzureAuditLog } from './azure-audit-log';
import { AzureBotState } from './azure-bot-state';
import { AzureDiagnosisOutcomes } from './azure-diagnosis-outcomes';
import { AzureLeases } from './azure-leases';
import { AzureConversationReferences } from './azure-references';
import { AzureRequestSearch } from './azure-request-search';
import { AzureRequestStore } from './azure-request-store';
import { AzureTranscriptStore } from './azure-transcript-store';
import { createClients, prepareResources } from './clients';
import { Ledger } from './ledger';

export { TABLE_SUFFIXES } from './clients';

/** What the Azure backend reads from the configuration. */
export interface AzureStoresConfig {
  storage: AzureStorageConfig;
  /** HELPDESK_AUDIT_KEY: the audit chain's HMAC secret. */
  auditKey: Config['auditKey'];
}

/**
 * Every store on one Azure Storage account: bot state in Blob storage, the rest in tables (see
 * `ledger.ts` for the requests and the audit chain). Returns at once, like the SQLite opener, so
 * the composition root stays synchronous: the start-up check (tables and container there and
 * usable, or created when `createResources` is on) runs in the background, every call waits for it,
 * and if it fails every call (and `ping`, so /readyz) fails with its message, which is also logged
 * at once.
 */
export function openAzureStores(config: AzureStoresConfig, deps: StoresDeps): Stores {
  const clients = createClients(config.storage);
  // close() stops a start-up check that is still retrying (an unreachable account).
  const stopping = new AbortController();
  const ready = prepareResources(clients, config.storage, stopping.signal);
  ready.catch((error: unknown) => {
    deps.logger.error({ err: error }, 'Azure storage is not usable; every store call will fail');
  });
  const now = deps.now ?? (() => new Date());
  const ledger = new Ledger(clients.tables.Ledger, {
    key: toAuditKey(config.auditKey),
    logger: deps.logger,
    now,
  });
  const requests = new AzureRequestStore(ledger);
  const gate = <T extends object>(store: T): T => afterReady(store, ready);
  return {
    backend: 'azure',
    botState: gate(new AzureBotState(clients.container)),
    requests: gate(requests),
    audit: gate(new AzureAuditLog(ledger)),
    transcripts: gate(new AzureTranscriptStore(clients.tables.Transcripts)),
    references: gate(new AzureConversationReferences(clients.tables.References)),
    outcomes: gate(new AzureDiagnosisOutcomes(clients.tables.Outcomes)),
    leases: gate(new AzureLeases(clients.tables.Leases)),
    search: gate(new AzureRequestSearch(requests)),
    ping: async () => {
      await ready;
      await ledger.head();
    },
    // The SDK clients hold no connections that need closing (HTTP keep-alive sockets time out).
    close: () => {
      stopping.abort();
      return Promise.resolve();
    },
  };
}

/**
 * The store with every method waiting for `ready` first: promise-returning methods chain after it,
 * async generators (the audit log's `all`) await it before their first record.
 */
function afterReady<T extends object>(store: T, ready: Promise<void>): T {
  return new Proxy(store, {
    get(target, property, receiver): unknown {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (method.constructor.name === 'AsyncGeneratorFunction') {
        return async function* (...args: unknown[]): AsyncGenerator<unknown> {
          await ready;
          yield* method.apply(target, args) as AsyncIterable<unknown>;
        };
      }
      return (...args: unknown[]): Promise<unknown> => ready.then(() => method.apply(target, args));
    },
  });
}
