/**
 * Graph failing under the executor: refused (403), throttled past the retries (429), unavailable
 * (503) and too slow (the adapter's timeout), at the first call, at the first change and midway;
 * and targets that are privileged by the time the request runs. Never "DONE" when Graph did not
 * do it, and FAILED only when nothing changed.
 */
import type { ResetExecutor } from '../../src/requests/reset-executor';
import type { ResetRequest } from '../../src/domain/reset-request';
import type { Directory } from '../../src/ports/directory';
import type { FaultAction, GraphEmulator } from '../../tools/graph-emulator';
import {
  ALTERNATE_MOBILE_ID,
  HANAKO,
  ICHIRO,
  MAKOTO,
  OLIVIA,
  directoryFor,
  startEmulator,
} from '../graph/graph-test-kit';
import {
  TARO,
  approvedRequest,
  executorFor,
  executorSeed,
  load,
  openHarness,
  tempFolder,
  type Harness,
  changesSent,
} from './executor-test-kit';

const TIMEOUT_MS = 1_000;

type FaultName = '403' | '429 past the retries' | '503' | 'timeout';

const FAULTS: Record<FaultName, { action: FaultAction; code: string }> = {
  '403': {
    action: {
      kind: 'status',
      status: 403,
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges.',
    },
    code: 'FORBIDDEN',
  },
  '429 past the retries': {
    action: { kind: 'status', status: 429, retryAfterSeconds: 0 },
    code: 'THROTTLED',
  },
  '503': { action: { kind: 'status', status: 503, retryAfterSeconds: 0 }, code: 'UNAVAILABLE' },
  // Longer than the adapter's timeout; unref'd in the emulator, so it never holds the test up.
  timeout: { action: { kind: 'delay', ms: TIMEOUT_MS * 2.5 }, code: 'TIMEOUT' },
};

const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

