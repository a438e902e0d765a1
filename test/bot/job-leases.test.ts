/**
 * With several bot instances on one store, the request sweeper and transcript retention run in one
 * instance at a time: each run takes a named lease (src/ports/leases.ts). Here the "other instance"
 * is a second opener of the same SQLite file, as a second process would be.
 */
import { openStores } from '../../src/adapters/stores';
import { SWEEPER_LEASE } from '../../src/requests/sweeper';
import { RETENTION_LEASE } from '../../src/bot/transcript-retention';
import { createLogger } from '../../src/log';
import type { Stores } from '../../src/ports/stores';
import { ApprovalHarness } from '../support/approval-harness';
import { testConfig } from '../support/test-config';
import { ManualClock } from '../fakes/manual-clock';

jest.setTimeout(90_000);

const OTHER = 'other-host:4242';
const MINUTE = 60_000;

let clock: ManualClock;
let harness: ApprovalHarness;
let other: Stores;

beforeEach(async () => {
  clock = new ManualClock();
  harness = await ApprovalHarness.start(
    { HELPDESK_OFFICE_HOURS: 'Mon-Sun 00:00-24:00', HELPDESK_REQUEST_EXPIRY_MINUTES: '60' },
    { now: clock.now },
  );
  other = openStores(testConfig({ HELPDESK_SQLITE_PATH: harness.dbPath }), {
    logger: createLogger({ level: 'silent' }),
  });
});
afterEach(async () => {
  await other.close();
  await harness.stop();
});

describe('one instance at a time', () => {
  it('the sweeper skips its pass while another instance sweeps, and sweeps once that one is done', async () => {
    const id = await harness.fileRequest();
    clock.advance(61);
    expect(await other.leases.tryAcquire(SWEEPER_LEASE, OTHER, 10 * MINUTE, clock.now())).toBe(true);

    await harness.app.sweeper.runOnce();
    expect((await harness.app.requests.get(id))?.request.state).toBe('PENDING');
    expect(await harness.app.audit.list({ requestId: id, types: ['request.expired'] })).toHaveLength(0);

    await other.leases.release(SWEEPER_LEASE, OTHER);
    await harness.app.sweeper.runOnce();
    expect((await harness.app.requests.get(id))?.request.state).toBe('EXPIRED');
    // The pass gave the lease up when it finished: the other instance can take it at once.
    expect(await other.leases.tryAcquire(SWEEPER_LEASE, OTHER, 10 * MINUTE, clock.now())).toBe(true);
  });

  it('retention purges nothing while another instance purges, and purges once that one is done', async () => {
    const id = await harness.fileRequest();
    await harness.app.transcriptLogging.drain();
    expect((await harness.app.transcripts.listByRequest(id)).length).toBeGreaterThan(0);
    clock.advance((harness.app.config.transcriptRetentionDays * 24 + 1) * 60);
    expect(await other.leases.tryAcquire(RETENTION_LEASE, OTHER, 10 * MINUTE, clock.now())).toBe(true);

    await expect(harness.app.transcriptRetention.runOnce()).resolves.toBe(0);
    expect((await harness.app.transcripts.listByRequest(id)).length).toBeGreaterThan(0);

    await other.leases.release(RETENTION_LEASE, OTHER);
    expect(await harness.app.transcriptRetention.runOnce()).toBeGreaterThan(0);
    expect(await harness.app.transcripts.listByRequest(id)).toEqual([]);
    expect(await other.leases.tryAcquire(RETENTION_LEASE, OTHER, 10 * MINUTE, clock.now())).toBe(true);
  });

  it('a crashed instance’s lease runs out, and the sweeper takes over after it', async () => {
    const id = await harness.fileRequest();
    clock.advance(61);
    // Taken and never given back: the other instance died mid-pass.
    expect(await other.leases.tryAcquire(SWEEPER_LEASE, OTHER, 10 * MINUTE, clock.now())).toBe(true);
    await harness.app.sweeper.runOnce();
    expect((await harness.app.requests.get(id))?.request.state).toBe('PENDING');
    clock.advance(10);
    await harness.app.sweeper.runOnce();
    expect((await harness.app.requests.get(id))?.request.state).toBe('EXPIRED');
  });
});
