import { openStores } from '../../src/adapters/stores';
import { createLogger } from '../../src/log';
import type { Stores } from '../../src/ports/stores';
import { tempDatabase } from '../support/running-bot';
import { testConfig } from '../support/test-config';

const logger = createLogger({ level: 'silent' });
const T0 = new Date('2026-03-02T01:00:00.000Z');
const later = (ms: number): Date => new Date(T0.getTime() + ms);

let file: ReturnType<typeof tempDatabase>;
const opened: Stores[] = [];

function open(): Stores {
  const stores = openStores(testConfig({ HELPDESK_SQLITE_PATH: file.path }), { logger });
  opened.push(stores);
  return stores;
}

beforeEach(() => {
  file = tempDatabase();
});
afterEach(async () => {
  for (const stores of opened.splice(0)) await stores.close();
  file.cleanup();
});

describe('openStores', () => {
  it('opens every store on the SQLite file the configuration names, and answers the readiness ping', async () => {
    const stores = open();
    expect(stores.backend).toBe('sqlite');
    await expect(stores.ping()).resolves.toBeUndefined();
    await stores.audit.append({ type: 'review.listed', actor: null });
    // A second opener of the same file (another instance, the review CLI) sees the same data.
    expect((await open().audit.head())?.seq).toBe(1);
  });

  it('closes once however often it is asked, and the ping fails after that', async () => {
    const stores = open();
    await Promise.all([stores.close(), stores.close()]);
    await stores.close();
    await expect(stores.ping()).rejects.toThrow();
  });

  it('says clearly that the Azure backend is not available yet', () => {
    const config = testConfig({
      HELPDESK_STORAGE: 'azure',
      HELPDESK_AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    });
    expect(() => openStores(config, { logger })).toThrow(
      'HELPDESK_STORAGE=azure is not available in this version; use sqlite',
    );
  });
});

describe('SQLite leases, between two openers of one file', () => {
  it('lets one owner hold a name until it runs out, renew it meanwhile, and hands it over after', async () => {
    const a = open().leases;
    const b = open().leases;
    expect(await a.tryAcquire('request-sweeper', 'host-a', 60_000, T0)).toBe(true);
    expect(await b.tryAcquire('request-sweeper', 'host-b', 60_000, later(1_000))).toBe(false);
    // Another name is another lease.
    expect(await b.tryAcquire('transcript-retention', 'host-b', 60_000, later(1_000))).toBe(true);
    // The holder renews: the lease now runs to 30 s + 60 s.
    expect(await a.tryAcquire('request-sweeper', 'host-a', 60_000, later(30_000))).toBe(true);
    expect(await b.tryAcquire('request-sweeper', 'host-b', 60_000, later(89_999))).toBe(false);
    expect(await b.tryAcquire('request-sweeper', 'host-b', 60_000, later(90_000))).toBe(true);
    expect(await a.tryAcquire('request-sweeper', 'host-a', 60_000, later(90_001))).toBe(false);
  });

  it('releases only for the holder', async () => {
    const a = open().leases;
    const b = open().leases;
    expect(await a.tryAcquire('request-sweeper', 'host-a', 60_000, T0)).toBe(true);
    await b.release('request-sweeper', 'host-b');
    expect(await b.tryAcquire('request-sweeper', 'host-b', 60_000, later(1))).toBe(false);
    await a.release('request-sweeper', 'host-a');
    expect(await b.tryAcquire('request-sweeper', 'host-b', 60_000, later(2))).toBe(true);
  });

  it('gives the lease to exactly one of several openers asking at the same instant', async () => {
    const takers = [open(), open(), open()].map((stores) => stores.leases);
    const won = await Promise.all(
      takers.map((leases, index) => leases.tryAcquire('request-sweeper', `host-${index}`, 60_000, T0)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a malformed request instead of storing it', async () => {
    const { leases } = open();
    await expect(leases.tryAcquire('request-sweeper', 'host-a', 0, T0)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(leases.tryAcquire('', 'host-a', 1_000, T0)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('SQLite transcripts for the review statistics', () => {
  it('lists the incoming entries of a time window in append order, and every request link', async () => {
    const { transcripts } = open();
    const entry = (at: Date, direction: 'incoming' | 'outgoing', text: string) => ({
      conversationId: 'a:chat-1',
      segmentId: 'seg-1',
      at,
      direction,
      activityType: 'message',
      activity: { text },
    });
    await transcripts.append(
      entry(T0, 'incoming', 'before'),
      entry(later(1_000), 'incoming', 'first'),
      entry(later(2_000), 'outgoing', 'reply'),
      entry(later(3_000), 'incoming', 'second'),
      entry(later(4_000), 'incoming', 'at the end, excluded'),
    );
    await transcripts.linkRequest('a:chat-1', 'seg-1', 'REQ-7K3F9Q');
    const window = { since: later(1_000), until: later(4_000) };
    expect((await transcripts.listIncoming(window)).map((e) => e.activity.text)).toEqual(['first', 'second']);
    expect(await transcripts.listIncoming()).toHaveLength(4);
    expect(await transcripts.listLinks()).toEqual([
      { requestId: 'REQ-7K3F9Q', conversationId: 'a:chat-1', segmentId: 'seg-1' },
    ]);
  });
});
