import Database from 'better-sqlite3';
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
import { auditContract } from './audit.contract';
import { outcomesContract } from './outcomes.contract';
import { referencesContract } from './references.contract';
import { requestsContract } from './requests.contract';
import { searchContract } from './search.contract';
import { transcriptsContract } from './transcripts.contract';

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

botStateContract(sqlite);
requestsContract(sqlite);
auditContract(sqlite);
transcriptsContract(sqlite);
referencesContract(sqlite);
outcomesContract(sqlite);
searchContract(sqlite);
