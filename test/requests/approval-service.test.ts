/**
 * The approval use cases driven directly, without Teams: real SQLite stores, the in-memory
 * directory and the recording notifier. The Teams edge around them is tested end to end in
 * test/bot/approval-*.test.ts.
 */
import { openSqliteStores } from '../../src/adapters/sqlite/index';
import type { AuditActor } from '../../src/domain/audit';
import type { ApprovalVerb } from '../../src/domain/approver-choices';
import { RELEASE_CODE_MAX_TRIES } from '../../src/domain/release-code';
import { pending } from '../contracts/fixtures';
import type { ResetRequest } from '../../src/domain/reset-request';
import { createLogger } from '../../src/log';
import type { Directory } from '../../src/ports/directory';
import type { StoredRequest } from '../../src/ports/request-store';
import type { Stores } from '../../src/ports/stores';
import { keyHolderGroups } from '../../src/requests/key-holder-groups';
import {
  ApprovalService,
  approvalSettings,
  type ApprovalClick,
  type ApprovalWorker,
  type ClickAnswer,
} from '../../src/requests/approval-service';
import type { ApproverInputs } from '../../src/requests/decision-inputs';
import { ResetExecutor } from '../../src/requests/reset-executor';
import { DelegatingDirectory } from '../fakes/delegating-directory';
import { FakeDirectory } from '../fakes/fake-directory';
import { ManualClock } from '../fakes/manual-clock';
import { RecordingNotifier } from '../fakes/recording-notifier';
import { DEMO, testConfig } from '../support/test-config';

const config = testConfig();
const logger = createLogger({ level: 'silent' });
const CARD_ACTIVITY = 'approval-card-1';
const HANAKO = { aadObjectId: DEMO.users.hanako, name: '山田 花子' };
const KEN: AuditActor = { id: DEMO.users.ken, name: '佐藤 健' };
const EMILY: AuditActor = { id: DEMO.users.emily, name: 'Emily Clark' };
const NEW_PHONE = { graph: '+81 8098765432', international: '+81 80-9876-5432', national: '080-9876-5432' };

const APPROVE: ApproverInputs = {
  verificationMethod: 'video_call',
  action: 're_register',
  methodTypes: 'phone,microsoftAuthenticator,softwareOath',
  tapLifetimeMinutes: '60',
};

/** Holds every approver check until `size` clicks are waiting, so they all read the request first. */
class BarrierDirectory extends DelegatingDirectory {
  private waiting: Array<() => void> = [];

  constructor(
    inner: Directory,
    private readonly size: number,
  ) {
    super(inner);
  }

  override async memberOfGroups(userId: string, groupIds: readonly string[]): Promise<ReadonlySet<string>> {
    await new Promise<void>((release) => {
      this.waiting.push(release);
      if (this.waiting.length === this.size) for (const go of this.waiting) go();
    });
    return this.inner.memberOfGroups(userId, groupIds);
  }
}

interface Setup {
  stores: Stores;
  directory: FakeDirectory;
  notifier: RecordingNotifier;
  clock: ManualClock;
}

let setup: Setup;

beforeEach(() => {
  const clock = new ManualClock();
  setup = {
    clock,
    stores: openSqliteStores(
      { storage: { kind: 'sqlite', path: ':memory:' }, auditKey: config.auditKey },
      { logger, now: clock.now },
    ),
    directory: new FakeDirectory(),
    notifier: new RecordingNotifier(),
  };
});

afterEach(async () => {
  await setup.stores.close();
});

function serviceWith(options: { directory?: Directory; worker?: ApprovalWorker } = {}): ApprovalService {
  return new ApprovalService({
    requests: setup.stores.requests,
    audit: setup.stores.audit,
    directory: options.directory ?? setup.directory,
    notifier: setup.notifier,
    ...(options.worker === undefined ? {} : { worker: options.worker }),
    logger,
    now: setup.clock.now,
    settings: approvalSettings(config),
  });
}

