/**
 * Shared set-up for the executor tests: a real SQLite file (requests and audit), a logger whose
 * lines the test can read, the recording notifier, and approved requests made through the store.
 */
import type { ChildProcess } from 'node:child_process';
import { startJsonLinesChild, type ChildEvent, type ChildExit } from '../support/json-lines-child';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/database';
import { SqliteAuditLog } from '../../src/adapters/sqlite/sqlite-audit-log';
import { SqliteRequestStore } from '../../src/adapters/sqlite/sqlite-request-store';
import { ResetExecutor, type ResetExecutorOptions } from '../../src/requests/reset-executor';
import { hashReleaseCode } from '../../src/domain/release-code';
import { createPendingRequest, transition } from '../../src/domain/request-lifecycle';
import { needsReleaseCode } from '../../src/domain/reset-plan';
import type { RequestDecision, ResetRequest } from '../../src/domain/reset-request';
import { createLogger, type Logger } from '../../src/log';
import type { Directory } from '../../src/ports/directory';
import type { RequestStore, StoredRequest } from '../../src/ports/request-store';
import { RecordingNotifier } from '../fakes/recording-notifier';
import type { GraphEmulator, RouteName, SeedDirectory } from '../../tools/graph-emulator';
import { demoSeed, directoryFor, startEmulator } from '../graph/graph-test-kit';

export const AUDIT_SECRET = 'executor-test-audit-secret-0123456789abcdef';
export const TENANT_ID = '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d';
/** Ken (an approver in the demo directory). */
export const APPROVER = { id: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a05', name: '佐藤 健' };

/** Nobody in the demo directory has this number, so finding it anywhere means we leaked it. */
export const NEW_PHONE = {
  graph: '+81 8098765432',
  international: '+81 80-9876-5432',
  national: '080-9876-5432',
};
/** Every way the full number could be written down. */
export const NEW_PHONE_FORMS = [
  '8098765432',
  '+81 8098765432',
  '80-9876-5432',
  '080-9876-5432',
  '+818098765432',
];

/**
 * Taro: an ordinary employee (no role, active or eligible) with a mobile phone as his default and a
 * software OATH token.
 */
export const TARO = '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a21';
export const TARO_OATH_ID = 'c283904f-904f-c283-4f90-83c24f9083c2';

/** The demo directory plus Taro. */
export function executorSeed(): SeedDirectory {
  const seed = demoSeed();
  seed.users.push({
    id: TARO,
    displayName: '小林 太郎',
    userPrincipalName: 'taro.kobayashi@contoso.onmicrosoft.com',
    mail: 'taro.kobayashi@contoso.onmicrosoft.com',
    usageLocation: 'JP',
    managerId: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a08',
    methods: [
      {
        '@odata.type': '#microsoft.graph.phoneAuthenticationMethod',
        id: '3179e48a-750b-4051-897c-87b9720928f7',
        phoneNumber: '+81 9011112222',
        phoneType: 'mobile',
        smsSignInState: 'notAllowedByPolicy',
      },
      {
        '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod',
        id: TARO_OATH_ID,
        secretKey: null,
      },
    ],
    defaultMethodId: '3179e48a-750b-4051-897c-87b9720928f7',
  });
  return seed;
}

/** A clock that starts at the real time and jumps forward on demand, so no test waits for real. */
export class TestClock {
  private offsetMs = 0;

  readonly now = (): Date => new Date(Date.now() + this.offsetMs);

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface Harness {
  file: string;
  db: SqliteDatabase;
  requests: SqliteRequestStore;
  audit: SqliteAuditLog;
  logger: Logger;
  /** Every line the logger wrote. */
  logText: () => string;
  notifier: RecordingNotifier;
  clock: TestClock;
  close: () => void;
}

export function tempFolder(): { path: (name: string) => string; cleanup: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'helpdesk-executor-'));
  return {
    path: (name) => join(folder, name),
    cleanup: () => rmSync(folder, { recursive: true, force: true }),
  };
}

export function openHarness(file: string): Harness {
  const db = openDatabase(file);
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
  const clock = new TestClock();
  const audit = new SqliteAuditLog(db, { key: AUDIT_SECRET, logger, now: clock.now });
  return {
    file,
    db,
    requests: new SqliteRequestStore(db, { audit }),
    audit,
    logger,
    logText: () => lines.join(''),
    notifier: new RecordingNotifier(),
    clock,
    close: () => db.close(),
  };
}

export function executorFor(
  harness: Harness,
  directory: Directory,
  overrides: Partial<ResetExecutorOptions> = {},
): ResetExecutor {
  return new ResetExecutor({
    requests: harness.requests,
    audit: harness.audit,
    directory,
    notifier: harness.notifier,
    logger: harness.logger,
    now: harness.clock.now,
    workerId: 'worker-1',
    tapMaxLifetimeMinutes: 60,
    releaseCodeKey: RELEASE_CODE_KEY,
    ...overrides,
  });
}

