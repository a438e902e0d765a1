import type { Storage } from 'botbuilder';
import type { Logger } from '../log';
import type { AuditLog } from './audit-log';
import type { ConversationReferences } from './conversation-references';
import type { DiagnosisOutcomes } from './diagnosis-outcomes';
import type { Leases } from './leases';
import type { RequestSearch } from './request-search';
import type { RequestStore } from './request-store';
import type { TranscriptStore } from './transcript-store';

/** Botbuilder's `Storage` (eTag semantics exactly as botbuilder documents them) plus the wipes the sweeper runs. */
export interface BotStateStorage extends Storage {
  /** Deletes conversation state last written before `before` (abandoned intakes); returns how many. */
  deleteStaleConversations(before: Date): Promise<number>;
  /** Makes deleted values unreadable where the backend could keep them (SQLite free pages and WAL); may do nothing. */
  wipeTraces(): Promise<void>;
}

/**
 * Every store the bot and the review CLI use, opened together by one backend
 * (`src/adapters/<backend>/index.ts`) and chosen by `config.storage` in `src/adapters/stores.ts`.
 * Nothing above the adapters ever sees a database handle or a storage SDK.
 */
export interface Stores {
  readonly backend: 'sqlite' | 'azure';
  readonly botState: BotStateStorage;
  /** State changes and their audit records commit together (DESIGN.md section 3, "Audit"). */
  readonly requests: RequestStore;
  /** The hash-chained trail; `requests.update` appends to the same chain. */
  readonly audit: AuditLog;
  readonly transcripts: TranscriptStore;
  readonly references: ConversationReferences;
  readonly outcomes: DiagnosisOutcomes;
  readonly leases: Leases;
  readonly search: RequestSearch;
  /** Throws when the store cannot be reached (readiness probe). */
  ping(): Promise<void>;
  /** Stops background work (checkpoints, batching) and closes connections. */
  close(): Promise<void>;
}

/** What every backend's opener (`open<Backend>Stores(config, deps)`) is handed besides its settings. */
export interface StoresDeps {
  /** Receives the audit chain head after every append, and the backend's own warnings. */
  logger: Logger;
  /** The audit records' clock; tests pass a fixed one. */
  now?: () => Date;
}
