/**
 * Two real bot processes on one store, each with its own executor and sweeper (issue 12): what
 * one instance does, the other must never do again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyChainAsync } from '../../src/domain/audit';
import type { OpenResetRequest } from '../../src/domain/reset-request';
import type { RecordedRequest } from '../../tools/graph-emulator';
import {
  APPROVALS,
  approveInputs,
  EMILY,
  fileRequestThrough,
  invokeCardText,
  KEN,
  postedPendingRequest,
  releaseCodeOn,
  until,
} from '../support/approval-harness';
import { visibleText } from '../support/running-bot';
import { HANAKO, type TeamsUser } from '../support/teams-activity';
import { DEMO } from '../support/test-config';
import { BACKENDS, BotFleet } from './scale-out-kit';

jest.setTimeout(180_000);

const MOBILE = '3179e48a-750b-4051-897c-87b9720928f7';
const ALTERNATE_MOBILE = 'b6332ec1-7057-4abe-9331-3d72feddfe41';
const TAP = 'temporaryAccessPassMethods';

/** Graph calls of `route` that Graph answered (a request held when its sender died never was). */
function answered(fleet: BotFleet, route: RecordedRequest['route']): RecordedRequest[] {
  return fleet.emulator.requestsFor(route).filter((request) => request.status !== undefined);
}

