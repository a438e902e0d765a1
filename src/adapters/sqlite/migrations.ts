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
];
