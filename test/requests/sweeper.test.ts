/**
 * The sweeper driven directly on real SQLite stores with a small page, so one pass has to read
 * several pages of each kind of work. Expiry, reminders and closing the loop themselves are tested
 * end to end in test/bot/request-lifecycle.test.ts and test/bot/office-hours-expiry.test.ts.
 */
import { openSqliteStores } from '../../src/adapters/sqlite/index';
import type { ResetRequest } from '../../src/domain/reset-request';
import { createLogger } from '../../src/log';
import type { StoredRequest } from '../../src/ports/request-store';
import type { Stores } from '../../src/ports/stores';
import { RequestSweeper } from '../../src/requests/sweeper';
import { pending } from '../contracts/fixtures';
import { FakeDirectory } from '../fakes/fake-directory';
import { ManualClock } from '../fakes/manual-clock';
import { PageCountingRequestStore } from '../fakes/page-counting-request-store';
import { RecordingNotifier } from '../fakes/recording-notifier';
import { DEMO, testConfig } from '../support/test-config';

const config = testConfig({ HELPDESK_OFFICE_HOURS: 'Mon-Sun 00:00-24:00' });
const logger = createLogger({ level: 'silent' });
const PAGE_SIZE = 3;
const EXPIRY_MINUTES = 60;

let clock: ManualClock;
let stores: Stores;
let requests: PageCountingRequestStore;
let directory: FakeDirectory;
let notifier: RecordingNotifier;
let sweeper: RequestSweeper;

beforeEach(() => {
  clock = new ManualClock();
  stores = openSqliteStores(
    { storage: { kind: 'sqlite', path: ':memory:' }, auditKey: config.auditKey },
    { logger, now: clock.now },
  );
  requests = new PageCountingRequestStore(stores.requests);
  directory = new FakeDirectory();
  notifier = new RecordingNotifier();
  sweeper = new RequestSweeper({
    requests,
    audit: stores.audit,
    directory,
    notifier,
    logger,
    now: clock.now,
    expiryMinutes: EXPIRY_MINUTES,
    reminderLeadMinutes: 15,
    schedule: config,
    pageSize: PAGE_SIZE,
  });
});

afterEach(() => stores.close());

/** `count` pending requests of different people, filed a second apart from now on. */
async function filePending(count: number): Promise<StoredRequest[]> {
  const filed: StoredRequest[] = [];
  for (let i = 0; i < count; i++) {
    filed.push(await stores.requests.create(pending({ aadObjectId: `sweep-${i}`, at: secondsOn(i) })));
  }
  return filed;
}

const secondsOn = (seconds: number): Date => new Date(clock.now().getTime() + seconds * 1000);

/**
 * `count` settled re-registers of Hanako's (one open at a time, so each is settled before the next
 * is filed) whose pass runs out now, unused: the sweeper owes each a closed loop.
 */
async function fileSettledWithSpentPass(count: number): Promise<StoredRequest[]> {
  const settled: StoredRequest[] = [];
  for (let i = 0; i < count; i++) {
    let stored = await stores.requests.create(pending({ aadObjectId: DEMO.users.hanako, at: secondsOn(i) }));
    for (const state of ['APPROVED', 'EXECUTING'] as const) {
      stored = await stores.requests.update({ ...stored.request, state } as ResetRequest, stored.eTag);
    }
    const tap = { methodId: `tap-${i}`, expiresAt: clock.now().toISOString(), lifetimeMinutes: 60 };
    const done = { ...stored.request, state: 'DONE', execution: { steps: [], tap } } as ResetRequest;
    settled.push(await stores.requests.update(done, stored.eTag));
  }
  return settled;
}

const stateOf = async (id: string): Promise<string | undefined> =>
  (await stores.requests.get(id))?.request.state;

describe('one sweep pass over more requests than a page', () => {
  it('expires every pending request, reading them a page at a time', async () => {
    const filed = await filePending(7);
    clock.advance(EXPIRY_MINUTES + 1);

    await sweeper.runOnce();

    for (const { request } of filed) expect(await stateOf(request.id)).toBe('EXPIRED');
    const cards = notifier.calls.filter((call) => call.method === 'updateApprovalCard');
    expect(cards.map((call) => call.requestId).sort()).toEqual(filed.map((f) => f.request.id).sort());
    expect(await stores.audit.list({ types: ['request.expired'] })).toHaveLength(7);
    expect(requests.pagedReads[0]).toEqual({ states: ['PENDING'], pageSize: PAGE_SIZE, pages: [3, 3, 1] });
    expect(requests.listByStateCalls).toBe(0);
  });

  it('closes the loop of every settled request whose pass ran out, a page at a time', async () => {
    const settled = await fileSettledWithSpentPass(7);
    clock.advance(1);

    await sweeper.runOnce();

    for (const { request } of settled) {
      expect((await stores.requests.get(request.id))?.request.execution?.loop?.outcome).toBe('expired');
    }
    expect(notifier.calls.filter((call) => call.method === 'withdrawPass')).toHaveLength(7);
    expect(requests.pagedReads[1]).toEqual({
      states: ['DONE', 'PARTIAL'],
      pageSize: PAGE_SIZE,
      pages: [3, 3, 1],
    });
    expect(requests.listByStateCalls).toBe(0);
  });
});