/** Successful deletes per method id. */
function deletesById(fleet: BotFleet): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of answered(fleet, 'deleteMethod').filter((r) => r.status === 204)) {
    const id = request.params.methodId ?? '';
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

/** The pass on the requester's pass card, once a bot has shown it. */
async function shownPass(fleet: BotFleet, requester: TeamsUser): Promise<string> {
  return until('the pass card', () => {
    const text = fleet.sentTo(`a:personal-${requester.id}`).map(visibleText).join('\n');
    return /一時アクセス パス: (\S+)/.exec(text)?.[1];
  });
}

async function settled(fleet: BotFleet, id: string): Promise<OpenResetRequest | undefined> {
  const stored = await fleet.store.stores.requests.get(id);
  return stored && ['DONE', 'PARTIAL', 'FAILED'].includes(stored.request.state)
    ? (stored.request as OpenResetRequest)
    : undefined;
}

describe.each(BACKENDS)('two bot processes on one %s store', (backend) => {
  let fleet: BotFleet;
  beforeEach(async () => {
    fleet = await BotFleet.start(backend);
    await fleet.addBotToTeam(0);
  });
  afterEach(() => fleet?.stop());

  it('50 approve clicks split across both: one approval, one pass, each method deleted once; nothing secret left', async () => {
    const id = await fileRequestThrough(fleet.endpoint(0), HANAKO, '090-1234-5678');
    await until('the approval card', async () =>
      (await fleet.store.stores.requests.get(id))?.request.delivery?.approvals ? true : undefined,
    );
    fleet.emulator.clearRequests();

    const clicks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fleet.click(i, i % 4 < 2 ? KEN : EMILY, 'approve', approveInputs(id)),
      ),
    );
    expect(clicks.map((click) => click.status)).toEqual(clicks.map(() => 200));
    const winners = clicks.flatMap((click, index) => {
      try {
        return [{ index, code: releaseCodeOn(click.body) }];
      } catch {
        return [];
      }
    });
    expect(winners).toHaveLength(1);
    const [winner] = winners;
    if (winner === undefined) throw new Error('no click won');

    // The requester types the code on the instance that did not answer the winning click, and
    // notes the pass on the other one: each instance acts on what the other stored.
    await until('the pass card asking for the code', () =>
      fleet.sentTo(`a:personal-${HANAKO.id}`).some((a) => visibleText(a).includes('受け取りコード'))
        ? true
        : undefined,
    );
    await fleet.say(winner.index + 1, HANAKO, {
      value: { kind: 'releaseCode', requestId: id, releaseCode: winner.code },
    });
    const pass = await shownPass(fleet, HANAKO);
    // The person pastes the pass back into the chat, once on each instance: the one that showed it
    // knows the pass, the other knows only that a pass was shown (issue 12, per-process memory).
    for (const index of [0, 1]) {
      expect((await fleet.say(index, HANAKO, { text: `これで合っていますか？${pass}` })).status).toBe(200);
    }
    await fleet.say(winner.index, HANAKO, { value: { kind: 'passNoted', requestId: id } });
    const done = await until('the request to settle', () => settled(fleet, id));
    expect(done.state).toBe('DONE');

    expect(await fleet.store.stores.audit.list({ requestId: id, types: ['request.approved'] })).toHaveLength(
      1,
    );
    expect(answered(fleet, 'createTemporaryAccessPass')).toHaveLength(1);
    expect(deletesById(fleet)).toEqual({ [ALTERNATE_MOBILE]: 1, [MOBILE]: 1 });
    expect(answered(fleet, 'revokeSignInSessions')).toHaveLength(1);
    expect(
      fleet.emulator.state
        .methodsOf(DEMO.users.hanako)
        .map((method) => method['@odata.type'])
        .sort(),
    ).toEqual([
      '#microsoft.graph.passwordAuthenticationMethod',
      '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
    ]);

    // SIGTERM drains both (transcripts, merged audit records), then nothing on disk or in any log
    // holds the pass or the full number.
    await Promise.all(fleet.bots.map((bot) => bot.stop()));
    expect((await verifyChainAsync(fleet.store.stores.audit.all(), fleet.store.auditKey)).ok).toBe(true);
    // The reviewer's CLI reads the same store with the same commands, whichever backend it is; the
    // chain also agrees with the heads both instances logged.
    const logFile = join(mkdtempSync(join(tmpdir(), 'helpdesk-logs-')), 'bots.log');
    writeFileSync(logFile, fleet.logText());
    const [list, show, exported, verify] = await Promise.all([
      fleet.review(['list', '--state', 'done']),
      fleet.review(['show', id]),
      fleet.review(['export', id, '--format', 'json']),
      fleet.review(['verify', '--log', logFile]),
    ]);
    expect([list.code, show.code, exported.code, verify.code]).toEqual([0, 0, 0, 0]);
    expect(list.stdout).toContain(id);
    expect(show.stdout).toContain('request.approved');
    expect(show.stdout).toContain('機種変更で番号が変わりました');
    expect(
      (JSON.parse(exported.stdout) as { requests: Array<{ request: { id: string } }> }).requests.map(
        (detail) => detail.request.id,
      ),
    ).toEqual([id]);
    expect(verify.stdout).toMatch(/Audit chain intact: .* consistent with [1-9]\d* logged head/);
    const transcript = JSON.stringify(await fleet.store.stores.transcripts.list(`a:personal-${HANAKO.id}`));
    expect(transcript.split('これで合っていますか？[REDACTED]')).toHaveLength(3);
    // The pass is never written, and the number only ever readable on the open request record, which
    // no longer holds it: no byte of the backend's files may hold either, not even bytes a store
    // keeps of what it replaced (Azurite's blob extents hold every bot-state write, where the number
    // waited sealed; src/domain/phone-seal.ts).
    const raw = await fleet.store.rawBytes();
    const logs = fleet.logText();
    expect(pass.length).toBeGreaterThanOrEqual(8);
    const reviewed = [list, show, exported, verify].map((run) => run.stdout).join('\n');
    for (const secret of [pass, '9012345678', '090-1234-5678', '90-1234-5678']) {
      expect({
        secret,
        onDisk: raw.includes(Buffer.from(secret)),
        inLogs: logs.includes(secret),
        reviewed: reviewed.includes(secret),
      }).toEqual({ secret, onDisk: false, inLogs: false, reviewed: false });
    }
  });

  it('an instance killed at its first DELETE: the other takes the request over once the lease runs out and finishes it', async () => {
    const id = await fileRequestThrough(fleet.endpoint(1), HANAKO, '090-1234-5678');
    await until('the approval card', async () =>
      (await fleet.store.stores.requests.get(id))?.request.delivery?.approvals ? true : undefined,
    );
    fleet.emulator.clearRequests();
    const firstDelete = fleet.emulator.gate('deleteMethod', { times: 1 });

    const click = await fleet.click(0, KEN, 'approve', approveInputs(id));
    if (click.status !== 200 || !invokeCardText(click.body).includes('受け取りコード')) {
      throw new Error(`approve answered ${click.status}: ${invokeCardText(click.body)}`);
    }
    // The code is typed once the pass card asks for it, as a person would: before that the executor
    // is not yet waiting for it (on a loaded machine that can take seconds) and the bot says so.
    await until('the pass card asking for the code', () =>
      fleet.sentTo(`a:personal-${HANAKO.id}`).some((a) => visibleText(a).includes('受け取りコード'))
        ? true
        : undefined,
    );
    const typed = await fleet.say(1, HANAKO, {
      value: { kind: 'releaseCode', requestId: id, releaseCode: releaseCodeOn(click.body) },
    });
    expect(typed.status).toBe(200);
    await firstDelete.whenHolding(1);
    const doomed = await fleet.leaseHolder(id);
    if (doomed === undefined) throw new Error('no bot holds the lease of the running request');
    const survivorIndex = fleet.bots.findIndex((bot) => bot !== doomed);
    const survivor = fleet.botAt(survivorIndex);
    await doomed.kill();
    expect(doomed.child.signalCode).toBe('SIGKILL');

    // The survivor shows a pass and waits for the requester, who notes it on the survivor.
    const pass = await shownPass(fleet, HANAKO);
    await fleet.say(survivorIndex, HANAKO, {
      value: { kind: 'passNoted', requestId: id },
    });
    const done = await until('the request to settle', () => settled(fleet, id));
    expect(done.state).toBe('DONE');
    expect((await fleet.leaseHolder(id)) ?? survivor).toBe(survivor);

    // The held DELETE died with its sender and was never applied. The pass the dead instance created
    // could be shown by no one (its value is never stored), so the survivor deleted it and made one
    // new pass; every other step ran once.
    const heldDelete = fleet.emulator.requestsFor('deleteMethod')[0];
    expect(heldDelete?.status).toBeUndefined();
    const passes = answered(fleet, 'createTemporaryAccessPass');
    expect(passes).toHaveLength(2);
    const deletes = deletesById(fleet);
    const orphans = Object.keys(deletes).filter((methodId) =>
      fleet.emulator
        .requestsFor('deleteMethod')
        .some((r) => r.params.methodId === methodId && r.params.collection === TAP),
    );
    expect(orphans).toHaveLength(1);
    expect(Object.values(deletes)).toEqual(Object.values(deletes).map(() => 1));
    expect(answered(fleet, 'revokeSignInSessions')).toHaveLength(1);
    const left = fleet.emulator.state.methodsOf(DEMO.users.hanako);
    expect(
      left.filter((method) => method['@odata.type'].endsWith('temporaryAccessPassAuthenticationMethod')),
    ).toEqual([expect.objectContaining({ id: done.execution?.tap?.methodId })]);
    expect(left.some((method) => method['@odata.type'].endsWith('phoneAuthenticationMethod'))).toBe(false);

    await survivor.stop();
    expect((await verifyChainAsync(fleet.store.stores.audit.all(), fleet.store.auditKey)).ok).toBe(true);
    expect((await fleet.store.rawBytes()).includes(Buffer.from(pass))).toBe(false);
  });

  it('a sweep with both running expires each pending request once: one record, one notice each', async () => {
    const requesters: TeamsUser[] = Array.from({ length: 10 }, (_, i) => ({
      id: `29:sweep-${i}`,
      name: `期限 太郎 ${i}`,
      aadObjectId: `6f1c2a9e-3b4d-4e8f-9a01-${String(i).padStart(12, '0')}`,
    }));
    const longAgo = new Date(Date.now() - 10 * 24 * 60 * 60_000);
    const ids = await Promise.all(
      requesters.map(async (user) => {
        const request = postedPendingRequest(user, APPROVALS, false, longAgo);
        await fleet.store.stores.requests.create(request);
        return request.id;
      }),
    );
    await until('every request to expire', async () => {
      const states = await Promise.all(ids.map((id) => fleet.store.stores.requests.get(id)));
      return states.every((stored) => stored?.request.state === 'EXPIRED') ? true : undefined;
    });
    // SIGTERM waits for a sweep in progress, so whatever either instance was doing is now done.
    await Promise.all(fleet.bots.map((bot) => bot.stop()));

    const expired = await fleet.store.stores.audit.list({ types: ['request.expired'] });
    expect(expired.map((record) => record.requestId).sort()).toEqual([...ids].sort());
    const notices = fleet.sentTo(APPROVALS).map(visibleText);
    for (const id of ids) {
      expect({
        id,
        notices: notices.filter((text) => text.includes(`申請 ${id} は、承認も却下もされないまま`)).length,
      }).toEqual({
        id,
        notices: 1,
      });
    }
  });
});
