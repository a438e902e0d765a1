/**
 * The schema of the one SQLite file, as an append-only list. Never edit or reorder an applied
 * migration: add a new one with the next version. `openDatabase` applies the missing ones.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const OPEN_STATES_SQL = `('PENDING', 'APPROVED', 'EXECUTING')`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bot_state',
    // The eTag lives only in its column; `value` is the item without it.
    sql: `
      CREATE TABLE bot_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value)),
        etag TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'reset_requests',
    // `body` is the whole record; the other columns are derived from it on every write so the
    // database can index them and enforce the two rules below itself.
    sql: `
      CREATE TABLE reset_requests (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        requester_aad_object_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN (
          'PENDING', 'APPROVED', 'EXECUTING', 'DONE', 'PARTIAL', 'FAILED', 'DENIED', 'CANCELLED', 'EXPIRED'
        )),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        etag TEXT NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body)),
        -- A full phone number lives only on an open request.
        CHECK (
          state IN ${OPEN_STATES_SQL}
          OR (json_extract(body, '$.newPhone.graph') IS NULL
              AND json_extract(body, '$.newPhone.international') IS NULL
              AND json_extract(body, '$.newPhone.national') IS NULL)
        )
      ) STRICT;

      -- One open request per person, held by the database even against other processes.
      CREATE UNIQUE INDEX reset_requests_one_open_per_requester
        ON reset_requests (requester_aad_object_id)
        WHERE state IN ${OPEN_STATES_SQL};

      CREATE INDEX reset_requests_by_requester_created ON reset_requests (requester_aad_object_id, created_at);
      CREATE INDEX reset_requests_by_state_created ON reset_requests (state, created_at);
    `,
  },
  {
    version: 3,
    name: 'audit_log',
    // Append-only and hash-chained (src/domain/audit.ts). The triggers stop any code path, ours or a
    // careless admin's, from changing history through SQLite; someone with the file can drop them,
    // which is what the HMAC chain and the logged heads are for. The insert trigger keeps the chain
    // linear even for a writer that forgot the IMMEDIATE transaction.
    sql: `
      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY CHECK (seq >= 1),
        at TEXT NOT NULL,
        type TEXT NOT NULL,
        request_id TEXT,
        actor_id TEXT,
        actor_name TEXT,
        data TEXT NOT NULL CHECK (json_valid(data) AND json_type(data) = 'object'),
        prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
        hash TEXT NOT NULL CHECK (length(hash) = 64),
        CHECK ((actor_id IS NULL) = (actor_name IS NULL))
      ) STRICT;

      CREATE INDEX audit_log_by_request ON audit_log (request_id, seq) WHERE request_id IS NOT NULL;
      CREATE INDEX audit_log_by_at ON audit_log (at);

      CREATE TRIGGER audit_log_extends_head BEFORE INSERT ON audit_log
      WHEN NEW.seq IS NOT COALESCE((SELECT MAX(seq) FROM audit_log), 0) + 1
        OR NEW.prev_hash IS NOT COALESCE(
          (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
          '${'0'.repeat(64)}'
        )
      BEGIN
        SELECT RAISE(ABORT, 'audit_log: a new record must extend the chain head');
      END;

      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only');
      END;

      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only');
      END;
    `,
  },
  {
    version: 4,
    name: 'transcripts',
    // Entries arrive already redacted (src/bot/transcript-logging.ts). `seq` is the append order;
    // AUTOINCREMENT keeps it growing after a purge, so "latest segment" stays the newest one.
    // Links hold request ids only, never anything typed; the audit trail lives elsewhere and is
    // never purged with these tables.
    sql: `
      CREATE TABLE transcript_entries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_id TEXT NOT NULL CHECK (conversation_id <> ''),
        segment_id TEXT NOT NULL CHECK (segment_id <> ''),
        at TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
        activity_type TEXT NOT NULL,
        activity TEXT NOT NULL CHECK (json_valid(activity) AND json_type(activity) = 'object')
      ) STRICT;

      CREATE INDEX transcript_entries_by_conversation ON transcript_entries (conversation_id, seq);
      CREATE INDEX transcript_entries_by_segment ON transcript_entries (conversation_id, segment_id, seq);
      CREATE INDEX transcript_entries_by_at ON transcript_entries (at);

      CREATE TABLE transcript_links (
        request_id TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        segment_id TEXT NOT NULL,
        linked_at TEXT NOT NULL,
        PRIMARY KEY (request_id, conversation_id, segment_id)
      ) STRICT, WITHOUT ROWID;

      CREATE INDEX transcript_links_by_segment ON transcript_links (conversation_id, segment_id);
    `,
  },
  {
    version: 5,
    name: 'conversation_references',
    // Where proactive messages go: the approvals and security channels, and each person's 1:1 chat
    // (recorded when they install the bot or write to it). Keys are 'channel:<id>' or 'user:<aadObjectId>'.
    sql: `
      CREATE TABLE conversation_references (
        key TEXT PRIMARY KEY CHECK (key <> ''),
        reference TEXT NOT NULL CHECK (json_valid(reference) AND json_type(reference) = 'object'),
        updated_at TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    name: 'diagnosis_outcomes',
    // How each diagnosis ended, for the self-service statistics. Deliberately anonymous: no person,
    // no conversation, nothing typed; only the nodes walked and the outcome.
    sql: `
      CREATE TABLE diagnosis_outcomes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        end_node TEXT NOT NULL,
        outcome TEXT NOT NULL,
        path TEXT NOT NULL,
        locale TEXT NOT NULL
      ) STRICT;
      CREATE INDEX diagnosis_outcomes_by_at ON diagnosis_outcomes (at);
    `,
  },
  {
    version: 7,
    name: 'leases',
    // Named leases for one-at-a-time jobs (src/ports/leases.ts). `until` is ISO 8601 UTC, so string
    // order is time order; a row whose `until` has passed is free for anyone to take.
    sql: `
      CREATE TABLE leases (
        name TEXT PRIMARY KEY CHECK (name <> ''),
        owner TEXT NOT NULL CHECK (owner <> ''),
        until TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: 'reset_requests_by_state_created_id',
    // `pagesByState` reads each state in (created_at, id) order after a cursor: with the id in the
    // index that is a seek and a walk, ties on the time included, and no sort. The old index is
    // this one's prefix, so it goes.
    sql: `
      CREATE INDEX reset_requests_by_state_created_id ON reset_requests (state, created_at, id);
      DROP INDEX reset_requests_by_state_created;
    `,
  },
];
