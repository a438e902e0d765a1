/**
 * The executor carrying out each action end to end: real SQLite (requests and audit), the real
 * Graph adapter against the emulator over HTTPS, and the recording notifier.
 */
import type { ResetExecutor } from '../../src/requests/reset-executor';
import type { ResetRequest } from '../../src/domain/reset-request';
import type { Directory } from '../../src/ports/directory';
import type { GraphEmulator, RecordedRequest } from '../../tools/graph-emulator';
import {
  ALTERNATE_MOBILE_ID,
  HANAKO,
  MISAKI,
  MOBILE_ID,
  OLIVIA,
  directoryFor,
  startEmulator,
} from '../graph/graph-test-kit';
import {
  NEW_PHONE,
  NEW_PHONE_FORMS,
  TARO,
  TARO_OATH_ID,
  executorSeed,
  approvedRequest,
  executorFor,
  load,
  openHarness,
  rawDatabaseBytes,
  tempFolder,
  type Harness,
} from './executor-test-kit';

const MISAKI_AUTHENTICATOR_ID = '0d6b1c3e-2f4a-4b5c-8d6e-7f8091a2b3c4';
const PRIVILEGE_READS = [
  'listGroups',
  'listPimGroupAssignmentScheduleInstances',
  'listPimGroupEligibilityScheduleInstances',
  'listRoleAssignments',
  'listRoleEligibilityScheduleInstances',
  'listTransitiveMemberOf',
];
const PRIVILEGE_ROUTES = new Set(PRIVILEGE_READS);
const MINUTE = 60_000;

