import type { Config } from '../config';
import { AppError } from '../errors';
import type { Stores, StoresDeps } from '../ports/stores';
import { openSqliteStores } from './sqlite';

/** What a backend may read from the configuration: where its data lives and the audit key. */
export type StoresConfig = Pick<Config, 'storage' | 'auditKey'>;

/**
 * Opens every store on the backend `config.storage` names. The one place that knows the backends:
 * adding one is a folder under `src/adapters/` and an entry here. Synchronous, so the composition
 * root stays synchronous; a backend whose set-up is remote starts it here and has every call wait
 * for it (and `ping` report it).
 */
export function openStores(config: StoresConfig, deps: StoresDeps): Stores {
  const { storage } = config;
  switch (storage.kind) {
    case 'sqlite':
      return openSqliteStores({ storage, auditKey: config.auditKey }, deps);
    case 'azure':
      throw new AppError(
        'CONFIG_INVALID',
        'HELPDESK_STORAGE=azure is not available in this version; use sqlite',
        {
          details: ['HELPDESK_STORAGE'],
        },
      );
  }
}
