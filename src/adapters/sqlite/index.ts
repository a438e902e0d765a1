import type { Config } from '../../config';
import type { Stores, StoresDeps } from '../../ports/stores';
import { asPromise } from './as-promise';
import { startCheckpointer } from './checkpointer';
import { openDatabase } from './database';
import { closeWalFlusher } from './wal-flusher';
import { SqliteAuditLog } from './sqlite-audit-log';
import { SqliteConversationReferences } from './sqlite-conversation-references';
import { SqliteDiagnosisOutcomes } from './sqlite-diagnosis-outcomes';
import { SqliteLeases } from './sqlite-leases';
import { SqliteRequestSearch } from './sqlite-request-search';
import { SqliteRequestStore } from './sqlite-request-store';
import { SqliteStorage } from './sqlite-storage';
import { SqliteTranscriptStore } from './sqlite-transcript-store';

/** What the SQLite backend reads from the configuration. */
export interface SqliteStoresConfig {
  storage: Extract<Config['storage'], { kind: 'sqlite' }>;
  /** HELPDESK_AUDIT_KEY: the audit chain's HMAC secret. */
  auditKey: Config['auditKey'];
}

/**
 * Every store on the one SQLite file (`:memory:` for a private throwaway database): opens it, brings
 * its schema up to date and starts the WAL checkpointer; `close` stops the checkpointer, which runs
 * a last checkpoint, and closes the file. Other processes (a second instance, the review CLI) open
 * the same file beside it; WAL lets them read while one writes.
 */
export function openSqliteStores(config: SqliteStoresConfig, deps: StoresDeps): Stores {
  const db = openDatabase(config.storage.path);
  const checkpointer = startCheckpointer(db, deps.logger);
  const audit = new SqliteAuditLog(db, {
    key: config.auditKey,
    logger: deps.logger,
    ...(deps.now ? { now: deps.now } : {}),
  });
  let closing: Promise<void> | undefined;
  return {
    backend: 'sqlite',
    botState: new SqliteStorage(db),
    // State changes and their audit records commit together (DESIGN.md section 3, "Audit").
    requests: new SqliteRequestStore(db, { audit }),
    audit,
    transcripts: new SqliteTranscriptStore(db),
    references: new SqliteConversationReferences(db),
    outcomes: new SqliteDiagnosisOutcomes(db),
    leases: new SqliteLeases(db),
    search: new SqliteRequestSearch(db),
    ping: () =>
      asPromise(() => {
        db.prepare('SELECT 1').get();
      }),
    close() {
      closing ??= checkpointer.stop().then(() => {
        closeWalFlusher(db);
        db.close();
      });
      return closing;
    },
  };
}