async function waitFor(condition: () => Promise<boolean | undefined>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The Graph calls for one user, as `METHOD /path-below-the-user`. The privilege check's reads run in
 * parallel, so they are returned apart (sorted) after checking that they all came before the rest.
 */
function graphCalls(emulator: GraphEmulator, userId: string): { privilege: string[]; changes: string[] } {
  const requests = emulator.graphRequests();
  const privilege = requests.filter((r) => PRIVILEGE_ROUTES.has(r.route));
  const rest = requests.filter((r) => !PRIVILEGE_ROUTES.has(r.route));
  const lastPrivilege = Math.max(...privilege.map((r) => r.seq));
  expect(rest.every((r) => r.seq > lastPrivilege)).toBe(true);
  const short = (r: RecordedRequest) => `${r.method} ${r.path.replace(`/v1.0/users/${userId}`, '')}`;
  return { privilege: privilege.map((r) => r.route).sort(), changes: rest.map(short) };
}

function methodIds(emulator: GraphEmulator, userId: string): string[] {
  return emulator.state.methodsOf(userId).map((m) => `${m['@odata.type']?.replace('#microsoft.graph.', '')}`);
}

describe('ResetExecutor carries out each action', () => {
  const folder = tempFolder();
  let emulator: GraphEmulator;
  let directory: Directory;
  let harness: Harness;
  let executor: ResetExecutor;
  let counter = 0;

  beforeAll(async () => {
    emulator = await startEmulator(executorSeed());
    directory = directoryFor(emulator);
  });

  afterAll(async () => {
    await emulator.close();
    folder.cleanup();
  });

  beforeEach(() => {
    emulator.reset();
    counter += 1;
    harness = openHarness(folder.path(`actions-${counter}.sqlite`));
    executor = executorFor(harness, directory);
  });

  afterEach(() => harness.close());

  async function auditOf(id: string) {
    return harness.audit.list({ requestId: id });
  }

  describe('re-register, changed phone', () => {
    it('creates one pass, deletes, shows the pass to the requester, and revokes only once they noted it', async () => {
      const revokesWhenShown: number[] = [];
      harness.notifier.onCall = (call) => {
        if (call.method === 'showPassToRequester') {
          revokesWhenShown.push(emulator.requestsFor('revokeSignInSessions').length);
        }
      };
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: HANAKO, name: '山田 花子' },
        decision: { tapLifetimeMinutes: 30 },
      });

      await executor.runOnce();

      // Parked: the pass is out, sessions are untouched until the requester says they noted it.
      const before = graphCalls(emulator, HANAKO);
      expect(before.privilege).toEqual(PRIVILEGE_READS);
      // The pass comes first: nothing is deleted unless the person has something to sign in with.
      expect(before.changes).toEqual([
        'POST /authentication/temporaryAccessPassMethods',
        'GET /authentication/methods',
        `DELETE /authentication/phoneMethods/${ALTERNATE_MOBILE_ID}`,
        `DELETE /authentication/phoneMethods/${MOBILE_ID}`,
        'GET /authentication/methods',
      ]);
      expect(emulator.requestsFor('createTemporaryAccessPass')[0]?.body).toEqual({
        lifetimeInMinutes: 30,
        isUsableOnce: true,
      });
      expect(emulator.state.signInSessionsValidFrom(HANAKO)).toBeUndefined();
      expect(revokesWhenShown).toEqual([0]);

      const parked = await load(harness.requests, request.id);
      expect(parked.state).toBe('EXECUTING');
      expect(parked.execution?.lease?.owner).toMatch(/^parked:worker-1#/);
      expect(harness.notifier.passes).toHaveLength(1);
      const shown = harness.notifier.passes[0];
      expect(shown?.to).toBe('requester');
      expect(shown?.pass.lifetimeMinutes).toBe(30);
      const tapInGraph = emulator.state
        .methodsOf(HANAKO)
        .find((m) => m['@odata.type'] === '#microsoft.graph.temporaryAccessPassAuthenticationMethod');
      expect(parked.execution?.tap).toEqual({
        methodId: tapInGraph?.id,
        expiresAt: shown?.pass.expiresAt,
        lifetimeMinutes: 30,
      });
      expect(Date.parse(shown?.pass.expiresAt ?? '') - Date.now()).toBeGreaterThan(29 * MINUTE);

      // Nothing happens while parked, however often the executor looks.
      await executor.runOnce();
      expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(0);

      await expect(executor.notePassSeen(request.id, MISAKI)).resolves.toBe(false);
      await expect(executor.notePassSeen(request.id, HANAKO)).resolves.toBe(true);
      await executor.runOnce();

      const after = graphCalls(emulator, HANAKO);
      expect(after.changes.slice(before.changes.length)).toEqual(['POST /revokeSignInSessions']);
      expect(emulator.state.signInSessionsValidFrom(HANAKO)).toBeDefined();
      expect(methodIds(emulator, HANAKO)).toEqual([
        'passwordAuthenticationMethod',
        'temporaryAccessPassAuthenticationMethod',
      ]);

      const done = await load(harness.requests, request.id);
      expect(done.state).toBe('DONE');
      expect(done.newPhone).toEqual({ lastTwo: '32' });
      expect(done.execution?.remaining).toEqual([]);
      expect(done.execution?.lease).toBeUndefined();
      expect(done.execution?.tapNotedAt).toBeDefined();
      const finalSteps = new Map(done.execution?.steps.map((s) => [s.name, s.status]));
      expect([...finalSteps.keys()]).toEqual([
        'awaitReleaseCode',
        'checkPrivilege',
        'createPass',
        'deleteMethods',
        'verifyEndState',
        'showPassToRequester',
        'awaitPassNoted',
        'revokeSessions',
        'notices',
      ]);
      expect([...finalSteps.values()].every((s) => s === 'succeeded')).toBe(true);
      // Each step recorded before and after it ran.
      for (const name of finalSteps.keys()) {
        const statuses = done.execution?.steps.filter((s) => s.name === name).map((s) => s.status);
        expect(statuses).toEqual(['started', 'succeeded']);
      }

      const calls = harness.notifier.callsFor(request.id);
      expect(calls[0]).toMatchObject({ method: 'updateApprovalCard', state: 'EXECUTING' });
      expect(calls.slice(-3).map((c) => [c.method, c.state])).toEqual([
        ['updateApprovalCard', 'DONE'],
        ['tellRequesterOutcome', 'DONE'],
        ['sendResetNotices', 'DONE'],
      ]);
      expect(harness.notifier.methods(request.id)).not.toContain('showPassToApprover');

      // One graph.step per Graph call, with Graph's own request-id.
      const audit = await auditOf(request.id);
      const deletes = emulator.requestsFor('deleteMethod');
      const auditedDeletes = audit.filter((r) => r.type === 'graph.step' && r.data.step === 'deleteMethods');
      expect(auditedDeletes.map((r) => r.data.graphRequestId)).toEqual(deletes.map((d) => d.requestId));
      expect(auditedDeletes.map((r) => r.data.outcome)).toEqual(['deleted', 'deleted']);
      const tapPost = emulator.requestsFor('createTemporaryAccessPass')[0];
      expect(
        audit.find((r) => r.type === 'graph.step' && r.data.step === 'createPass')?.data.graphRequestId,
      ).toBe(tapPost?.requestId);
      expect(
        audit.find((r) => r.type === 'graph.step' && r.data.step === 'revokeSessions')?.data,
      ).toMatchObject({
        outcome: 'succeeded',
        graphRequestId: emulator.requestsFor('revokeSignInSessions')[0]?.requestId,
      });
      expect(audit.filter((r) => r.type === 'request.settled').map((r) => r.data.outcome)).toEqual(['DONE']);
      expect(audit.filter((r) => r.type === 'notice.sent').map((r) => r.data.notice)).toEqual([
        'pass',
        'approvalCard',
        'requester',
        'securityChannel',
        'mail',
      ]);
    });

    it('revokes after the timeout when the requester never says they noted the pass', async () => {
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: HANAKO, name: '山田 花子' },
      });
      await executor.runOnce();
      expect((await load(harness.requests, request.id)).state).toBe('EXECUTING');

      harness.clock.advance(9 * MINUTE);
      await executor.runOnce();
      expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(0);

      harness.clock.advance(1 * MINUTE + 1000);
      await executor.runOnce();
      expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(1);
      const done = await load(harness.requests, request.id);
      expect(done.state).toBe('DONE');
      expect(done.execution?.tapNotedAt).toBeUndefined();
      expect(harness.logText()).toContain('pass-noted wait timed out');
    });

    it('honours a custom wait and a click that lands while the pass card is still being sent', async () => {
      const quick = executorFor(harness, directory, { passNotedTimeoutMinutes: 3 });
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: HANAKO, name: '山田 花子' },
      });
      // The requester clicks before the executor has recorded that the card went out: the note is
      // written under compare-and-swap beside the running worker, which takes it into account.
      let noted: boolean | undefined;
      harness.notifier.onCall = async (call) => {
        if (call.method === 'showPassToRequester') noted = await quick.notePassSeen(request.id, HANAKO);
      };
      await quick.runOnce();
      expect(noted).toBe(true);
      expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(1);
      expect((await load(harness.requests, request.id)).state).toBe('DONE');
    });

    it('refuses notes that are not the requester’s or come when nothing waits for one', async () => {
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: HANAKO, name: '山田 花子' },
      });
      // Approved but no pass shown yet.
      await expect(executor.notePassSeen(request.id, HANAKO)).resolves.toBe(false);
      await expect(executor.notePassSeen('REQ-NOPE22', HANAKO)).resolves.toBe(false);
      await executor.runOnce();
      await expect(executor.notePassSeen(request.id, OLIVIA)).resolves.toBe(false);
      await expect(executor.notePassSeen(request.id, HANAKO.toUpperCase())).resolves.toBe(true);
      // A second click is harmless.
      await expect(executor.notePassSeen(request.id, HANAKO)).resolves.toBe(true);
      await executor.runOnce();
      // Settled: nothing waits any more.
      await expect(executor.notePassSeen(request.id, HANAKO)).resolves.toBe(false);
    });

    it('reports a default method Graph will not delete as PARTIAL, and still hands over the pass', async () => {
      // Misaki keeps Windows Hello (not ticked), and Graph refuses to delete her default method
      // (Authenticator) while any other method remains.
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: MISAKI, name: '田中 美咲' },
      });
      await executor.runOnce();
      const deletes = emulator.requestsFor('deleteMethod').map((r) => [r.params.methodId, r.status]);
      expect(deletes).toEqual([
        [MISAKI_AUTHENTICATOR_ID, 400],
        [MOBILE_ID, 204],
        [MISAKI_AUTHENTICATOR_ID, 400],
      ]);
      expect(harness.notifier.passes).toHaveLength(1);
      await executor.notePassSeen(request.id, MISAKI);
      await executor.runOnce();

      const settled = await load(harness.requests, request.id);
      expect(settled.state).toBe('PARTIAL');
      expect(settled.execution?.remaining).toEqual(['microsoftAuthenticator']);
      expect(settled.history.at(-1)?.note).toBe('deleteMethods: DEFAULT_METHOD_REFUSED');
      expect(harness.notifier.methods(request.id).slice(-3)).toEqual([
        'updateApprovalCard',
        'tellRequesterOutcome',
        'sendResetNotices',
      ]);
      expect(harness.notifier.callsFor(request.id).at(-1)?.state).toBe('PARTIAL');
    });
  });

  describe('re-register, lost or stolen phone', () => {
    it('revokes first, then creates the pass, deletes and shows the pass to the approver, in one go', async () => {
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: TARO, name: '小林 太郎' },
        lostOrStolen: true,
      });
      await executor.runOnce();

      const { privilege, changes } = graphCalls(emulator, TARO);
      expect(privilege).toEqual(PRIVILEGE_READS);
      expect(changes).toEqual([
        'POST /revokeSignInSessions',
        'POST /authentication/temporaryAccessPassMethods',
        'GET /authentication/methods',
        `DELETE /authentication/softwareOathMethods/${TARO_OATH_ID}`,
        `DELETE /authentication/phoneMethods/${MOBILE_ID}`,
        'GET /authentication/methods',
      ]);
      expect(emulator.requestsFor('createTemporaryAccessPass')[0]?.body).toEqual({
        lifetimeInMinutes: 60,
        isUsableOnce: true,
      });
      const done = await load(harness.requests, request.id);
      expect(done.state).toBe('DONE');
      expect(done.execution?.remaining).toEqual([]);
      expect(harness.notifier.passes.map((p) => p.to)).toEqual(['approver']);
      expect(harness.notifier.methods(request.id)).not.toContain('showPassToRequester');
      expect(harness.notifier.methods(request.id).slice(-3)).toEqual([
        'updateApprovalCard',
        'tellRequesterOutcome',
        'sendResetNotices',
      ]);
      await expect(executor.notePassSeen(request.id, TARO)).resolves.toBe(false);
    });
  });

  describe('replace phone', () => {
    it.each([
      [false, ['GET /authentication/phoneMethods', `PATCH /authentication/phoneMethods/${MOBILE_ID}`]],
      [
        true,
        [
          'POST /revokeSignInSessions',
          'GET /authentication/phoneMethods',
          `PATCH /authentication/phoneMethods/${MOBILE_ID}`,
        ],
      ],
    ])('lost or stolen = %s: sets the mobile to the new number and reads it back', async (lost, expected) => {
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: HANAKO, name: '山田 花子' },
        lostOrStolen: lost,
        decision: { action: 'replace_phone', confirmedByCallback: true },
      });
      await executor.runOnce();
      const { changes } = graphCalls(emulator, HANAKO);
      expect(changes).toEqual([...expected, 'GET /authentication/methods']);
      expect(emulator.requestsFor('updatePhoneMethod')[0]?.body).toEqual({
        phoneNumber: NEW_PHONE.graph,
        phoneType: 'mobile',
      });
      const mobile = emulator.state.methodsOf(HANAKO).find((m) => m.id === MOBILE_ID);
      expect(mobile?.phoneNumber).toBe(NEW_PHONE.graph);
      const done = await load(harness.requests, request.id);
      expect(done.state).toBe('DONE');
      expect(done.execution?.remaining).toEqual([]);
      expect(done.newPhone).toEqual({ lastTwo: '32' });
      expect(harness.notifier.passes).toHaveLength(0);
      const setMobile = (await auditOf(request.id)).find((r) => r.data.step === 'setMobile');
      expect(setMobile?.data).toMatchObject({ operation: 'update mobile phone', lastTwo: '32' });
    });

    it('refuses to run without the callback confirmation: FAILED, no Graph call at all', async () => {
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: HANAKO, name: '山田 花子' },
        decision: { action: 'replace_phone', confirmedByCallback: false },
      });
      await executor.runOnce();
      expect(emulator.graphRequests()).toHaveLength(0);
      const failed = await load(harness.requests, request.id);
      expect(failed.state).toBe('FAILED');
      expect(failed.history.at(-1)?.note).toBe('NOT_CONFIRMED_BY_CALLBACK');
      expect(harness.notifier.methods(request.id)).toEqual(['updateApprovalCard', 'tellRequesterOutcome']);
    });
  });

  describe('re-register without a pass', () => {
    it.each([
      [
        false,
        [
          'GET /authentication/methods',
          `DELETE /authentication/softwareOathMethods/${TARO_OATH_ID}`,
          `DELETE /authentication/phoneMethods/${MOBILE_ID}`,
          'POST /revokeSignInSessions',
          'GET /authentication/methods',
        ],
      ],
      [
        true,
        [
          'POST /revokeSignInSessions',
          'GET /authentication/methods',
          `DELETE /authentication/softwareOathMethods/${TARO_OATH_ID}`,
          `DELETE /authentication/phoneMethods/${MOBILE_ID}`,
          'GET /authentication/methods',
        ],
      ],
    ])('lost or stolen = %s: deletes and revokes, no pass', async (lost, expected) => {
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: TARO, name: '小林 太郎' },
        lostOrStolen: lost,
        decision: { action: 're_register_without_tap' },
      });
      await executor.runOnce();
      expect(graphCalls(emulator, TARO).changes).toEqual(expected);
      expect(emulator.requestsFor('createTemporaryAccessPass')).toHaveLength(0);
      expect(methodIds(emulator, TARO)).toEqual(['passwordAuthenticationMethod']);
      const done = await load(harness.requests, request.id);
      expect(done.state).toBe('DONE');
      expect(done.execution?.tap).toBeUndefined();
      expect(harness.notifier.passes).toHaveLength(0);
    });
  });

  describe('running on its own', () => {
    it('start() picks up approved work, a note from the requester wakes it, stop() waits for the run', async () => {
      const polling = executorFor(harness, directory, { pollIntervalMs: 50 });
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: HANAKO, name: '山田 花子' },
      });
      polling.start();
      try {
        await waitFor(async () =>
          (await load(harness.requests, request.id)).execution?.lease?.owner.startsWith('parked:'),
        );
        expect(await polling.notePassSeen(request.id, HANAKO)).toBe(true);
        await waitFor(async () => (await load(harness.requests, request.id)).state === 'DONE');
      } finally {
        await polling.stop();
      }
      expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(1);
      expect(emulator.requestsFor('createTemporaryAccessPass')).toHaveLength(1);
    });

    it('kick() during a run coalesces into one more run', async () => {
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: TARO, name: '小林 太郎' },
        lostOrStolen: true,
      });
      const first = executor.kick();
      const second = executor.kick();
      expect(second).toBe(first);
      await first;
      expect((await load(harness.requests, request.id)).state).toBe('DONE');
      expect(emulator.requestsFor('createTemporaryAccessPass')).toHaveLength(1);
    });
  });

  describe('the pass and the full number are kept out of storage, logs and audit', () => {
    it('leaves neither in the database file (with WAL), any log line or any audit record', async () => {
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: HANAKO, name: '山田 花子' },
      });
      await executor.runOnce();
      // While the request is open the number is on the record (the approver needs it), so a scan
      // of the same bytes does find it: the check below is not blind.
      expect(rawDatabaseBytes(harness.file).includes(Buffer.from(NEW_PHONE.graph))).toBe(true);
      await executor.notePassSeen(request.id, HANAKO);
      await executor.runOnce();
      expect((await load(harness.requests, request.id)).state).toBe('DONE');

      expect(harness.notifier.passes).toHaveLength(1);
      const pass = harness.notifier.passes[0].pass.value;
      expect(pass).toMatch(/^\S{8,}$/);
      const secrets = [pass, ...NEW_PHONE_FORMS];
      const bytes = rawDatabaseBytes(harness.file);
      const logs = harness.logText();
      const audit = JSON.stringify(await harness.audit.list({}));
      const tables = harness.db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .pluck()
        .all() as string[];
      const rows = tables.map((table) =>
        JSON.stringify(harness.db.prepare(`SELECT * FROM "${table}"`).all()),
      );
      for (const secret of secrets) {
        expect(bytes.includes(Buffer.from(secret, 'utf8'))).toBe(false);
        expect(logs).not.toContain(secret);
        expect(audit).not.toContain(secret);
        for (const row of rows) expect(row).not.toContain(secret);
      }
      expect(logs).toContain('request settled');
    });
  });

  describe('delivery of the pass', () => {
    it('gives the pass to the approver when the requester cannot be reached, and revokes at once', async () => {
      harness.notifier.deliver.showPassToRequester = false;
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: HANAKO, name: '山田 花子' },
      });
      await executor.runOnce();
      expect(harness.notifier.passes.map((p) => p.to)).toEqual(['approver']);
      expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(1);
      const done = await load(harness.requests, request.id);
      expect(done.state).toBe('DONE');
      const audit = await auditOf(request.id);
      expect(audit.filter((r) => r.data.notice === 'pass').map((r) => [r.type, r.data.to])).toEqual([
        ['notice.undeliverable', 'requester'],
        ['notice.sent', 'approver'],
      ]);
    });

    it('deletes a pass nobody could be shown and settles PARTIAL', async () => {
      harness.notifier.deliver.showPassToApprover = false;
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: TARO, name: '小林 太郎' },
        lostOrStolen: true,
      });
      await executor.runOnce();
      expect(harness.notifier.passes).toHaveLength(0);
      const tapDeletes = emulator
        .requestsFor('deleteMethod')
        .filter((r) => r.params.collection === 'temporaryAccessPassMethods');
      expect(tapDeletes.map((r) => r.status)).toEqual([204]);
      expect(methodIds(emulator, TARO)).toEqual(['passwordAuthenticationMethod']);
      const settled: ResetRequest = await load(harness.requests, request.id);
      expect(settled.state).toBe('PARTIAL');
      expect(settled.history.at(-1)?.note).toBe('showPassToApprover: UNDELIVERABLE');
      expect(harness.notifier.callsFor(request.id).at(-1)).toMatchObject({
        method: 'sendResetNotices',
        state: 'PARTIAL',
      });
    });
  });
});
