import {
  GENESIS_HASH,
  verifyChainAsync,
  type AuditEvent,
  type AuditRecord,
  type ChainHead,
} from '../../src/domain/audit';
import { transition } from '../../src/domain/request-lifecycle';
import type { AuditLog } from '../../src/ports/audit-log';
import { CONTRACT_AUDIT_SECRET, caught, useBackend, type ContractBackend } from './backend';
import { ADMIN, PHONE, pending } from './fixtures';

const REQUESTER = { id: '00000000-0000-4000-8000-000000000002', name: 'Tanaka Hanako' };

function sampleEvents(): AuditEvent[] {
  return [
    { type: 'request.created', requestId: 'REQ-7K3F9Q', actor: REQUESTER, data: { situation: 'S1a' } },
    { type: 'request.viewed', requestId: 'REQ-7K3F9Q', actor: ADMIN },
    { type: 'review.listed', actor: ADMIN, data: { count: 1 } },
    { type: 'request.approved', requestId: 'REQ-7K3F9Q', actor: ADMIN, data: { verification: 'video_call' } },
    { type: 'graph.step', requestId: 'REQ-7K3F9Q', actor: null, data: { step: 'deleteMethod', ok: true } },
    { type: 'request.created', requestId: 'REQ-AB3CD4', actor: ADMIN, data: {} },
    { type: 'request.denied', requestId: 'REQ-AB3CD4', actor: ADMIN, data: { note: 'duplicate' } },
  ];
}

async function appendAll(log: AuditLog, events: readonly AuditEvent[]): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (const event of events) records.push(await log.append(event));
  return records;
}

async function collect(source: AsyncIterable<AuditRecord>): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for await (const record of source) records.push(record);
  return records;
}

const headOf = (record: AuditRecord): ChainHead => ({ seq: record.seq, hash: record.hash });

