/**
 * What keeps a reset from doing harm (issue 10, points 6, 9, 12 and 13), on real SQLite and the Graph
 * emulator over HTTPS: the pass comes first and a refused pass deletes nothing; only one-time passes;
 * nothing happens on the changed-phone path before the release code matched; and no Graph change is
 * made that the audit trail cannot record.
 */
import type { ResetExecutor } from '../../src/requests/reset-executor';
import { MultiUsePassDirectory } from '../fakes/delegating-directory';
import type { GraphEmulator, SeedDirectory } from '../../tools/graph-emulator';
import { HANAKO, directoryFor, startEmulator } from '../graph/graph-test-kit';
import {
  RELEASE_CODE,
  approvedRequest,
  executorFor,
  executorSeed,
  load,
  openHarness,
  tempFolder,
  useExecutorSetup,
  changesSent,
} from './executor-test-kit';

const hanako = { aadObjectId: HANAKO, name: '山田 花子' };
const MINUTE = 60_000;

function seedWithPolicy(policy: NonNullable<SeedDirectory['temporaryAccessPassPolicy']>): SeedDirectory {
  const seed = executorSeed();
  seed.temporaryAccessPassPolicy = { ...seed.temporaryAccessPassPolicy, ...policy };
  return seed;
}

function methodTypes(emulator: GraphEmulator, userId: string): string[] {
  return emulator.state
    .methodsOf(userId)
    .map((m) => String(m['@odata.type']).replace('#microsoft.graph.', ''))
    .sort();
}

describe('the pass comes first: a pass Graph refuses deletes nothing', () => {
  const folder = tempFolder();
  let counter = 0;

  afterAll(() => folder.cleanup());

  it.each([
    ['the pass policy is off', { state: 'disabled' as const }, {}],
    ['the policy forbids the lifetime', { maximumLifetimeInMinutes: 30 }, { tapLifetimeMinutes: 60 }],
  ])('%s: FAILED with the reason, every method still there', async (_name, policy, decision) => {
    const emulator = await startEmulator(seedWithPolicy(policy));
    const harness = openHarness(folder.path(`policy-${++counter}.sqlite`));
    try {
      const executor = executorFor(harness, directoryFor(emulator));
      const before = methodTypes(emulator, HANAKO);
      const { request } = await approvedRequest(harness.requests, { requester: hanako, decision });
      await executor.runOnce();
      const settled = await load(harness.requests, request.id);

      expect(settled.state).toBe('FAILED');
      expect(settled.history.at(-1)?.note).toBe('createPass: POLICY_REFUSED');
      expect(emulator.requestsFor('createTemporaryAccessPass').map((r) => r.status)).toEqual([400]);
      expect(emulator.requestsFor('deleteMethod')).toHaveLength(0);
      expect(methodTypes(emulator, HANAKO)).toEqual(before);
      expect(harness.notifier.passes).toHaveLength(0);
      // The person hears that nothing changed; no security notice for a reset that did not happen.
      expect(harness.notifier.methods(request.id)).toContain('tellRequesterOutcome');
      expect(harness.notifier.methods(request.id)).not.toContain('sendResetNotices');
      const settledAudit = await harness.audit.list({ requestId: request.id, types: ['request.settled'] });
      expect(settledAudit.map((r) => r.data.outcome)).toEqual(['FAILED']);
    } finally {
      harness.close();
      await emulator.close();
    }
  });
});

describe('passes are one-time, and the lifetime is capped', () => {
  const setup = useExecutorSetup('once');

  it('asks Graph for a one-time pass no longer than the configured maximum', async () => {
    const executor = executorFor(setup.harness, setup.directory, { tapMaxLifetimeMinutes: 45 });
    await approvedRequest(setup.harness.requests, {
      requester: hanako,
      decision: { tapLifetimeMinutes: 480 },
    });
    await executor.runOnce();
    expect(setup.emulator.requestsFor('createTemporaryAccessPass')[0]?.body).toEqual({
      lifetimeInMinutes: 45,
      isUsableOnce: true,
    });
  });

  it('deletes a pass Graph did not make one-time, shows it to nobody and deletes no method', async () => {
    const executor = executorFor(setup.harness, new MultiUsePassDirectory(setup.directory));
    const before = methodTypes(setup.emulator, HANAKO);
    const { request } = await approvedRequest(setup.harness.requests, { requester: hanako });
    await executor.runOnce();
    const settled = await load(setup.harness.requests, request.id);

    expect(setup.harness.notifier.passes).toHaveLength(0);
    const passDeletes = setup.emulator
      .requestsFor('deleteMethod')
      .filter((r) => r.params.collection === 'temporaryAccessPassMethods');
    expect(passDeletes.map((r) => r.status)).toEqual([204]);
    expect(setup.emulator.requestsFor('deleteMethod')).toHaveLength(1);
    expect(methodTypes(setup.emulator, HANAKO)).toEqual(before);
    expect(settled.state).toBe('FAILED');
    expect(settled.history.at(-1)?.note).toBe('createPass: PASS_NOT_ONE_TIME');
  });
});

