import { isAppError } from '../../src/errors';
import {
  ALLOWED_TRANSITIONS,
  canTransition,
  createPendingRequest,
  isFinal,
  isOpen,
  isOpenRequest,
  redactIfFinal,
  transition,
  type NewResetRequestInput,
} from '../../src/domain/request-lifecycle';
import {
  FINAL_STATES,
  OPEN_STATES,
  REQUEST_ID_ALPHABET,
  REQUEST_STATES,
  isRequestId,
  newRequestId,
  type RequestState,
  type ResetRequest,
} from '../../src/domain/reset-request';
import { actionsFor } from '../../src/domain/approver-choices';

const CREATED = new Date('2025-01-06T00:00:00.000Z');
const LATER = new Date('2025-01-06T00:05:00.000Z');
const admin = { id: 'admin-aad', name: 'Sato Admin' };

const input: NewResetRequestInput = {
  tenantId: 'tenant-1',
  requester: { aadObjectId: 'user-aad', teamsUserId: '29:user', name: 'Tanaka Hanako' },
  locale: 'ja',
  newPhone: { graph: '+81 9012345678', international: '+81 90-1234-5678', national: '090-1234-5678' },
  verification: 'video_call',
  reason: 'Phone lost on the train',
  diagnosis: {
    path: 'start>S1b>work>noMfa',
    situation: 'S1b',
    errorCodes: [],
    workingMethods: [],
    lostOrStolen: true,
  },
};

/** Walks the shortest allowed path from PENDING to `state`. */
function requestIn(state: RequestState): ResetRequest {
  const paths: Record<RequestState, RequestState[]> = {
    PENDING: [],
    APPROVED: ['APPROVED'],
    EXECUTING: ['APPROVED', 'EXECUTING'],
    DONE: ['APPROVED', 'EXECUTING', 'DONE'],
    PARTIAL: ['APPROVED', 'EXECUTING', 'PARTIAL'],
    FAILED: ['APPROVED', 'EXECUTING', 'FAILED'],
    DENIED: ['DENIED'],
    CANCELLED: ['CANCELLED'],
    EXPIRED: ['EXPIRED'],
  };
  return paths[state].reduce<ResetRequest>(
    (request, to) => transition(request, to, admin, LATER),
    createPendingRequest(input, CREATED),
  );
}

const ALLOWED: Array<[RequestState, RequestState]> = [
  ['PENDING', 'APPROVED'],
  ['PENDING', 'DENIED'],
  ['PENDING', 'CANCELLED'],
  ['PENDING', 'EXPIRED'],
  ['APPROVED', 'EXECUTING'],
  ['EXECUTING', 'DONE'],
  ['EXECUTING', 'PARTIAL'],
  ['EXECUTING', 'FAILED'],
];

const allPairs = REQUEST_STATES.flatMap((from) =>
  REQUEST_STATES.map((to): [RequestState, RequestState] => [from, to]),
);
const DISALLOWED = allPairs.filter(([from, to]) => !ALLOWED.some(([f, t]) => f === from && t === to));

describe('transition table', () => {
  it('is exactly the lifecycle of DESIGN.md section 3', () => {
    const table = REQUEST_STATES.flatMap((from) => ALLOWED_TRANSITIONS[from].map((to) => [from, to]));
    expect(table).toEqual(ALLOWED);
  });

  it('has open and final states that partition all states', () => {
    expect(REQUEST_STATES.filter(isOpen)).toEqual([...OPEN_STATES]);
    expect(REQUEST_STATES.filter(isFinal)).toEqual([...FINAL_STATES]);
    for (const state of FINAL_STATES) {
      expect(ALLOWED_TRANSITIONS[state]).toEqual([]);
    }
  });
});

describe('transition: allowed moves', () => {
  it.each(ALLOWED)('%s → %s returns a new record with the move in its history', (from, to) => {
    const before = requestIn(from);
    const snapshot = structuredClone(before);
    const at = new Date('2025-01-06T01:00:00.000Z');

    const after = transition(before, to, admin, at, 'note for the audit');

    expect(before).toEqual(snapshot);
    expect(after).not.toBe(before);
    expect(after.state).toBe(to);
    expect(after.updatedAt).toBe(at.toISOString());
    expect(after.createdAt).toBe(before.createdAt);
    expect(after.history).toHaveLength(before.history.length + 1);
    expect(after.history.at(-1)).toEqual({
      at: at.toISOString(),
      actorId: admin.id,
      actorName: admin.name,
      from,
      to,
      note: 'note for the audit',
    });
  });

  it.each(ALLOWED.filter(([, to]) => isFinal(to)))('%s → %s keeps only the last two digits', (from, to) => {
    const after = transition(requestIn(from), to, admin, LATER);
    expect(after.newPhone).toEqual({ lastTwo: '78' });
    expect(JSON.stringify(after)).not.toMatch(/1234|5678/);
  });

  it.each(ALLOWED.filter(([, to]) => isOpen(to)))(
    '%s → %s keeps the full number for the approver',
    (from, to) => {
      const after = transition(requestIn(from), to, admin, LATER);
      expect(after.newPhone).toEqual({ ...input.newPhone, lastTwo: '78' });
    },
  );

  it('omits the note when none is given', () => {
    expect(transition(requestIn('PENDING'), 'APPROVED', admin, LATER).history.at(-1)).not.toHaveProperty(
      'note',
    );
  });
});