/** Files a request as the intake does (the store, then the service), and records where its card went. */
async function fileRequest(
  service: ApprovalService,
  requester: { aadObjectId: string; name: string } = HANAKO,
): Promise<StoredRequest> {
  const request = pending({
    aadObjectId: requester.aadObjectId,
    name: requester.name,
    tenantId: DEMO.tenantId,
    newPhone: NEW_PHONE,
    at: setup.clock.now(),
  });
  const created = await setup.stores.requests.create(request);
  expect(await service.filed(created.request)).toBe(true);
  // What the Teams notifier does once the card is in the channel.
  return setup.stores.requests.update(
    {
      ...created.request,
      delivery: { approvals: { conversationId: DEMO.approvalsChannelId, activityId: CARD_ACTIVITY } },
    },
    created.eTag,
  );
}

function click(
  requestId: string,
  verb: ApprovalVerb,
  clicker: AuditActor,
  inputs: ApproverInputs = {},
): ApprovalClick {
  return {
    requestId,
    verb,
    verbLabel: verb,
    automatic: false,
    clicker,
    senderKey: `29:${clicker.id}`,
    origin: {
      conversationId: DEMO.approvalsChannelId,
      activityId: CARD_ACTIVITY,
      reported: DEMO.approvalsChannelId,
    },
    inputs,
  };
}

async function current(requestId: string): Promise<ResetRequest> {
  const stored = await setup.stores.requests.get(requestId);
  if (!stored) throw new Error(`no request ${requestId}`);
  return stored.request;
}

async function auditTypes(requestId: string): Promise<string[]> {
  return (await setup.stores.audit.list({ requestId })).map((record) => record.type);
}

async function refusals(requestId: string): Promise<unknown[]> {
  const records = await setup.stores.audit.list({ requestId, types: ['request.refused'] });
  return records.map((record) => record.data.reason);
}

function noticeKey(answer: ClickAnswer): string | undefined {
  if (answer.kind !== 'card' || answer.notice === undefined) return undefined;
  return 'key' in answer.notice ? answer.notice.key : 'input problems';
}

