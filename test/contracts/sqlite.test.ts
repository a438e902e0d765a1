import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite/database';
import { SqliteAuditLog } from '../../src/adapters/sqlite/sqlite-audit-log';
import { SqliteConversationReferences } from '../../src/adapters/sqlite/sqlite-conversation-references';
import { SqliteDiagnosisOutcomes } from '../../src/adapters/sqlite/sqlite-diagnosis-outcomes';
import { SqliteRequestStore } from '../../src/adapters/sqlite/sqlite-request-store';
import { SqliteStorage } from '../../src/adapters/sqlite/sqlite-storage';
import { SqliteTranscriptStore } from '../../src/adapters/sqlite/sqlite-transcript-store';
import { AppError } from '../../src/errors';
import type { Stores } from '../../src/ports/stores';
import { SqliteRequestSearch } from '../../src/review/queries';
import type { ContractBackend, StoreDeps } from './backend';
import { botStateContract } from './bot-state.contract';
import { requestsContract } from './requests.contract';

const folder = mkdtempSync(join(tmpdir(), 'helpdesk-contract-'));
const files = new WeakMap<Stores, string>();
let counter = 0;

/** Until `openSqliteStores` lands: the stores the composition root builds, on one file. */
function openOn(file: string, deps: StoreDeps): Stores {
  const db = openDatabase(file);
  const audit = new SqliteAuditLog(db, { key: deps.auditSecret, logger: deps.logger });
  const stores: Stores = {
    backend: 'sqlite',
    botState: new SqliteStorage(db),
    requests: new SqliteRequestStore(db, { audit }),
    audit,
    transcripts: new SqliteTranscriptStore(db),
    references: new SqliteConversationReferences(db),
    outcomes: new SqliteDiagnosisOutcomes(db),
    search: new SqliteRequestSearch(db),
    leases: {
      tryAcquire: () => Promise.reject(new AppError('INTERNAL', 'SQLite leases are not built yet')),
      release: () => Promise.reject(new AppError('INTERNAL', 'SQLite leases are not built yet')),
    },
    ping: () => {
      db.prepare('SELECT 1').get();
      return Promise.resolve();
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
  files.set(stores, file);
  return stores;
}

const sqlite: ContractBackend = {
  name: 'SQLite',
  open: (deps) => {
    counter += 1;
    return Promise.resolve(openOn(join(folder, `stores-${counter}.sqlite`), deps));
  },
  openPeer: (stores, deps) => {
    const file = files.get(stores);
    if (file === undefined) throw new Error('not opened by this backend');
    return Promise.resolve(openOn(file, deps));
  },
  cleanup: () => {
    rmSync(folder, { recursive: true, force: true });
    return Promise.resolve();
  },
};

afterAll(() => sqlite.cleanup());

botStateContract(sqlite);
requestsContract(sqlite);
