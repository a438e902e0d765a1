/**
 * JSON batching (learn.microsoft.com/graph/json-batching): the emulator's `POST /v1.0/$batch`, and
 * `GraphHttp.together`, which sends the reads a caller needs together as one batch. Real HTTPS
 * against the emulator throughout.
 */
import { createCredential } from '../../src/adapters/graph/credential';
import { GRAPH_BATCH_LIMIT, GraphHttp, type GraphCall } from '../../src/adapters/graph/graph-http';
import { isAppError } from '../../src/errors';
import { Gate, type GraphEmulator } from '../../tools/graph-emulator';
import {
  HANAKO,
  MAKOTO,
  UNKNOWN_USER,
  directoryFor,
  rawCall,
  rawToken,
  startEmulator,
} from './graph-test-kit';

let emulator: GraphEmulator;
let http: GraphHttp;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset();
  http = new GraphHttp({
    graphBaseUrl: emulator.url,
    credential: createCredential(
      { kind: 'clientSecret', tenantId: emulator.tenantId, clientId: 'helpdesk-bot', clientSecret: 's3cret' },
      emulator.url,
    ),
    timeoutMs: 2_000,
    maxRetries: 3,
    maxRetryAfterSeconds: 5,
  });
});

const getUser = (id: string): GraphCall => ({
  method: 'GET',
  path: `/users/${id}`,
  query: { $select: 'id,displayName' },
  operation: 'get user',
});

const getManager = (id: string): GraphCall => ({
  method: 'GET',
  path: `/users/${id}/manager`,
  operation: 'get manager',
});

interface BatchAnswer {
  responses: Array<{ id: string; status: number; headers: Record<string, string>; body?: unknown }>;
}

async function postBatch(body: unknown): Promise<{ status: number; body: BatchAnswer }> {
  const answer = await rawCall(emulator, await rawToken(emulator), 'POST', '/v1.0/$batch', body);
  return { status: answer.status, body: answer.body as BatchAnswer };
}

describe('the emulator’s $batch', () => {
  it('answers each request as if it had come alone, under its own route, with its own status', async () => {
    const { status, body } = await postBatch({
      requests: [
        { id: 'a', method: 'GET', url: `/users/${HANAKO}?$select=id,displayName` },
        { id: 'b', method: 'GET', url: `users/${UNKNOWN_USER}` },
      ],
    });
    expect(status).toBe(200);
    const byId = new Map(body.responses.map((r) => [r.id, r]));
    expect(byId.get('a')).toMatchObject({ status: 200, body: { id: HANAKO } });
    expect(byId.get('b')).toMatchObject({
      status: 404,
      body: { error: { code: 'Request_ResourceNotFound' } },
    });
    expect(emulator.graphRequests().map((r) => r.route)).toEqual(['getUser', 'getUser']);
    expect(emulator.requestsFor('batch')).toHaveLength(1);
  });

  it('applies a fault to the request it names, not to the batch or its other requests', async () => {
    emulator.faults.inject({
      route: 'getManager',
      times: 1,
      action: { kind: 'status', status: 429, retryAfterSeconds: 3 },
    });
    const { status, body } = await postBatch({
      requests: [
        { id: '1', method: 'GET', url: `/users/${HANAKO}` },
        { id: '2', method: 'GET', url: `/users/${HANAKO}/manager` },
      ],
    });
    expect(status).toBe(200);
    const byId = new Map(body.responses.map((r) => [r.id, r]));
    expect(byId.get('1')).toMatchObject({ status: 200 });
    expect(byId.get('2')).toMatchObject({ status: 429, headers: { 'Retry-After': '3' } });
  });

  it('refuses an empty batch, one over the limit, duplicate ids and a batch inside a batch', async () => {
    const one = { id: '1', method: 'GET', url: `/users/${HANAKO}` };
    expect((await postBatch({ requests: [] })).status).toBe(400);
    const many = Array.from({ length: GRAPH_BATCH_LIMIT + 1 }, (_, i) => ({ ...one, id: String(i) }));
    expect((await postBatch({ requests: many })).status).toBe(400);
    expect((await postBatch({ requests: [one, one] })).status).toBe(400);
    const nested = await postBatch({ requests: [{ id: '1', method: 'POST', url: '/$batch', body: {} }] });
    expect(nested.body.responses[0]).toMatchObject({ status: 400 });
  });
});