describe('the release code (changed phone)', () => {
  const setup = useExecutorSetup('release');
  let executor: ResetExecutor;
  beforeEach(() => {
    executor = executorFor(setup.harness, setup.directory);
  });

  async function waitingForCode() {
    const { request } = await approvedRequest(setup.harness.requests, {
      requester: hanako,
      releaseCode: 'issued',
    });
    await executor.runOnce();
    return request;
  }

  it('changes nothing until the code matches, then creates the pass and shows it on the same card', async () => {
    const request = await waitingForCode();
    // Asked for the code; no Graph change yet, not even the privilege re-check.
    expect(setup.harness.notifier.methods(request.id)).toContain('askForReleaseCode');
    expect(changesSent(setup.emulator)).toEqual([]);
    const parked = await load(setup.harness.requests, request.id);
    expect(parked.state).toBe('EXECUTING');
    expect(parked.delivery?.passCard?.activityId).toBe(`pass-card-${request.id}`);

    // Only the requester, and spelled as people type it.
    expect((await executor.submitReleaseCode(request.id, 'someone-else', RELEASE_CODE)).outcome).toBe(
      'notWaiting',
    );
    const typed = await executor.submitReleaseCode(request.id, HANAKO, ' krw hax ');
    expect(typed.outcome).toBe('released');
    await executor.runOnce();

    expect(setup.harness.notifier.passes.map((p) => p.to)).toEqual(['requester']);
    const shown = setup.harness.notifier.callsFor(request.id).find((c) => c.method === 'showPassToRequester');
    expect(shown?.request.delivery?.passCard?.activityId).toBe(`pass-card-${request.id}`);
    const audit = await setup.harness.audit.list({ requestId: request.id, types: ['release.verified'] });
    expect(audit.map((r) => r.actor?.id)).toEqual([HANAKO]);
    // A second right code changes nothing: it is one-time.
    expect((await executor.submitReleaseCode(request.id, HANAKO, RELEASE_CODE)).outcome).toBe('notWaiting');

    await executor.notePassSeen(request.id, HANAKO);
    await executor.runOnce();
    const done = await load(setup.harness.requests, request.id);
    expect(done.state).toBe('DONE');
    // After "noted" the card stops showing the pass.
    expect(setup.harness.notifier.methods(request.id)).toContain('withdrawPass');
  });

  it('holds the request after three wrong codes: audited, nothing changed, and the right code no longer works', async () => {
    const request = await waitingForCode();
    const first = await executor.submitReleaseCode(request.id, HANAKO, 'AAA-AAA');
    expect(first).toMatchObject({ outcome: 'wrong', triesLeft: 2 });
    expect(await executor.submitReleaseCode(request.id, HANAKO, 'CCC-CCC')).toMatchObject({
      outcome: 'wrong',
      triesLeft: 1,
    });
    const third = await executor.submitReleaseCode(request.id, HANAKO, 'EEE-EEE');
    expect(third.outcome).toBe('held');
    expect(third.request?.release?.heldAt).toBeDefined();
    expect((await executor.submitReleaseCode(request.id, HANAKO, RELEASE_CODE)).outcome).toBe('held');

    await executor.runOnce();
    expect(changesSent(setup.emulator)).toEqual([]);
    const audit = await setup.harness.audit.list({ requestId: request.id });
    expect(audit.filter((r) => r.type.startsWith('release.')).map((r) => r.type)).toEqual([
      'release.refused',
      'release.refused',
      'release.held',
    ]);

    // Nobody released it in time: FAILED, and the account was never touched.
    setup.harness.clock.advance(31 * MINUTE);
    await executor.runOnce();
    const settled = await load(setup.harness.requests, request.id);
    expect(settled.state).toBe('FAILED');
    expect(settled.history.at(-1)?.note).toBe('awaitReleaseCode: RELEASE_CODE_HELD');
    expect(changesSent(setup.emulator)).toEqual([]);
    expect(setup.harness.notifier.passes).toHaveLength(0);
  });

  it('never runs a changed-phone reset whose approval carries no release code', async () => {
    const { request } = await approvedRequest(setup.harness.requests, { requester: hanako });
    const stored = await setup.harness.requests.get(request.id);
    if (!stored) throw new Error('not stored');
    const { release: _dropped, ...withoutCode } = stored.request;
    await setup.harness.requests.update(withoutCode, stored.eTag);
    await executor.runOnce();
    const settled = await load(setup.harness.requests, request.id);
    expect(settled.state).toBe('FAILED');
    expect(settled.history.at(-1)?.note).toBe('awaitReleaseCode: NO_RELEASE_CODE');
    expect(changesSent(setup.emulator)).toEqual([]);
  });
});

describe('the audit trail is fail-closed', () => {
  const setup = useExecutorSetup('audit');

  it('makes no Graph change when the audit record of taking the request cannot be written', async () => {
    const { harness, emulator, directory } = setup;
    const executor = executorFor(harness, directory);
    const { request } = await approvedRequest(harness.requests, { requester: hanako });
    // The audit table refuses every new record, as a full disk or a broken trigger would.
    harness.db.exec(
      "CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END",
    );
    await executor.runOnce();

    expect(changesSent(emulator)).toEqual([]);
    const still = await load(harness.requests, request.id);
    expect(still.state).toBe('APPROVED');
    expect(harness.logText()).toContain('executing the request failed');
  });
});
