/**
 * Exactly once: racing runs in one process, many executors and two processes on one database file,
 * a worker killed in the middle of a Graph call, a worker that outlives its lease. Counted at the
 * Graph emulator: every successful DELETE per method id, every pass created.
 */
import { writeFileSync } from 'node:fs';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/database';
import { SqliteAuditLog } from '../../src/adapters/sqlite/sqlite-audit-log';
import { SqliteRequestStore } from '../../src/adapters/sqlite/sqlite-request-store';
import { ResetExecutor } from '../../src/requests/reset-executor';
import type { Directory } from '../../src/ports/directory';
import type { GraphEmulator } from '../../tools/graph-emulator';
import { HANAKO, MOBILE_ID, ALTERNATE_MOBILE_ID, directoryFor, startEmulator } from '../graph/graph-test-kit';
import {
  AUDIT_SECRET,
  TARO,
  TARO_OATH_ID,
  TestClock,
  approvedRequest,
  executorFor,
  executorSeed,
  load,
  openHarness,
  startExecutorChild,
  tempFolder,
  type Child,
  type Harness,
} from './executor-test-kit';

const TAP_ODATA = '#microsoft.graph.temporaryAccessPassAuthenticationMethod';

/** Successful DELETEs per method id. */
function successfulDeletes(emulator: GraphEmulator): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of emulator.requestsFor('deleteMethod')) {
    if (r.status !== 204) continue;
    const id = r.params.methodId ?? '';
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

/** The pass a dead or overtaken worker made and its successor deleted. */
function orphanPassId(emulator: GraphEmulator): string {
  const deletes = emulator
    .requestsFor('deleteMethod')
    .filter((r) => r.params.collection === 'temporaryAccessPassMethods' && r.status === 204);
  expect(deletes).toHaveLength(1);
  return deletes[0]?.params.methodId ?? '';
}

function passPosts(emulator: GraphEmulator): number {
  return emulator.requestsFor('createTemporaryAccessPass').length;
}

function executingMoves(request: { history: Array<{ to: string; note?: string }> }) {
  return request.history.filter((h) => h.to === 'EXECUTING');
}

describe('ResetExecutor runs each approved request exactly once', () => {
  const folder = tempFolder();
  let emulator: GraphEmulator;
  let directory: Directory;
  let harness: Harness;
  let counter = 0;
  const children: Child[] = [];

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
    harness = openHarness(folder.path(`once-${counter}.sqlite`));
  });

  afterEach(() => {
    for (const child of children.splice(0)) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    }
    harness.close();
  });

  function childArgs(mode: string, workerId: string, leaseSeconds: number, goFile?: string): string[] {
    const args = [mode, harness.file, emulator.url, emulator.tenantId, workerId, String(leaseSeconds)];
    return goFile === undefined ? args : [...args, goFile];
  }

  function spawnChild(args: string[]): Child {
    const child = startExecutorChild(args);
    children.push(child);
    return child;
  }

  it('50 concurrent runs in one executor: one execution', async () => {
    const { request } = await approvedRequest(harness.requests, {
      requester: { aadObjectId: TARO, name: '小林 太郎' },
      lostOrStolen: true,
    });
    const executor = executorFor(harness, directory);
    const started = Date.now();
    await Promise.all(Array.from({ length: 50 }, () => executor.runOnce()));
    console.log(`50 concurrent runOnce, one lost-phone reset: ${Date.now() - started} ms`);

    expect(successfulDeletes(emulator)).toEqual({ [TARO_OATH_ID]: 1, [MOBILE_ID]: 1 });
    expect(emulator.requestsFor('deleteMethod')).toHaveLength(2);
    expect(passPosts(emulator)).toBe(1);
    expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(1);
    const done = await load(harness.requests, request.id);
    expect(done.state).toBe('DONE');
    expect(executingMoves(done)).toHaveLength(1);
    expect(harness.notifier.passes).toHaveLength(1);
    expect(harness.notifier.methods(request.id).filter((m) => m === 'sendResetNotices')).toHaveLength(1);
    const settled = await harness.audit.list({ requestId: request.id, types: ['request.settled'] });
    expect(settled).toHaveLength(1);
  });

  it('50 executors, each with its own connection to one database file: one execution', async () => {
    const { request } = await approvedRequest(harness.requests, {
      requester: { aadObjectId: TARO, name: '小林 太郎' },
      lostOrStolen: true,
    });
    const connections: SqliteDatabase[] = [];
    try {
      const executors = Array.from({ length: 50 }, (_, index) => {
        const db = openDatabase(harness.file);
        connections.push(db);
        const audit = new SqliteAuditLog(db, { key: AUDIT_SECRET, logger: harness.logger });
        return new ResetExecutor({
          requests: new SqliteRequestStore(db, { audit }),
          audit,
          directory,
          notifier: harness.notifier,
          logger: harness.logger,
          workerId: `worker-${index}`,
          tapMaxLifetimeMinutes: 60,
          releaseCodeKey: AUDIT_SECRET,
        });
      });
      const started = Date.now();
      await Promise.all(executors.map((executor) => executor.runOnce()));
      console.log(`50 executors on one file, one lost-phone reset: ${Date.now() - started} ms`);
    } finally {
      for (const db of connections) db.close();
    }
    expect(successfulDeletes(emulator)).toEqual({ [TARO_OATH_ID]: 1, [MOBILE_ID]: 1 });
    expect(emulator.requestsFor('deleteMethod')).toHaveLength(2);
    expect(passPosts(emulator)).toBe(1);
    expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(1);
    const done = await load(harness.requests, request.id);
    expect(done.state).toBe('DONE');
    expect(executingMoves(done)).toHaveLength(1);
    expect(harness.notifier.passes).toHaveLength(1);
  });

  it('two processes racing on one database file: one execution', async () => {
    const { request } = await approvedRequest(harness.requests, {
      requester: { aadObjectId: TARO, name: '小林 太郎' },
      lostOrStolen: true,
    });
    const goFile = folder.path(`go-${counter}`);
    const racers = ['process-a', 'process-b'].map((id) => spawnChild(childArgs('run', id, 120, goFile)));
    for (const racer of racers) expect(await racer.next()).toMatchObject({ ready: true });
    writeFileSync(goFile, 'go');
    const results = await Promise.all(racers.map((racer) => racer.next()));
    for (const racer of racers) expect((await racer.exited).code).toBe(0);

    expect(successfulDeletes(emulator)).toEqual({ [TARO_OATH_ID]: 1, [MOBILE_ID]: 1 });
    expect(passPosts(emulator)).toBe(1);
    expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(1);
    const done = await load(harness.requests, request.id);
    expect(done.state).toBe('DONE');
    const moves = executingMoves(done);
    expect(moves).toHaveLength(1);
    // The winner is the one whose notifier showed the pass; the loser did nothing at all.
    const winner = results.find((r) => r.passesShown === 1);
    const loser = results.find((r) => r.passesShown === 0);
    expect(winner).toBeDefined();
    expect(loser?.methods).toEqual([]);
    expect(moves[0]?.note).toBe(`worker ${String(winner?.workerId)}`);
  });

  it.each([
    ['the first DELETE', TARO_OATH_ID],
    ['the second DELETE (the first one already applied)', MOBILE_ID],
  ])(
    'a worker killed while Graph holds %s: the next worker completes it, each DELETE applied once',
    async (_name, heldMethodId) => {
      const { request } = await approvedRequest(harness.requests, {
        requester: { aadObjectId: TARO, name: '小林 太郎' },
        lostOrStolen: true,
      });
      const gate = emulator.gate('deleteMethod', {
        times: 1,
        when: (r) => r.params.methodId === heldMethodId,
      });
      const doomed = spawnChild(childArgs('run', 'doomed', 2));
      expect(await doomed.next()).toMatchObject({ ready: true });
      await gate.whenHolding(1);
      doomed.process.kill('SIGKILL');
      expect((await doomed.exited).signal).toBe('SIGKILL');

      const crashed = await load(harness.requests, request.id);
      expect(crashed.state).toBe('EXECUTING');
      expect(crashed.execution?.steps.at(-1)).toMatchObject({ name: 'deleteMethods', status: 'started' });
      expect(crashed.execution?.lease?.owner).toMatch(/^doomed#/);

      // Before the lease runs out nobody touches it.
      const successor = executorFor(harness, directory, { workerId: 'successor', leaseSeconds: 2 });
      await successor.runOnce();
      expect((await load(harness.requests, request.id)).execution?.lease?.owner).toMatch(/^doomed#/);

      harness.clock.advance(5_000);
      await successor.runOnce();
      gate.open();

      const done = await load(harness.requests, request.id);
      expect(done.state).toBe('DONE');
      expect(done.execution?.remaining).toEqual([]);
      // The pass came first and its value died with the worker: the successor deleted that pass
      // and made the one it showed. Each method DELETE was applied once.
      const { [orphanPassId(emulator)]: orphanDeletes, ...methodDeletes } = successfulDeletes(emulator);
      expect(methodDeletes).toEqual({ [TARO_OATH_ID]: 1, [MOBILE_ID]: 1 });
      expect(orphanDeletes).toBe(1);
      expect(passPosts(emulator)).toBe(2);
      // Revoked by the dead worker before it died; the successor skipped the recorded step.
      expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(1);
      expect(harness.notifier.passes.map((p) => p.to)).toEqual(['approver']);
      const deleteRecords = done.execution?.steps
        .filter((s) => s.name === 'deleteMethods')
        .map((s) => s.status);
      expect(deleteRecords).toEqual(['started', 'started', 'succeeded']);
      expect(harness.logText()).toContain('resuming request');
    },
  );

  it('a worker killed right after Graph created the pass: the successor replaces it, and only the shown pass is valid', async () => {
    const { request } = await approvedRequest(harness.requests, {
      requester: { aadObjectId: HANAKO, name: '山田 花子' },
    });
    const doomed = spawnChild(childArgs('crash-after-pass', 'doomed', 2));
    expect(await doomed.next()).toMatchObject({ ready: true });
    const orphan = await doomed.next();
    expect((await doomed.exited).signal).toBe('SIGKILL');
    const orphanId = String(orphan.passCreated);
    expect(emulator.state.methodsOf(HANAKO).find((m) => m['@odata.type'] === TAP_ODATA)?.id).toBe(orphanId);

    const crashed = await load(harness.requests, request.id);
    expect(crashed.execution?.steps.at(-1)).toMatchObject({ name: 'createPass', status: 'started' });
    expect(crashed.execution?.tap).toBeUndefined();

    const successor = executorFor(harness, directory, { workerId: 'successor', leaseSeconds: 2 });
    harness.clock.advance(5_000);
    await successor.runOnce();

    // The orphan is deleted by its id, then exactly one new pass is created and shown.
    const tapDeletes = emulator
      .requestsFor('deleteMethod')
      .filter((r) => r.params.collection === 'temporaryAccessPassMethods');
    expect(tapDeletes.map((r) => [r.params.methodId, r.status])).toEqual([[orphanId, 204]]);
    expect(passPosts(emulator)).toBe(2);
    const parked = await load(harness.requests, request.id);
    const passes = emulator.state.methodsOf(HANAKO).filter((m) => m['@odata.type'] === TAP_ODATA);
    expect(passes).toHaveLength(1);
    expect(passes[0]?.id).not.toBe(orphanId);
    expect(parked.execution?.tap?.methodId).toBe(passes[0]?.id);
    expect(harness.notifier.passes).toHaveLength(1);
    expect(harness.notifier.passes[0]?.pass.expiresAt).toBe(parked.execution?.tap?.expiresAt);
    // The first run died before deleting anything; the successor deleted each method once.
    expect(successfulDeletes(emulator)).toEqual({ [ALTERNATE_MOBILE_ID]: 1, [MOBILE_ID]: 1, [orphanId]: 1 });
    expect(parked.execution?.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'awaitReleaseCode:started',
      'awaitReleaseCode:succeeded',
      'checkPrivilege:started',
      'checkPrivilege:succeeded',
      'createPass:started',
      'deletePass:started',
      'deletePass:succeeded',
      'createPass:started',
      'createPass:succeeded',
      'deleteMethods:started',
      'deleteMethods:succeeded',
      'verifyEndState:started',
      'verifyEndState:succeeded',
      'showPassToRequester:started',
      'showPassToRequester:succeeded',
      'awaitPassNoted:started',
    ]);

    await successor.notePassSeen(request.id, HANAKO);
    await successor.runOnce();
    const done = await load(harness.requests, request.id);
    expect(done.state).toBe('DONE');
    expect(emulator.requestsFor('revokeSignInSessions')).toHaveLength(1);
  });

  it('a worker killed while showing the pass: the successor deletes that pass and shows a fresh one', async () => {
    const { request } = await approvedRequest(harness.requests, {
      requester: { aadObjectId: HANAKO, name: '山田 花子' },
    });
    const doomed = spawnChild(childArgs('crash-while-showing', 'doomed', 2));
    expect(await doomed.next()).toMatchObject({ ready: true });
    const showing = await doomed.next();
    expect((await doomed.exited).signal).toBe('SIGKILL');
    const firstPassId = String(showing.showing);

    const crashed = await load(harness.requests, request.id);
    expect(crashed.execution?.tap?.methodId).toBe(firstPassId);
    expect(crashed.execution?.steps.at(-1)).toMatchObject({ name: 'showPassToRequester', status: 'started' });

    const successor = executorFor(harness, directory, { workerId: 'successor', leaseSeconds: 2 });
    harness.clock.advance(5_000);
    await successor.runOnce();

    // The requester may have seen the first card; the pass on it is deleted, so only the one
    // shown now works. The deletes of the first run are not repeated.
    expect(successfulDeletes(emulator)).toEqual({
      [ALTERNATE_MOBILE_ID]: 1,
      [MOBILE_ID]: 1,
      [firstPassId]: 1,
    });
    expect(passPosts(emulator)).toBe(2);
    const parked = await load(harness.requests, request.id);
    const passes = emulator.state.methodsOf(HANAKO).filter((m) => m['@odata.type'] === TAP_ODATA);
    expect(passes.map((p) => p.id)).toEqual([parked.execution?.tap?.methodId]);
    expect(parked.execution?.tap?.methodId).not.toBe(firstPassId);
    expect(harness.notifier.passes.map((p) => p.pass.expiresAt)).toEqual([parked.execution?.tap?.expiresAt]);
    // The end state was read again for the new pass, before it was shown.
    const tail = parked.execution?.steps.slice(-9).map((s) => `${s.name}:${s.status}`);
    expect(tail).toEqual([
      'deletePass:started',
      'deletePass:succeeded',
      'createPass:started',
      'createPass:succeeded',
      'verifyEndState:started',
      'verifyEndState:succeeded',
      'showPassToRequester:started',
      'showPassToRequester:succeeded',
      'awaitPassNoted:started',
    ]);
    expect(parked.execution?.remaining).toEqual([]);
  });

  it('a live worker renews its lease during a slow Graph call, so nobody takes its request', async () => {
    const { request } = await approvedRequest(harness.requests, {
      requester: { aadObjectId: TARO, name: '小林 太郎' },
      lostOrStolen: true,
    });
    const gate = emulator.gate('deleteMethod', { times: 1 });
    const slow = executorFor(harness, directory, { workerId: 'slow', leaseSeconds: 1 });
    const other = executorFor(harness, directory, { workerId: 'other', leaseSeconds: 1 });
    const running = slow.runOnce();
    await gate.whenHolding(1);
    // Three lease lengths of real time, with the other worker looking all along.
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await other.runOnce();
    }
    gate.open();
    await running;
    const done = await load(harness.requests, request.id);
    expect(done.state).toBe('DONE');
    expect(executingMoves(done)).toHaveLength(1);
    expect(harness.logText()).not.toContain('resuming request');
    expect(successfulDeletes(emulator)).toEqual({ [TARO_OATH_ID]: 1, [MOBILE_ID]: 1 });
    expect(passPosts(emulator)).toBe(1);
  });

  it('a worker whose lease was taken over stops at its next write and never shows its pass', async () => {
    const { request } = await approvedRequest(harness.requests, {
      requester: { aadObjectId: TARO, name: '小林 太郎' },
      lostOrStolen: true,
    });
    const gate = emulator.gate('deleteMethod', { times: 1 });
    // The stalled worker's clock runs ten minutes behind: every renewal it writes has already run
    // out for the other worker, as if it had been frozen (a paused VM, a blocked event loop).
    const behind = new TestClock();
    behind.advance(-10 * 60_000);
    const stalled = executorFor(harness, directory, {
      workerId: 'stalled',
      leaseSeconds: 1,
      now: behind.now,
    });
    const successor = executorFor(harness, directory, { workerId: 'successor', leaseSeconds: 120 });
    const running = stalled.runOnce();
    await gate.whenHolding(1);
    await successor.runOnce();
    expect((await load(harness.requests, request.id)).state).toBe('DONE');
    gate.open();
    await running;

    const done = await load(harness.requests, request.id);
    expect(done.state).toBe('DONE');
    // The stalled worker made the first pass (the pass comes first) and lost the request before
    // showing it; the successor deleted that pass and showed its own.
    expect(passPosts(emulator)).toBe(2);
    expect(orphanPassId(emulator)).not.toBe(done.execution?.tap?.methodId);
    // The stalled worker's held DELETE reached Graph after the successor had deleted that method:
    // Graph answered 404, and the stalled worker stopped at its next write.
    const oathDeletes = emulator
      .requestsFor('deleteMethod')
      .filter((r) => r.params.methodId === TARO_OATH_ID);
    expect(oathDeletes.map((r) => r.status).sort()).toEqual([204, 404]);
    expect(harness.logText()).toContain('another worker took the request over');
    expect(harness.notifier.passes).toHaveLength(1);
  });
});