describe('GraphHttp.together', () => {
  it('sends the reads started together as one batch and gives each its own answer', async () => {
    const [user, manager] = await http.together(() =>
      Promise.all([
        http.call<{ id: string }>(getUser(HANAKO)),
        http.call<{ id: string }>(getManager(HANAKO)),
      ]),
    );
    expect(user.body?.id).toBe(HANAKO);
    expect(manager.status).toBe(200);
    expect(manager.requestId).toEqual(expect.any(String));
    expect(emulator.requestsFor('batch')).toHaveLength(1);
    expect(
      emulator
        .graphRequests()
        .map((r) => r.route)
        .sort(),
    ).toEqual(['getManager', 'getUser']);
    // The query travels encoded, as it would alone.
    expect(emulator.requestsFor('getUser')[0]?.query).toEqual({ $select: 'id,displayName' });
  });

  it('fails only the read that failed', async () => {
    const [user, missing] = await http.together(() =>
      Promise.allSettled([http.call(getUser(HANAKO)), http.call(getUser(UNKNOWN_USER))]),
    );
    expect(user.status).toBe('fulfilled');
    expect(missing.status === 'rejected' && isAppError(missing.reason, 'NOT_FOUND')).toBe(true);
  });

  it('retries a read throttled inside the batch alone, after its Retry-After', async () => {
    emulator.faults.inject({
      route: 'getManager',
      times: 1,
      action: { kind: 'status', status: 429, retryAfterSeconds: 1 },
    });
    const started = Date.now();
    const [, manager] = await http.together(() =>
      Promise.all([http.call(getUser(HANAKO)), http.call(getManager(HANAKO))]),
    );
    expect(manager.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(emulator.requestsFor('getManager').map((r) => r.status)).toEqual([429, 200]);
    expect(emulator.requestsFor('batch')).toHaveLength(1);
  });

  it('gives a read throttled in a batch the attempts it would have had alone, no more', async () => {
    emulator.faults.inject({
      route: 'getManager',
      action: { kind: 'status', status: 429, retryAfterSeconds: 0 },
    });
    const [user, manager] = await http.together(() =>
      Promise.allSettled([http.call(getUser(HANAKO)), http.call(getManager(HANAKO))]),
    );
    expect(user.status).toBe('fulfilled');
    expect(manager.status === 'rejected' && isAppError(manager.reason, 'THROTTLED')).toBe(true);
    // One in the batch and three retries alone: the configured maxRetries of 3.
    expect(emulator.requestsFor('getManager')).toHaveLength(4);
  });

  it('fails every read of a batch that does not come back in time', async () => {
    const gate = new Gate();
    emulator.faults.inject({ route: 'getManager', action: { kind: 'gate', gate } });
    const results = await http.together(() =>
      Promise.allSettled([http.call(getUser(HANAKO)), http.call(getManager(HANAKO))]),
    );
    gate.open();
    expect(results.map((r) => r.status === 'rejected' && isAppError(r.reason, 'TIMEOUT'))).toEqual([
      true,
      true,
    ]);
  });

  it('sends a read alone when it is alone, and writes never in a batch', async () => {
    await http.together(() => http.call(getUser(HANAKO)));
    await http.together(() =>
      Promise.all([
        http.call(getUser(HANAKO)),
        http.call({
          method: 'POST',
          path: `/users/${HANAKO}/checkMemberGroups`,
          body: { groupIds: [] },
          operation: 'check member groups',
        }),
      ]),
    );
    expect(emulator.requestsFor('batch')).toHaveLength(0);
  });

  it('splits more reads than a batch holds into several batches', async () => {
    const reads = Array.from({ length: GRAPH_BATCH_LIMIT + 5 }, () => getUser(HANAKO));
    const results = await http.together(() => Promise.all(reads.map((read) => http.call(read))));
    expect(results.every((result) => result.status === 200)).toBe(true);
    expect(
      emulator.requestsFor('batch').map((r) => (r.body as { requests: unknown[] }).requests.length),
    ).toEqual([GRAPH_BATCH_LIMIT, 5]);
  });
});

describe('the privilege check', () => {
  it('reads its first wave of six in one batch, and reports what it reported alone', async () => {
    const report = await directoryFor(emulator).getPrivilege(MAKOTO);
    expect(report.privileged).toBe(true);
    const [first] = emulator.requestsFor('batch');
    const urls = (first?.body as { requests: Array<{ url: string }> }).requests.map(
      (r) => r.url.split('?')[0],
    );
    expect(urls).toHaveLength(6);
    expect(urls).toEqual(
      expect.arrayContaining([
        '/roleManagement/directory/roleAssignments',
        '/roleManagement/directory/roleEligibilityScheduleInstances',
        `/users/${MAKOTO}/transitiveMemberOf`,
        '/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
        '/identityGovernance/privilegedAccess/group/assignmentScheduleInstances',
        '/groups',
      ]),
    );
  });
});