describe('ResetExecutor when Graph fails', () => {
  const folder = tempFolder();
  let emulator: GraphEmulator;
  let directory: Directory;
  let harness: Harness;
  let executor: ResetExecutor;
  let counter = 0;

  beforeAll(async () => {
    emulator = await startEmulator(executorSeed());
    directory = directoryFor(emulator, { timeoutMs: TIMEOUT_MS });
  });

  afterAll(async () => {
    await emulator.close();
    folder.cleanup();
  });

  beforeEach(() => {
    emulator.reset();
    counter += 1;
    harness = openHarness(folder.path(`failures-${counter}.sqlite`));
    executor = executorFor(harness, directory);
  });

  afterEach(() => harness.close());

  async function run(options: Parameters<typeof approvedRequest>[1]): Promise<ResetRequest> {
    const { request } = await approvedRequest(harness.requests, options);
    await executor.runOnce();
    return load(harness.requests, request.id);
  }

  const hanako = { aadObjectId: HANAKO, name: '山田 花子' };

  /** What everyone is told once the request settles in `state`. */
  function expectSettledNotices(request: ResetRequest, state: 'FAILED' | 'PARTIAL'): void {
    const calls = harness.notifier.callsFor(request.id);
    expect(calls[0]).toMatchObject({ method: 'updateApprovalCard', state: 'EXECUTING' });
    const final = calls.filter((c) => c.state === state).map((c) => c.method);
    // Security notices only when something was reset.
    expect(final).toEqual(
      state === 'FAILED'
        ? ['updateApprovalCard', 'tellRequesterOutcome']
        : ['updateApprovalCard', 'tellRequesterOutcome', 'sendResetNotices'],
    );
    expect(calls.some((c) => c.state === 'DONE')).toBe(false);
  }

  async function settledAudit(id: string) {
    return (await harness.audit.list({ requestId: id, types: ['request.settled'] })).map(
      (r) => r.data.outcome,
    );
  }

  describe.each(FAULT_NAMES)('%s', (faultName) => {
    const fault = FAULTS[faultName];

    it('at the first Graph call (the privilege check): FAILED, nothing sent that changes anything', async () => {
      emulator.inject('listRoleAssignments', fault.action);
      const settled = await run({ requester: hanako });

      expect(settled.state).toBe('FAILED');
      expect(changesSent(emulator)).toEqual([]);
      expect(emulator.state.methodsOf(HANAKO)).toHaveLength(3);
      expect(settled.execution?.steps.map((s) => `${s.name}:${s.status}:${s.error ?? ''}`)).toEqual([
        'awaitReleaseCode:started:',
        'awaitReleaseCode:succeeded:',
        'checkPrivilege:started:',
        `checkPrivilege:failed:${fault.code}`,
        'notices:started:',
        'notices:succeeded:',
      ]);
      expect(settled.history.at(-1)?.note).toBe(`checkPrivilege: ${fault.code}`);
      expect(settled.newPhone).toEqual({ lastTwo: '32' });
      expectSettledNotices(settled, 'FAILED');
      expect(await settledAudit(settled.id)).toEqual(['FAILED']);
      const failedStep = (await harness.audit.list({ requestId: settled.id, types: ['graph.step'] })).at(-1);
      expect(failedStep?.data).toMatchObject({
        step: 'checkPrivilege',
        outcome: 'failed',
        errorCode: fault.code,
      });
      if (faultName === '429 past the retries') {
        expect(emulator.requestsFor('listRoleAssignments')).toHaveLength(4);
      }
    });

    it('at the first change (creating the pass): nothing is deleted, the person keeps every method', async () => {
      emulator.inject('createTemporaryAccessPass', fault.action);
      const settled = await run({ requester: hanako });

      // The pass is never retried: not by the adapter, not by the executor.
      expect(emulator.requestsFor('createTemporaryAccessPass')).toHaveLength(1);
      expect(emulator.requestsFor('deleteMethod')).toHaveLength(0);
      expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(0);
      expect(
        emulator.state.methodsOf(HANAKO).filter((m) => !m['@odata.type']?.includes('temporary')),
      ).toHaveLength(3);
      expect(harness.notifier.passes).toHaveLength(0);
      expect(settled.execution?.tap).toBeUndefined();
      expect(settled.execution?.steps.filter((s) => s.name === 'createPass').at(-1)).toMatchObject({
        status: 'failed',
        error: fault.code,
      });
      expect(settled.history.at(-1)?.note).toBe(`createPass: ${fault.code}`);
      if (faultName === 'timeout') {
        // No answer: the POST may still be applied, so "nothing changed" cannot be claimed.
        expect(settled.state).toBe('PARTIAL');
        expectSettledNotices(settled, 'PARTIAL');
      } else {
        expect(settled.state).toBe('FAILED');
        expectSettledNotices(settled, 'FAILED');
      }
      expect(await settledAudit(settled.id)).toEqual([settled.state]);
    });

    it('midway (a DELETE after the pass was made): PARTIAL, and the person still gets the pass', async () => {
      emulator.inject('deleteMethod', fault.action, {
        when: (r) => r.params.methodId === ALTERNATE_MOBILE_ID,
      });
      const { request } = await approvedRequest(harness.requests, { requester: hanako });
      await executor.runOnce();
      // Whatever could not be deleted, the person needs the pass that now exists.
      expect(harness.notifier.passes.map((p) => p.to)).toEqual(['requester']);
      await executor.notePassSeen(request.id, HANAKO);
      await executor.runOnce();
      const settled = await load(harness.requests, request.id);

      expect(emulator.requestsFor('createTemporaryAccessPass')).toHaveLength(1);
      const deleteStep = settled.execution?.steps.filter((s) => s.name === 'deleteMethods').at(-1);
      expect(deleteStep).toMatchObject({ status: 'failed', error: fault.code });
      expect(settled.state).toBe('PARTIAL');
      expect(settled.execution?.remaining).toContain('alternateMobile');
      expectSettledNotices(settled, 'PARTIAL');
      const deletes = await harness.audit.list({ requestId: settled.id, types: ['graph.step'] });
      const audited = deletes
        .filter((r) => r.data.step === 'deleteMethods')
        .map((r) => r.data.graphRequestId);
      // The adapter retries 429 and 503 itself; the request-id it reports (the last attempt's) is audited.
      const lastPerMethod = new Map<string, string>();
      for (const r of emulator.requestsFor('deleteMethod')) {
        if (r.status !== undefined) lastPerMethod.set(r.params.methodId ?? '', r.requestId);
      }
      expect(audited).toEqual(expect.arrayContaining([...lastPerMethod.values()]));
    });
  });

  it('lost phone, revoking refused by Graph: FAILED before any method is touched', async () => {
    emulator.inject('revokeSignInSessions', FAULTS['503'].action);
    const settled = await run({ requester: { aadObjectId: TARO, name: '小林 太郎' }, lostOrStolen: true });
    expect(settled.state).toBe('FAILED');
    expect(emulator.requestsFor('deleteMethod')).toHaveLength(0);
    expect(emulator.requestsFor('createTemporaryAccessPass')).toHaveLength(0);
    expectSettledNotices(settled, 'FAILED');
  });

  it('revoking fails after the pass was shown: PARTIAL, the requester keeps the pass', async () => {
    emulator.inject('revokeSignInSessions', FAULTS['429 past the retries'].action);
    const { request } = await approvedRequest(harness.requests, { requester: hanako });
    await executor.runOnce();
    await executor.notePassSeen(request.id, HANAKO);
    await executor.runOnce();
    const settled = await load(harness.requests, request.id);
    expect(settled.state).toBe('PARTIAL');
    expect(harness.notifier.passes).toHaveLength(1);
    expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(4);
    expect(settled.execution?.remaining).toEqual([]);
    expect(settled.history.at(-1)?.note).toBe('revokeSessions: THROTTLED');
    expectSettledNotices(settled, 'PARTIAL');
  });

  describe('a target that is privileged when the request runs', () => {
    it.each([
      ['an active Global Administrator', MAKOTO, { aadObjectId: MAKOTO, name: '高橋 誠' }, []],
      ['a PIM-eligible User Administrator', OLIVIA, { aadObjectId: OLIVIA, name: 'Olivia Brown' }, []],
      ['a role held through a role-assignable group', ICHIRO, { aadObjectId: ICHIRO, name: '鈴木 一郎' }, []],
      ['on the break-glass list', HANAKO, hanako, [HANAKO]],
    ])('%s: FAILED, no change sent to Graph', async (_name, userId, requester, breakGlass) => {
      executor = executorFor(harness, directory, { breakGlassUserIds: breakGlass });
      const methodsBefore = emulator.state.methodsOf(userId);
      for (const lost of [false, true]) {
        emulator.clearRequests();
        const settled = await run({ requester, lostOrStolen: lost });
        expect(settled.state).toBe('FAILED');
        expect(changesSent(emulator)).toEqual([]);
        expect(emulator.state.methodsOf(userId)).toEqual(methodsBefore);
        expect(settled.execution?.steps.find((s) => s.status === 'failed')).toMatchObject({
          name: 'checkPrivilege',
          error: 'PRIVILEGED',
        });
        expect(harness.notifier.passes).toHaveLength(0);
        expectSettledNotices(settled, 'FAILED');
        const refused = await harness.audit.list({ requestId: settled.id, types: ['request.refused'] });
        expect(refused.map((r) => r.data.reason)).toEqual([
          breakGlass.length > 0 ? 'break_glass_target' : 'privileged_target',
        ]);
      }
    });
  });
});