describe('transition: disallowed moves', () => {
  const sample = DISALLOWED.filter((_, index) => index % 3 === 0).concat([
    ['EXECUTING', 'EXECUTING'],
    ['PENDING', 'EXECUTING'],
    ['PENDING', 'DONE'],
    ['APPROVED', 'DENIED'],
    ['DONE', 'PENDING'],
    ['DENIED', 'APPROVED'],
  ]);

  it.each(sample)('%s → %s throws CONFLICT and leaves the record alone', (from, to) => {
    const before = requestIn(from);
    const snapshot = structuredClone(before);
    let error: unknown;
    try {
      transition(before, to, admin, LATER);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'CONFLICT')).toBe(true);
    expect(before).toEqual(snapshot);
  });

  it('agrees with canTransition for every pair', () => {
    for (const [from, to] of allPairs) {
      expect([from, to, canTransition(from, to)]).toEqual([
        from,
        to,
        ALLOWED.some(([f, t]) => f === from && t === to),
      ]);
    }
  });
});

describe('createPendingRequest', () => {
  it('opens a PENDING request created by the requester', () => {
    const request = createPendingRequest(input, CREATED);
    expect(isRequestId(request.id)).toBe(true);
    expect(request).toMatchObject({
      state: 'PENDING',
      createdAt: CREATED.toISOString(),
      updatedAt: CREATED.toISOString(),
      newPhone: { ...input.newPhone, lastTwo: '78' },
    });
    expect(request.history).toEqual([
      {
        at: CREATED.toISOString(),
        actorId: 'user-aad',
        actorName: 'Tanaka Hanako',
        from: null,
        to: 'PENDING',
      },
    ]);
    expect(isOpenRequest(request)).toBe(true);
  });
});

describe('a lost or stolen phone reported before there is a new number', () => {
  const { newPhone: _number, ...withoutNumber } = input;

  it('is filed without one, and stays without one through its final state', () => {
    const pending = createPendingRequest(withoutNumber, CREATED);
    expect(pending.newPhone).toBeUndefined();
    const approved = transition(pending, 'APPROVED', admin, LATER);
    const done = transition(transition(approved, 'EXECUTING', admin, LATER), 'DONE', admin, LATER);
    expect(done.newPhone).toBeUndefined();
    expect(redactIfFinal(done)).not.toHaveProperty('newPhone');
    expect(actionsFor(pending)).toEqual(['re_register', 're_register_without_tap']);
  });

  it('is the only request that may have no number', () => {
    const changed = {
      ...withoutNumber,
      diagnosis: { ...input.diagnosis, situation: 'S1a', lostOrStolen: false },
    };
    expect(() => createPendingRequest(changed, CREATED)).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });

  it('a request with a number still loses it at its final state, and offers every action', () => {
    const pending = createPendingRequest(input, CREATED);
    expect(actionsFor(pending)).toContain('replace_phone');
    const denied = transition(pending, 'DENIED', admin, LATER);
    expect(denied.newPhone).toEqual({ lastTwo: '78' });
  });
});

describe('redactIfFinal', () => {
  it('strips the number from a final record that skipped transition, and leaves open ones alone', () => {
    const open = requestIn('APPROVED');
    expect(redactIfFinal(open)).toBe(open);
    const forged = { ...open, state: 'DONE' } as unknown as ResetRequest;
    expect(redactIfFinal(forged).newPhone).toEqual({ lastTwo: '78' });
  });
});

describe('request ids', () => {
  const ids = Array.from({ length: 2000 }, () => newRequestId());

  it('are REQ- and six characters of the unambiguous alphabet with at least two letters', () => {
    for (const id of ids) {
      expect(id).toMatch(/^REQ-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/);
      expect(id.slice(4).replace(/[0-9]/g, '').length).toBeGreaterThanOrEqual(2);
      expect(isRequestId(id)).toBe(true);
    }
  });

  it('never use look-alike characters', () => {
    expect(REQUEST_ID_ALPHABET).not.toMatch(/[01ILO]/);
    expect(ids.map((id) => id.slice(4)).join('')).not.toMatch(/[01ILO]/);
  });

  // Uniqueness is not asserted here: with ~8.8e8 ids a birthday collision in a sample is merely
  // unlikely, so the store refuses a taken id instead (see sqlite-request-store.test.ts).
  it('draw on the whole alphabet', () => {
    expect(new Set(ids.map((id) => id.slice(4)).join(''))).toEqual(new Set(REQUEST_ID_ALPHABET));
  });

  it.each([
    'REQ-123456',
    'REQ-A23456',
    'REQ-7K3F9',
    'REQ-7K3F9QQ',
    'REQ-7k3f9q',
    'REQ-7K3F0Q',
    'req-7K3F9Q',
    7,
  ])('rejects %p', (value) => {
    expect(isRequestId(value)).toBe(false);
  });

  it('accepts the example from the design', () => {
    expect(isRequestId('REQ-7K3F9Q')).toBe(true);
  });
});
