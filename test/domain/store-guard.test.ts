import { AuditKey, prepareAuditEvent, verifyChain, type AuditRecord } from '../../src/domain/audit';
import { createPendingRequest, transition } from '../../src/domain/request-lifecycle';
import type { ResetRequest } from '../../src/domain/reset-request';
import {
  chainAuditRecords,
  checkUpdate,
  closesRequest,
  leaseTerms,
  storableRequest,
} from '../../src/domain/store-guard';
import { isAppError } from '../../src/errors';

const SECRET = 'a-test-audit-secret-of-at-least-32-characters';
const ADMIN = { id: 'admin-aad', name: '佐藤 健' };
const PHONE = { graph: '+81 9012345678', international: '+81 90-1234-5678', national: '090-1234-5678' };
const AT = new Date('2026-03-02T01:00:00.000Z');

function pending(): ResetRequest {
  return createPendingRequest(
    {
      tenantId: 'tenant-1',
      requester: { aadObjectId: 'hanako-aad', teamsUserId: '29:hanako', name: '山田 花子' },
      locale: 'ja',
      newPhone: PHONE,
      verification: 'video_call',
      reason: '機種変更',
      diagnosis: {
        path: 'start>S1a',
        situation: 'S1a',
        errorCodes: [],
        workingMethods: [],
        lostOrStolen: false,
      },
    },
    AT,
  );
}

function thrown(work: () => unknown): { code: string; message: string } {
  try {
    work();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the guard to refuse');
}

describe('the store guard every backend calls', () => {
  it('keeps the full number on an open record and its slot for the requester', () => {
    const storable = storableRequest(pending());
    expect(storable.request.newPhone).toMatchObject(PHONE);
    expect(storable.openSlot).toBe('hanako-aad');
    expect(storable.createdAt).toBe(AT.toISOString());
  });

  it('wipes the full number from a final record, even one the caller left it on, and frees the slot', () => {
    const cancelled = transition(pending(), 'CANCELLED', ADMIN, AT);
    // The types forbid it; a careless caller in plain JSON could still send it.
    const withNumber = { ...cancelled, newPhone: { ...PHONE, lastTwo: '78' } } as unknown as ResetRequest;
    const storable = storableRequest(withNumber);
    expect(storable.request.newPhone).toEqual({ lastTwo: '78' });
    expect(JSON.stringify(storable.request)).not.toContain('9012345678');
    expect(storable.openSlot).toBeUndefined();
  });

  it('refuses a record that is not storable: a bad id or an invalid time', () => {
    expect(thrown(() => storableRequest({ ...pending(), id: 'not-an-id' }))).toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(thrown(() => storableRequest({ ...pending(), updatedAt: 'yesterday' }))).toEqual({
      code: 'BAD_REQUEST',
      message: 'updatedAt is not a valid time: "yesterday".',
    });
  });

  it('allows the lifecycle’s moves and refuses the others', () => {
    const current = pending();
    expect(() => checkUpdate(current, transition(current, 'APPROVED', ADMIN, AT))).not.toThrow();
    const done = { ...current, state: 'DONE' } as ResetRequest;
    expect(thrown(() => checkUpdate(current, done))).toEqual({
      code: 'CONFLICT',
      message: `Request ${current.id} cannot move from PENDING to DONE.`,
    });
  });

  it('never lets an update change whom the request is for or when it was made', () => {
    const current = pending();
    const someoneElse = { ...current, requester: { ...current.requester, aadObjectId: 'attacker-aad' } };
    expect(thrown(() => checkUpdate(current, someoneElse)).code).toBe('BAD_REQUEST');
    expect(thrown(() => checkUpdate(current, { ...current, tenantId: 'other' })).code).toBe('BAD_REQUEST');
    expect(thrown(() => checkUpdate(current, { ...current, createdAt: AT.toISOString() + 'x' })).code).toBe(
      'BAD_REQUEST',
    );
  });

  it('says when an update closes a request (old copies of the number should be wiped then)', () => {
    const current = pending();
    expect(closesRequest(current, transition(current, 'DENIED', ADMIN, AT))).toBe(true);
    expect(closesRequest(current, transition(current, 'APPROVED', ADMIN, AT))).toBe(false);
  });

  it('chains records after the head with the key, so the verifier accepts what it built', () => {
    const key = AuditKey.fromSecret(SECRET);
    const events = [
      prepareAuditEvent({ type: 'request.created', requestId: pending().id, actor: ADMIN }),
      prepareAuditEvent({ type: 'request.viewed', actor: null, data: { phone: '090-1234-5678' } }),
    ];
    const first = chainAuditRecords(events.slice(0, 1), undefined, () => AT, key);
    const head = { seq: first[0]?.record.seq ?? 0, hash: first[0]?.record.hash ?? '' };
    const rest = chainAuditRecords(events.slice(1), head, () => AT, key);
    const records: AuditRecord[] = [...first, ...rest].map((linked) => linked.record);
    expect(records.map((record) => record.seq)).toEqual([1, 2]);
    expect(records[1]?.prevHash).toBe(records[0]?.hash);
    expect(rest[0]?.dataJson).not.toContain('1234-5678');
    expect(verifyChain(records, SECRET)).toEqual({
      ok: true,
      count: 2,
      head: { seq: 2, hash: records[1]?.hash },
    });
    // The same events under another key do not verify: the key is part of every link.
    expect(verifyChain(records, `${SECRET}-other`).ok).toBe(false);
  });

  it('checks a lease request and gives the times a backend compares', () => {
    expect(leaseTerms('sweeper', 'host:1', 30_000, AT)).toEqual({
      now: AT.toISOString(),
      until: new Date(AT.getTime() + 30_000).toISOString(),
    });
    expect(thrown(() => leaseTerms('', 'host:1', 1, AT)).code).toBe('BAD_REQUEST');
    expect(thrown(() => leaseTerms('sweeper', ' ', 1, AT)).code).toBe('BAD_REQUEST');
    expect(thrown(() => leaseTerms('sweeper', 'host:1', 0, AT)).code).toBe('BAD_REQUEST');
    expect(thrown(() => leaseTerms('sweeper', 'host:1', 1.5, AT)).code).toBe('BAD_REQUEST');
    expect(thrown(() => leaseTerms('sweeper', 'host:1', 1, new Date(Number.NaN))).code).toBe('BAD_REQUEST');
  });
});