/** `AuditLog`: the append-only HMAC chain, atomic appends across instances, reads for the verifier. */
export function auditContract(backend: ContractBackend): void {
  describe(`${backend.name}: audit`, () => {
    const ctx = useBackend(backend);
    let log: AuditLog;
    beforeEach(() => {
      log = ctx.stores.audit;
    });

    it('starts empty', async () => {
      expect(await log.head()).toBeUndefined();
      expect(await log.list()).toEqual([]);
      expect(await collect(log.all())).toEqual([]);
      expect(await verifyChainAsync(log.all(), CONTRACT_AUDIT_SECRET)).toEqual({
        ok: true,
        count: 0,
        head: undefined,
      });
    });

    it('links each record after the one before it and returns it exactly as stored', async () => {
      const records = await appendAll(log, sampleEvents());
      expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(records[0].prevHash).toBe(GENESIS_HASH);
      for (let i = 1; i < records.length; i++) expect(records[i].prevHash).toBe(records[i - 1].hash);
      expect(records[0]).toMatchObject({
        type: 'request.created',
        requestId: 'REQ-7K3F9Q',
        actor: REQUESTER,
        data: { situation: 'S1a' },
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      });
      expect(records[2]).not.toHaveProperty('requestId');
      expect(records[4].actor).toBeNull();
      expect(await log.list()).toEqual(records);
      expect(await collect(log.all())).toEqual(records);
      expect(await log.head()).toEqual(headOf(records[6]));
    });

    it('writes the new head to the log after every append', async () => {
      const records = await appendAll(log, sampleEvents().slice(0, 3));
      expect(ctx.loggedHeads()).toEqual(records.map(headOf));
    });

    it('verifies with the key and the logged heads, and not with another key', async () => {
      await appendAll(log, sampleEvents());
      expect(await verifyChainAsync(log.all(), CONTRACT_AUDIT_SECRET, ctx.loggedHeads())).toEqual({
        ok: true,
        count: 7,
        head: await log.head(),
      });
      expect(await verifyChainAsync(log.all(), 'another-secret-of-enough-length-0123456789')).toEqual({
        ok: false,
        brokenAt: 1,
        reason: 'hash_mismatch',
      });
    });

    it('filters by request, types, time and seq, oldest first, with a limit', async () => {
      const records = await appendAll(log, sampleEvents());
      const seqs = (list: AuditRecord[]): number[] => list.map((r) => r.seq);
      expect(seqs(await log.list({ requestId: 'REQ-AB3CD4' }))).toEqual([6, 7]);
      expect(seqs(await log.list({ types: ['request.created', 'graph.step'] }))).toEqual([1, 5, 6]);
      expect(seqs(await log.list({ afterSeq: 5 }))).toEqual([6, 7]);
      expect(seqs(await log.list({ limit: 2 }))).toEqual([1, 2]);
      expect(seqs(await log.list({ requestId: 'REQ-7K3F9Q', afterSeq: 1, limit: 2 }))).toEqual([2, 4]);
      // Times come from the store's clock: take the boundaries from what it stored.
      const since = new Date(records[3].at);
      const fromSince = await log.list({ since });
      expect(fromSince.every((r) => r.at >= records[3].at)).toBe(true);
      expect(seqs(fromSince)).toContain(4);
      const untilSince = await log.list({ until: since });
      expect(untilSince.every((r) => r.at < records[3].at)).toBe(true);
      expect(seqs(untilSince).length + seqs(fromSince).length).toBe(7);
    });

    it('reads everything in pages of any size, from any seq', async () => {
      const records = await appendAll(log, sampleEvents());
      for (const pageSize of [1, 2, 3, 7, 100]) {
        expect(await collect(log.all({ pageSize }))).toEqual(records);
      }
      expect(await collect(log.all({ afterSeq: 4, pageSize: 2 }))).toEqual(records.slice(4));
      expect(await collect(log.all({ afterSeq: 7 }))).toEqual([]);
    });

    it('redacts data before it is hashed and stored', async () => {
      const record = await log.append({
        type: 'request.refused',
        actor: ADMIN,
        data: { typed: `my number is ${PHONE.national}`, temporaryAccessPass: 'Tap-Secret-123' },
      });
      const stored = JSON.stringify(await log.list());
      expect(stored).not.toContain('1234-5678');
      expect(stored).not.toContain('Tap-Secret-123');
      expect(record.data.typed).toContain('78');
      expect(await verifyChainAsync(log.all(), CONTRACT_AUDIT_SECRET)).toMatchObject({ ok: true });
    });

    it('refuses an invalid event and stores nothing', async () => {
      const invalid = [
        { type: 'request.teleported', actor: ADMIN },
        { type: 'request.created', requestId: '090-1234-5678', actor: ADMIN },
        { type: 'request.created', actor: { id: '', name: 'x' } },
        { type: 'request.created', actor: ADMIN, data: ['not', 'an', 'object'] },
      ] as unknown as AuditEvent[];
      for (const event of invalid) expect((await caught(log.append(event))).code).toBe('BAD_REQUEST');
      expect(await log.head()).toBeUndefined();
      expect(ctx.loggedHeads()).toEqual([]);
    });

    it('keeps one valid chain while several instances append at once', async () => {
      const logs = [log, (await ctx.peer()).audit, (await ctx.peer()).audit];
      const perWriter = 15;
      await Promise.all(
        logs.flatMap((writer, w) =>
          Array.from({ length: perWriter }, (_, i) =>
            writer.append({ type: 'request.viewed', actor: ADMIN, data: { writer: w, i } }),
          ),
        ),
      );
      const records = await collect(log.all({ pageSize: 10 }));
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
      const landed = new Set(records.map((r) => `${String(r.data.writer)}:${String(r.data.i)}`));
      expect(landed.size).toBe(45);
      expect(await verifyChainAsync(log.all(), CONTRACT_AUDIT_SECRET, ctx.loggedHeads())).toEqual({
        ok: true,
        count: 45,
        head: await log.head(),
      });
    });

    it('keeps one valid chain while request changes and plain appends interleave across instances', async () => {
      const peer = await ctx.peer();
      const instances = [ctx.stores, peer];
      const created = await Promise.all(
        [0, 1, 2, 3].map((i) => instances[i % 2].requests.create(pending({ aadObjectId: `user-${i}` }))),
      );
      await Promise.all([
        ...created.map((c, i) =>
          instances[(i + 1) % 2].requests.update(
            transition(c.request, 'APPROVED', ADMIN, new Date()),
            c.eTag,
            [{ type: 'request.approved', requestId: c.request.id, actor: ADMIN }],
          ),
        ),
        ...Array.from({ length: 8 }, (_, i) =>
          instances[i % 2].audit.append({ type: 'review.listed', actor: ADMIN, data: { i } }),
        ),
      ]);
      const approvals = await log.list({ types: ['request.approved'] });
      expect(approvals.map((r) => r.requestId).sort()).toEqual(created.map((c) => c.request.id).sort());
      const verified = await verifyChainAsync(peer.audit.all(), CONTRACT_AUDIT_SECRET, ctx.loggedHeads());
      expect(verified).toEqual({ ok: true, count: 12, head: await peer.audit.head() });
    });

    const tamper = backend.tamper;
    if (tamper !== undefined) {
      describe('tampering', () => {
        it('shows an edited record where it was edited', async () => {
          await appendAll(log, sampleEvents());
          await tamper.editData(ctx.stores, 3, { count: 1000 });
          expect(await verifyChainAsync(log.all(), CONTRACT_AUDIT_SECRET)).toEqual({
            ok: false,
            brokenAt: 3,
            reason: 'hash_mismatch',
          });
        });

        it('shows a removed record as a gap, and a removed last record against the logged head', async () => {
          await appendAll(log, sampleEvents());
          const heads = ctx.loggedHeads();
          await tamper.remove(ctx.stores, 7);
          expect(await verifyChainAsync(log.all(), CONTRACT_AUDIT_SECRET)).toMatchObject({ ok: true });
          expect(await verifyChainAsync(log.all(), CONTRACT_AUDIT_SECRET, heads)).toEqual({
            ok: false,
            brokenAt: 7,
            reason: 'truncated',
          });
          await tamper.remove(ctx.stores, 4);
          expect(await verifyChainAsync(log.all(), CONTRACT_AUDIT_SECRET)).toEqual({
            ok: false,
            brokenAt: 4,
            reason: 'seq_gap',
          });
        });
      });
    }
  });
}
