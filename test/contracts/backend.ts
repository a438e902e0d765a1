import { inspect } from 'node:util';
import { parseLoggedHeads, type ChainHead } from '../../src/domain/audit';
import { isAppError, type AppError } from '../../src/errors';
import { createLogger, type Logger } from '../../src/log';
import type { Stores } from '../../src/ports/stores';

/**
 * What a storage backend hands the contract suites. Every suite runs unchanged on every backend:
 * SQLite (`sqlite.test.ts`) and the Azure backend on Azurite.
 */
export interface ContractBackend {
  readonly name: string;
  /** Opens every store on a new, empty backend (a new file, a new set of tables and containers). */
  open(deps: StoreDeps): Promise<Stores>;
  /**
   * Opens a second bot instance's stores on the backend `stores` was opened on: its own connections
   * and caches, the same data. Races between instances run through this.
   */
  openPeer(stores: Stores, deps: StoreDeps): Promise<Stores>;
  /** Reaches past the ports to edit stored audit records, where the backend allows it (tamper tests). */
  readonly tamper?: AuditTamper;
  /** Runs once after the test file: removes whatever the backend left behind. */
  cleanup(): Promise<void>;
}

/** What a backend is opened with, as the composition root would pass it. */
export interface StoreDeps {
  /** Receives the audit chain heads (and anything else the stores log). */
  readonly logger: Logger;
  /** HELPDESK_AUDIT_KEY; the suites verify the chain with it. */
  readonly auditSecret: string;
}

export interface AuditTamper {
  /** Replaces the stored `data` of record `seq`, leaving its hash as it was. */
  editData(stores: Stores, seq: number, data: Record<string, unknown>): Promise<void>;
  /** Deletes record `seq`. */
  remove(stores: Stores, seq: number): Promise<void>;
}

export const CONTRACT_AUDIT_SECRET = 'contract-suite-audit-secret-0123456789abcdef';

export interface ContractContext {
  /** The stores of this test, on a fresh backend. */
  readonly stores: Stores;
  readonly backend: ContractBackend;
  /** Another instance's stores on this test's backend; closed after the test. */
  peer(): Promise<Stores>;
  /** Every audit chain head the stores of this test (and their peers) wrote to the log. */
  loggedHeads(): ChainHead[];
}

/**
 * Opens fresh stores before each test of the enclosing `describe` and closes them (and any peers)
 * after it; the backend's leftovers go after the file.
 */
export function useBackend(backend: ContractBackend): ContractContext {
  let current: Stores | undefined;
  let lines: string[] = [];
  const opened: Stores[] = [];
  const deps = (): StoreDeps => ({
    logger: createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } }),
    auditSecret: CONTRACT_AUDIT_SECRET,
  });

  beforeEach(async () => {
    lines = [];
    current = await backend.open(deps());
    opened.push(current);
  });

  afterEach(async () => {
    current = undefined;
    for (const stores of opened.splice(0).reverse()) await stores.close();
  });

  return {
    backend,
    get stores(): Stores {
      if (current === undefined) throw new Error('stores are only open inside a test');
      return current;
    },
    async peer(): Promise<Stores> {
      if (current === undefined) throw new Error('stores are only open inside a test');
      const peer = await backend.openPeer(current, deps());
      opened.push(peer);
      return peer;
    },
    loggedHeads: () => parseLoggedHeads(lines.join('')),
  };
}

/** The AppError a promise rejects with; fails the test if it resolves or throws something else. */
export async function caught(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error)) {
    throw new Error(`expected an AppError, got ${error === undefined ? 'success' : inspect(error)}`);
  }
  return error;
}

/** Settles every promise and splits the outcomes. */
export async function settleAll<T>(promises: readonly Promise<T>[]): Promise<{ won: T[]; lost: unknown[] }> {
  const results = await Promise.allSettled(promises);
  return {
    won: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    lost: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}
