import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores } from '../../src/adapters/sqlite/index';
import type { Stores } from '../../src/ports/stores';
import type { ContractBackend, StoreDeps } from './backend';
import { botStateContract } from './bot-state.contract';
import { auditContract } from './audit.contract';
import { outcomesContract } from './outcomes.contract';
import { referencesContract } from './references.contract';
import { requestsContract } from './requests.contract';
import { searchContract } from './search.contract';
import { storesContract } from './stores.contract';
import { leasesContract } from './leases.contract';
import { transcriptsContract } from './transcripts.contract';

const folder = mkdtempSync(join(tmpdir(), 'helpdesk-contract-'));
const files = new WeakMap<Stores, string>();
let counter = 0;

function openOn(file: string, deps: StoreDeps): Stores {
  const stores = openSqliteStores(
    { storage: { kind: 'sqlite', path: file }, auditKey: deps.auditSecret },
    { logger: deps.logger },
  );
  files.set(stores, file);
  return stores;
}

function fileOf(stores: Stores): string {
  const file = files.get(stores);
  if (file === undefined) throw new Error('not opened by this backend');
  return file;
}

/**
 * Changes the file the way someone with access to it would: a plain connection of their own, the
 * append-only triggers dropped first.
 */
function tamperWith(stores: Stores, sql: string, ...params: unknown[]): Promise<void> {
  const raw = new Database(fileOf(stores));
  try {
    raw.exec(`
      DROP TRIGGER IF EXISTS audit_log_no_update;
      DROP TRIGGER IF EXISTS audit_log_no_delete;
      DROP TRIGGER IF EXISTS audit_log_extends_head;
    `);
    raw.prepare(sql).run(...params);
  } finally {
    raw.close();
  }
  return Promise.resolve();
}

const sqlite: ContractBackend = {
  name: 'SQLite',
  open: (deps) => {
    counter += 1;
    return Promise.resolve(openOn(join(folder, `stores-${counter}.sqlite`), deps));
  },
  openPeer: (stores, deps) => Promise.resolve(openOn(fileOf(stores), deps)),
  tamper: {
    editData: (stores, seq, data) =>
      tamperWith(stores, 'UPDATE audit_log SET data = ? WHERE seq = ?', JSON.stringify(data), seq),
    remove: (stores, seq) => tamperWith(stores, 'DELETE FROM audit_log WHERE seq = ?', seq),
  },
  cleanup: () => {
    rmSync(folder, { recursive: true, force: true });
    return Promise.resolve();
  },
};

afterAll(() => sqlite.cleanup());

storesContract(sqlite);
botStateContract(sqlite);
requestsContract(sqlite);
auditContract(sqlite);
transcriptsContract(sqlite);
referencesContract(sqlite);
outcomesContract(sqlite);
searchContract(sqlite);
leasesContract(sqlite);