describe('ApprovalService', () => {
  it('files a request (audited, card posted) and approves it once', async () => {
    const service = serviceWith();
    const { request } = await fileRequest(service);
    expect(setup.notifier.methods(request.id)).toEqual(['postApprovalCard']);

    const answer = await service.click(click(request.id, 'approve', KEN, APPROVE));

    expect(answer.kind).toBe('card');
    const approved = await current(request.id);
    expect(approved.state).toBe('APPROVED');
    expect(approved.decision).toMatchObject({
      approver: KEN,
      action: 're_register',
      verificationMethod: 'video_call',
    });
    // The target is the requester recorded when it was filed.
    expect(approved.requester.aadObjectId).toBe(HANAKO.aadObjectId);
    expect(await auditTypes(request.id)).toEqual(['request.created', 'request.approved', 'notice.sent']);
    expect(setup.notifier.methods(request.id)).toEqual([
      'postApprovalCard',
      'updateApprovalCard',
      'sendResetNotices',
    ]);
    // Changed phone: the release code is on the answer only; storage and audit keep none of it.
    const code = answer.kind === 'card' ? answer.releaseCode : undefined;
    expect(code).toMatch(/^[A-Z]{3}-[A-Z]{3}$/);
    expect(noticeKey(answer)).toBe('approval.release.code');
    expect(approved.release?.codeHash).toBeDefined();
    const kept = JSON.stringify([approved, await setup.stores.audit.list({ requestId: request.id })]);
    expect(kept).not.toContain(code ?? 'no code');
  });

  it('lets only one of two concurrent approvals win the compare-and-swap', async () => {
    // Both clicks read the pending request before either writes.
    const service = serviceWith({ directory: new BarrierDirectory(setup.directory, 2) });
    const { request } = await fileRequest(service);

    const answers = await Promise.all([
      service.click(click(request.id, 'approve', KEN, APPROVE)),
      service.click(click(request.id, 'approve', EMILY, APPROVE)),
    ]);

    const notices = answers.map(noticeKey);
    expect(notices.filter((key) => key === 'approval.refused.notPending')).toHaveLength(1);
    expect(notices.filter((key) => key === 'approval.release.code')).toHaveLength(1);
    const winner = notices[0] === 'approval.release.code' ? KEN : EMILY;
    const stored = await current(request.id);
    expect(stored.decision?.approver).toEqual(winner);
    expect(stored.history.filter((entry) => entry.to === 'APPROVED')).toHaveLength(1);
    expect((await auditTypes(request.id)).filter((type) => type === 'request.approved')).toHaveLength(1);
    expect(setup.notifier.methods(request.id).filter((method) => method === 'sendResetNotices')).toHaveLength(
      1,
    );
    // The loser is shown the request as it now stands.
    const loser = answers[notices.indexOf('approval.refused.notPending')];
    expect(loser?.kind === 'card' ? loser.request.state : undefined).toBe('APPROVED');
  });

  it('denies with the reason and tells the requester; a denial without a reason is refused', async () => {
    const service = serviceWith();
    const { request } = await fileRequest(service);

    const missing = await service.click(click(request.id, 'deny', KEN, { denyReason: '   ' }));
    expect(missing.kind === 'card' ? missing.notice : undefined).toEqual({
      inputProblems: ['approval.problem.denyReason'],
    });
    expect((await current(request.id)).state).toBe('PENDING');
    expect(await refusals(request.id)).toEqual(['disallowed inputs']);

    const reason = 'Could not reach her on the video call';
    await service.click(
      click(request.id, 'deny', KEN, { denyReason: reason, verificationMethod: 'video_call' }),
    );

    const denied = await current(request.id);
    expect(denied.state).toBe('DENIED');
    expect(denied.decision).toMatchObject({ approver: KEN, denyReason: reason });
    const told = setup.notifier.callsFor(request.id).find((call) => call.method === 'tellRequesterMessage');
    expect(told?.message).toEqual({
      keys: ['lifecycle.denied', 'lifecycle.deniedNext'],
      params: { reason },
      withContact: true,
    });
    expect(await auditTypes(request.id)).toContain('request.denied');
  });

  it('records a claim and tells the requester who took it', async () => {
    const service = serviceWith();
    const { request } = await fileRequest(service);

    const answer = await service.click(click(request.id, 'claim', EMILY));

    expect(noticeKey(answer)).toBeUndefined();
    const claimed = await current(request.id);
    expect(claimed.state).toBe('PENDING');
    expect(claimed.claimedBy).toMatchObject({ id: EMILY.id, name: EMILY.name });
    expect(setup.notifier.messageKeys(request.id)).toEqual(['lifecycle.claimed']);
    expect(await auditTypes(request.id)).toContain('request.claimed');
  });

  it('lets the requester, and only the requester, cancel a pending request', async () => {
    const service = serviceWith();
    const { request } = await fileRequest(service);

    expect(await service.cancel(request.id, DEMO.users.ken)).toBe(false);
    expect((await current(request.id)).state).toBe('PENDING');

    expect(await service.cancel(request.id, HANAKO.aadObjectId.toUpperCase())).toBe(true);
    expect((await current(request.id)).state).toBe('CANCELLED');
    expect(await auditTypes(request.id)).toContain('request.cancelled');
    expect(setup.notifier.methods(request.id)).toContain('updateApprovalCard');
    // Nothing pending any more: a second cancel and a late approval change nothing.
    expect(await service.cancel(request.id, HANAKO.aadObjectId)).toBe(false);
    const late = await service.click(click(request.id, 'approve', KEN, APPROVE));
    expect(noticeKey(late)).toBe('approval.refused.notPending');
    expect((await current(request.id)).state).toBe('CANCELLED');
  });

  it('refuses an approver acting on their own request', async () => {
    const service = serviceWith();
    const { request } = await fileRequest(service, { aadObjectId: KEN.id, name: KEN.name });

    const answer = await service.click(click(request.id, 'approve', KEN, APPROVE));

    expect(noticeKey(answer)).toBe('approval.refused.own');
    expect((await current(request.id)).state).toBe('PENDING');
    expect(await refusals(request.id)).toEqual(['own request']);
  });

  it('checks approver membership at the click, not when the card was shown', async () => {
    const service = serviceWith();
    const { request } = await fileRequest(service);
    const seen = await service.click(click(request.id, 'refresh', EMILY));
    expect(seen.kind).toBe('card');

    setup.directory.groups.get(DEMO.approverGroupId)?.delete(EMILY.id);
    const answer = await service.click(click(request.id, 'approve', EMILY, APPROVE));

    expect(answer).toMatchObject({ kind: 'restricted', reason: 'approval.refused.notApprover' });
    expect((await current(request.id)).state).toBe('PENDING');
    expect(await refusals(request.id)).toEqual(['not an approver']);
  });

  it('refuses a privileged target and a card used outside the message the bot posted', async () => {
    const service = serviceWith();
    const { request } = await fileRequest(service, { aadObjectId: DEMO.users.makoto, name: '高橋 誠' });

    const privileged = await service.click(click(request.id, 'approve', KEN, APPROVE));
    expect(noticeKey(privileged)).toBe('approval.refused.privileged');

    const elsewhere = await service.click({
      ...click(request.id, 'approve', KEN, APPROVE),
      origin: { conversationId: '19:other@thread.tacv2', activityId: CARD_ACTIVITY, reported: '19:other' },
    });
    expect(elsewhere).toMatchObject({ kind: 'restricted', reason: 'approval.refused.otherConversation' });
    expect((await current(request.id)).state).toBe('PENDING');
    expect(await refusals(request.id)).toEqual(['privileged target', 'other conversation']);
  });

  describe('release code', () => {
    let executor: ResetExecutor;
    let service: ApprovalService;

    beforeEach(() => {
      executor = new ResetExecutor({
        requests: setup.stores.requests,
        audit: setup.stores.audit,
        directory: setup.directory,
        notifier: setup.notifier,
        logger,
        now: setup.clock.now,
        workerId: 'approval-service-test',
        tapMaxLifetimeMinutes: config.tapMaxLifetimeMinutes,
        keyHolderGroupIds: keyHolderGroups(config),
        releaseCodeKey: config.auditKey,
      });
      service = serviceWith({ worker: executor });
    });

    afterEach(async () => {
      await executor.stop();
    });

    /** Approved by Ken; the executor has run up to the step that waits for the code. */
    async function waitingForCode(): Promise<{ id: string; code: string }> {
      const { request } = await fileRequest(service);
      const answer = await service.click(click(request.id, 'approve', KEN, APPROVE));
      const code = answer.kind === 'card' ? answer.releaseCode : undefined;
      if (code === undefined) throw new Error('no release code issued');
      await executor.kick();
      expect(setup.notifier.methods(request.id)).toContain('askForReleaseCode');
      return { id: request.id, code };
    }

    it('releases the pass to the requester typing the right code, not to a wrong code or someone else', async () => {
      const { id, code } = await waitingForCode();

      expect(await service.submitReleaseCode(id, HANAKO.aadObjectId, 'ZZZ-ZZZ')).toMatchObject({
        outcome: 'wrong',
        triesLeft: RELEASE_CODE_MAX_TRIES - 1,
      });
      expect(await service.submitReleaseCode(id, KEN.id, code)).toMatchObject({ outcome: 'notWaiting' });
      expect(setup.notifier.passes).toEqual([]);

      expect(await service.submitReleaseCode(id, HANAKO.aadObjectId, code)).toMatchObject({
        outcome: 'released',
      });
      await executor.kick();
      const shown = setup.notifier.passes.filter((pass) => pass.requestId === id);
      expect(shown.map((pass) => pass.to)).toEqual(['requester']);
      // The pass reached the requester's screen only: not the record, not the audit trail.
      const kept = JSON.stringify([await current(id), await setup.stores.audit.list({ requestId: id })]);
      expect(kept).not.toContain(shown[0]?.pass.value ?? 'no pass');
    });

    it('holds the request after too many wrong codes and tells the approvers', async () => {
      const { id, code } = await waitingForCode();
      const attempts = [];
      for (let i = 0; i < RELEASE_CODE_MAX_TRIES; i++) {
        attempts.push((await service.submitReleaseCode(id, HANAKO.aadObjectId, 'ZZZ-ZZZ')).outcome);
      }
      expect(attempts.at(-1)).toBe('held');
      expect(setup.notifier.messageKeys(id)).toContain('approval.release.held');
      // Held: even the right code no longer releases the pass.
      expect((await service.submitReleaseCode(id, HANAKO.aadObjectId, code)).outcome).toBe('held');
      expect(setup.notifier.passes).toEqual([]);
    });
  });
});