/** The release code the approver of `approvedRequest` read out; `approvedRequest` hashes it with this key. */
export const RELEASE_CODE = 'KRW-HAX';
export const RELEASE_CODE_KEY = AUDIT_SECRET;

/** What `useExecutorSetup` gives each test: set anew before every test. */
export interface ExecutorSetup {
  emulator: GraphEmulator;
  directory: Directory;
  harness: Harness;
}

/**
 * The usual set-up of an executor test file: one Graph emulator (the executor seed) for the file,
 * reset before every test, and a fresh database file per test. Call it inside a `describe`.
 */
export function useExecutorSetup(prefix: string): ExecutorSetup {
  const folder = tempFolder();
  const setup = {} as ExecutorSetup;
  let counter = 0;
  beforeAll(async () => {
    setup.emulator = await startEmulator(executorSeed());
    setup.directory = directoryFor(setup.emulator);
  });
  afterAll(async () => {
    await setup.emulator.close();
    folder.cleanup();
  });
  beforeEach(() => {
    setup.emulator.reset();
    setup.harness = openHarness(folder.path(`${prefix}-${++counter}.sqlite`));
  });
  afterEach(() => setup.harness.close());
  return setup;
}

export interface ApproveOptions {
  requester: { aadObjectId: string; name: string };
  /**
   * Changed phone: 'typed' (the default) as if the requester had already typed the release code,
   * 'issued' when the test types it itself.
   */
  releaseCode?: 'typed' | 'issued';
  lostOrStolen?: boolean;
  decision?: Partial<Omit<RequestDecision, 'approver' | 'at'>>;
  newPhone?: typeof NEW_PHONE;
  at?: Date;
}

/** Files a request as the intake would and approves it as the approval card would, through the store. */
export async function approvedRequest(
  requests: RequestStore,
  options: ApproveOptions,
): Promise<StoredRequest> {
  const at = options.at ?? new Date();
  const lost = options.lostOrStolen ?? false;
  const pending = createPendingRequest(
    {
      tenantId: TENANT_ID,
      requester: { ...options.requester, teamsUserId: `29:${options.requester.aadObjectId}` },
      locale: 'ja',
      newPhone: options.newPhone ?? NEW_PHONE,
      verification: 'video_call',
      reason: lost ? 'Phone lost on the train' : 'New phone, new number',
      diagnosis: {
        path: lost ? 'start>S1b>work>noMfa' : 'start>S1a>work>noMfa',
        situation: lost ? 'S1b' : 'S1a',
        errorCodes: [],
        workingMethods: [],
        lostOrStolen: lost,
      },
    },
    at,
  );
  const created = await requests.create(pending);
  const approved = transition(created.request, 'APPROVED', APPROVER, at);
  const decision: RequestDecision = {
    approver: APPROVER,
    at: at.toISOString(),
    verificationMethod: 'video_call',
    action: 're_register',
    ...options.decision,
  };
  const release = needsReleaseCode(decision, pending.diagnosis)
    ? {
        codeHash: hashReleaseCode(RELEASE_CODE_KEY, pending.id, RELEASE_CODE),
        issuedAt: at.toISOString(),
        attempts: 0,
        ...((options.releaseCode ?? 'typed') === 'typed' ? { verifiedAt: at.toISOString() } : {}),
      }
    : undefined;
  return requests.update(
    { ...approved, decision, ...(release === undefined ? {} : { release }) },
    created.eTag,
  );
}

export async function load(requests: SqliteRequestStore, id: string): Promise<ResetRequest> {
  const stored = await requests.get(id);
  if (stored === undefined) throw new Error(`${id} is not stored`);
  return stored.request;
}

/** The database file with its WAL and shared-memory files, as raw bytes. */
export function rawDatabaseBytes(file: string): Buffer {
  return Buffer.concat(
    [file, `${file}-wal`, `${file}-shm`].filter((path) => existsSync(path)).map((path) => readFileSync(path)),
  );
}

// ---------------------------------------------------------------------------------------------------
// Child processes (test/bot/executor-child.ts)

export type { ChildEvent };

export interface Child {
  readonly process: ChildProcess;
  next(): Promise<ChildEvent>;
  /** Resolves with the exit code or signal once the child is gone. */
  exited: Promise<ChildExit>;
}

export function startExecutorChild(args: readonly string[]): Child {
  const child = startJsonLinesChild(join(__dirname, 'executor-child.ts'), args);
  return { process: child.process, next: child.next, exited: child.exit };
}

/** The Graph routes that change the target's account, for asserting what a run sent. */
export const CHANGING_ROUTES: readonly RouteName[] = [
  'deleteMethod',
  'createTemporaryAccessPass',
  'revokeSignInSessions',
  'updatePhoneMethod',
  'createPhoneMethod',
];

/** Each change the emulator received, in order, as `METHOD route`. */
export function changesSent(emulator: GraphEmulator): string[] {
  return emulator
    .graphRequests()
    .filter((r) => CHANGING_ROUTES.includes(r.route))
    .map((r) => `${r.method} ${r.route}`);
}
