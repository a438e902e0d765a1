import type { TranscriptEntry, TranscriptStore } from '../../src/ports/transcript-store';
import { caught, useBackend, type ContractBackend } from './backend';
import { minutesAfter } from './fixtures';

const T0 = new Date('2026-03-01T09:00:00.000Z');
const at = (minutes: number): Date => minutesAfter(T0, minutes);

function entry(overrides: Partial<TranscriptEntry> = {}): TranscriptEntry {
  return {
    conversationId: 'a:chat-1',
    segmentId: 'seg-1',
    at: T0,
    direction: 'incoming',
    activityType: 'message',
    activity: { type: 'message', text: 'hello' },
    ...overrides,
  };
}

/** `TranscriptStore`: atomic appends, segments, links to requests, and retention. */
export function transcriptsContract(backend: ContractBackend): void {
  describe(`${backend.name}: transcripts and retention`, () => {
    const ctx = useBackend(backend);
    let store: TranscriptStore;
    beforeEach(() => {
      store = ctx.stores.transcripts;
    });

    it('keeps entries exactly as given, in append order, per conversation and segment', async () => {
      const first = entry({
        activity: { type: 'message', text: 'はい', value: { nested: [1, 'two', null] } },
      });
      const second = entry({
        at: T0, // the same time: the order is still the append order
        direction: 'outgoing',
        activityType: 'invokeResponse',
        activity: { type: 'invokeResponse', value: { status: 200, ok: true } },
      });
      const third = entry({ segmentId: 'seg-2', at: at(1), activity: { text: 'third' } });
      await store.append(first, second);
      await store.append(third);
      expect(await store.list('a:chat-1')).toEqual([first, second, third]);
      expect(await store.list('a:chat-1', 'seg-1')).toEqual([first, second]);
      expect(await store.list('a:chat-1', 'other')).toEqual([]);
      expect(await store.list('a:other')).toEqual([]);
      await expect(store.append()).resolves.toBeUndefined();
    });

    it('keeps the append order of many entries written by two instances', async () => {
      const peer = (await ctx.peer()).transcripts;
      for (let i = 0; i < 10; i++) {
        await (i % 2 === 0 ? store : peer).append(entry({ at: at(0), activity: { i } }));
      }
      expect((await peer.list('a:chat-1')).map((e) => e.activity.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('stores nothing from a batch with one invalid entry', async () => {
      const bad = [
        entry({ conversationId: '' }),
        entry({ segmentId: '' }),
        entry({ activityType: '' }),
        entry({ at: new Date(Number.NaN) }),
        entry({ direction: 'sideways' as TranscriptEntry['direction'] }),
        entry({ activity: [] as unknown as TranscriptEntry['activity'] }),
      ];
      for (const invalid of bad) {
        expect((await caught(store.append(entry(), invalid, entry()))).code).toBe('BAD_REQUEST');
      }
      expect(await store.list('a:chat-1')).toEqual([]);
      expect(await store.segmentsOf('a:chat-1')).toEqual([]);
    });

    it('lists segments oldest first with their span, size and linked requests', async () => {
      await store.append(entry({ segmentId: 'seg-a', at: at(0) }), entry({ segmentId: 'seg-a', at: at(5) }));
      await store.append(entry({ segmentId: 'seg-b', at: at(10) }));
      await store.append(entry({ conversationId: 'a:chat-2', segmentId: 'seg-c', at: at(1) }));
      await store.linkRequest('a:chat-1', 'seg-b', 'REQ-7K3F9Q');
      await store.linkRequest('a:chat-1', 'seg-b', 'REQ-ABCDEF');
      await store.linkRequest('a:chat-1', 'seg-b', 'REQ-7K3F9Q');

      expect(await store.segmentsOf('a:chat-1')).toEqual([
        {
          conversationId: 'a:chat-1',
          segmentId: 'seg-a',
          firstAt: at(0),
          lastAt: at(5),
          entryCount: 2,
          requestIds: [],
        },
        {
          conversationId: 'a:chat-1',
          segmentId: 'seg-b',
          firstAt: at(10),
          lastAt: at(10),
          entryCount: 1,
          requestIds: ['REQ-7K3F9Q', 'REQ-ABCDEF'],
        },
      ]);
      expect(await store.segmentsOf('a:none')).toEqual([]);
      expect(await store.latestSegmentId('a:chat-1')).toBe('seg-b');
      expect(await store.latestSegmentId('a:chat-2')).toBe('seg-c');
      expect(await store.latestSegmentId('a:none')).toBeUndefined();
    });

    it('names the segment of the most recently appended entry, not the latest timestamp', async () => {
      await store.append(entry({ segmentId: 'late', at: at(30) }));
      await store.append(entry({ segmentId: 'appended-last', at: at(10) }));
      expect(await store.latestSegmentId('a:chat-1')).toBe('appended-last');
    });

    it('reads a request’s transcript across the segments linked to it, and only those', async () => {
      const a1 = entry({ segmentId: 'seg-a', activity: { text: 'a1' } });
      const b1 = entry({ segmentId: 'seg-b', activity: { text: 'b1' } });
      const a2 = entry({ segmentId: 'seg-a', activity: { text: 'a2' } });
      const c1 = entry({ segmentId: 'seg-c', activity: { text: 'c1' } });
      const other = entry({ conversationId: 'a:chat-2', segmentId: 'seg-a', activity: { text: 'x' } });
      await store.append(a1, b1, a2, c1, other);
      await store.linkRequest('a:chat-1', 'seg-a', 'REQ-7K3F9Q');
      await store.linkRequest('a:chat-1', 'seg-c', 'REQ-7K3F9Q');
      await store.linkRequest('a:chat-1', 'seg-b', 'REQ-ABCDEF');
      expect(await store.listByRequest('REQ-7K3F9Q')).toEqual([a1, a2, c1]);
      expect(await store.listByRequest('REQ-ABCDEF')).toEqual([b1]);
      expect(await store.listByRequest('REQ-ZZZZZZ')).toEqual([]);
    });

    it('links only request ids, so nothing number-like becomes a link', async () => {
      await store.append(entry());
      for (const notAnId of ['09012345678', 'REQ-123456', 'req-7k3f9q', '', 'REQ-7K3F9Q ']) {
        expect((await caught(store.linkRequest('a:chat-1', 'seg-1', notAnId))).code).toBe('BAD_REQUEST');
      }
      expect(await store.segmentsOf('a:chat-1')).toEqual([expect.objectContaining({ requestIds: [] })]);
    });

    it('purges entries strictly older than the cutoff; one at the cutoff stays', async () => {
      const cutoff = at(60);
      const justBefore = entry({ segmentId: 'old', at: new Date(cutoff.getTime() - 1) });
      const mixedOld = entry({ segmentId: 'mixed', at: at(0) });
      const exactly = entry({ segmentId: 'mixed', at: cutoff });
      const after = entry({ segmentId: 'new', at: new Date(cutoff.getTime() + 1) });
      const elsewhere = entry({ conversationId: 'a:chat-2', at: at(1) });
      await store.append(justBefore, mixedOld, exactly, after, elsewhere);

      expect(await store.purgeOlderThan(cutoff)).toBe(3);
      expect(await store.list('a:chat-1')).toEqual([exactly, after]);
      expect(await store.list('a:chat-2')).toEqual([]);
      expect((await store.segmentsOf('a:chat-1')).map((s) => [s.segmentId, s.entryCount])).toEqual([
        ['mixed', 1],
        ['new', 1],
      ]);
      expect(await store.purgeOlderThan(cutoff)).toBe(0);
    });

    it('drops the links of a purged segment, keeps those of a segment that still has entries', async () => {
      // Links carry the store's own time of linking, so the cutoff lies after now.
      const cutoff = new Date(Date.now() + 3_600_000);
      await store.append(entry({ segmentId: 'gone', at: at(0) }), entry({ segmentId: 'mixed', at: at(0) }));
      await store.append(entry({ segmentId: 'mixed', at: cutoff }));
      await store.linkRequest('a:chat-1', 'gone', 'REQ-AAAAAA');
      await store.linkRequest('a:chat-1', 'mixed', 'REQ-BBBBBB');
      expect(await store.purgeOlderThan(cutoff)).toBe(2);

      // A later entry in the purged segment is not the old request's transcript any more.
      const later = entry({ segmentId: 'gone', at: minutesAfter(cutoff, 1), activity: { text: 'later' } });
      await store.append(later);
      expect(await store.listByRequest('REQ-AAAAAA')).toEqual([]);
      expect((await store.listByRequest('REQ-BBBBBB')).map((e) => e.at)).toEqual([cutoff]);
      expect(await store.segmentsOf('a:chat-1')).toEqual([
        expect.objectContaining({ segmentId: 'mixed', requestIds: ['REQ-BBBBBB'] }),
        expect.objectContaining({ segmentId: 'gone', requestIds: [] }),
      ]);
    });

    it('keeps a link made after the cutoff to a segment whose entries are not written yet', async () => {
      await store.linkRequest('a:chat-1', 'seg-new', 'REQ-7K3F9Q');
      expect(await store.purgeOlderThan(new Date(Date.now() - 3_600_000))).toBe(0);
      const first = entry({ segmentId: 'seg-new', at: new Date() });
      await store.append(first);
      expect(await store.listByRequest('REQ-7K3F9Q')).toEqual([first]);
    });

    it('purges many entries, and touches neither requests nor the audit trail', async () => {
      await ctx.stores.audit.append({ type: 'transcript.viewed', actor: null, data: {} });
      const many = Array.from({ length: 600 }, (_, i) => entry({ at: at(i % 50), activity: { i } }));
      await store.append(...many);
      await store.append(entry({ at: at(60), activity: { kept: true } }));
      expect(await store.purgeOlderThan(at(60))).toBe(600);
      expect((await store.list('a:chat-1')).map((e) => e.activity)).toEqual([{ kept: true }]);
      expect(await ctx.stores.audit.list()).toHaveLength(1);
    });
  });
}
