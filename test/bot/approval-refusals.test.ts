import { loadSeed } from '../../tools/graph-emulator';
import { DEMO_DIRECTORY_PATH } from '../../tools/graph-emulator';
import { transition } from '../../src/domain/request-lifecycle';
import { visibleText } from '../support/running-bot';
import {
  ALEX,
  APPROVALS,
  ApprovalHarness,
  DAISUKE,
  EMILY,
  KEN,
  MAKOTO,
  MEGUMI,
  OLIVIA,
  SAKURA,
  SHOTA,
  YOKO,
  approveInputs,
  graphChanges,
  invokeCardText,
} from '../support/approval-harness';
import { HANAKO, MISAKI } from '../support/teams-activity';
import { DEMO } from '../support/test-config';

jest.setTimeout(60_000);

let harness: ApprovalHarness;

beforeEach(async () => {
  harness = await ApprovalHarness.start();
});
afterEach(() => harness.stop());

async function refusals(requestId: string): Promise<string[]> {
  const records = await harness.app.audit.list({ requestId, types: ['request.refused'] });
  return records.map((record) => String(record.data.reason));
}

/** The approvers' card for Hanako's request names her and shows her number; a short card must not. */
function expectNothingAboutHanako(text: string): void {
  for (const fact of ['山田 花子', 'hanako.yamada', '営業部', '伊藤 直子', '1234-5678', '9012345678']) {
    expect(text).not.toContain(fact);
  }
}

async function stateOf(requestId: string): Promise<string | undefined> {
  return (await harness.app.requests.get(requestId))?.request.state;
}

describe('an approval card', () => {
  it('reaches the approvals channel when a request is filed, with the facts an approver needs', async () => {
    const id = await harness.fileRequest();
    const [posted] = harness.approvalsActivities();
    expect(posted).toBeDefined();
    const text = visibleText(posted ?? {});
    expect(text).toContain(`MFA リセット申請 ${id}`);
    expect(text).toContain('山田 花子');
    expect(text).toContain('hanako.yamada@contoso.onmicrosoft.com');
    expect(text).toContain('営業部');
    expect(text).toContain('伊藤 直子'); // manager
    expect(text).toContain('090-1234-5678 (+81 90-1234-5678)');
    expect(text).toContain('携帯電話'); // registered now, from Graph
    expect(text).toContain('承認');
    expect((await harness.app.requests.get(id))?.request.delivery?.approvals?.conversationId).toBe(APPROVALS);
    expect(await harness.app.audit.list({ requestId: id, types: ['request.created'] })).toHaveLength(1);
  });

  it('is approved by a member of the approver group and answered at once with the updated card', async () => {
    const id = await harness.fileRequest();
    const response = await harness.click(KEN, 'approve', approveInputs(id, { tapLifetimeMinutes: '999' }));
    expect(response.status).toBe(200);
    expect(response.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(invokeCardText(response.body)).toContain('承認済み');
    const stored = await harness.app.requests.get(id);
    expect(stored?.request.state).toBe('APPROVED');
    // The lifetime is clamped to the configured maximum, not refused.
    expect(stored?.request.decision).toMatchObject({
      approver: { id: KEN.aadObjectId, name: KEN.name },
      verificationMethod: 'video_call',
      action: 're_register',
      methodTypes: ['phone', 'microsoftAuthenticator', 'softwareOath'],
      tapLifetimeMinutes: 60,
    });
    expect(await harness.app.audit.list({ requestId: id, types: ['request.approved'] })).toHaveLength(1);
  });

  it('can be approved by a member through a nested group', async () => {
    const id = await harness.fileRequest();
    expect(invokeCardText((await harness.click(EMILY, 'approve', approveInputs(id))).body)).toContain(
      '承認済み',
    );
  });
});

describe('refusals leave Graph untouched and are audited', () => {
  it('refuses the requester deciding on their own request', async () => {
    const request = await harness.storeRequest(KEN);
    const response = await harness.click(KEN, 'approve', approveInputs(request.id));
    expect(invokeCardText(response.body)).toContain('ご自身のアカウントの申請は、承認も却下もできません');
    expect(await stateOf(request.id)).toBe('PENDING');
    expect(await refusals(request.id)).toEqual(['own request']);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  it('refuses someone outside the approver group, and shows them no person and no number', async () => {
    const id = await harness.fileRequest();
    const response = await harness.click(MISAKI, 'approve', approveInputs(id));
    const text = invokeCardText(response.body);
    expect(text).toContain('承認や却下ができるのは、承認者グループのメンバーだけです');
    expectNothingAboutHanako(text);
    expect(await stateOf(id)).toBe('PENDING');
    expect(await refusals(id)).toEqual(['not an approver']);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  // Fails on the old code, which answered any refresh with the full card and audited nothing.
  it.each([
    ['a refresh', 'refresh', 'manual'],
    ['an automatic refresh', 'approve', 'automatic'],
  ] as const)(
    'answers %s from a non-approver with a short card that names no one',
    async (_name, verb, trigger) => {
      const id = await harness.fileRequest();
      const response = await harness.click(MISAKI, verb, { requestId: id }, { trigger });
      expect(response.body.type).toBe('application/vnd.microsoft.card.adaptive');
      const text = invokeCardText(response.body);
      expect(text).toContain(`MFA リセット申請 ${id}`);
      expect(text).toContain('承認や却下ができるのは、承認者グループのメンバーだけです');
      expectNothingAboutHanako(text);
      expect(await refusals(id)).toEqual(['not an approver']);
      expect(await harness.app.audit.list({ requestId: id, types: ['request.viewed'] })).toEqual([]);
      expect(graphChanges(harness.emulator)).toEqual([]);
    },
  );

  it('shows an approver the full card on refresh and audits the view', async () => {
    const id = await harness.fileRequest();
    const response = await harness.click(KEN, 'refresh', { requestId: id });
    expect(invokeCardText(response.body)).toContain('090-1234-5678 (+81 90-1234-5678)');
    const views = await harness.app.audit.list({ requestId: id, types: ['request.viewed'] });
    expect(views.map((record) => record.actor?.id)).toEqual([KEN.aadObjectId]);
  });

  it('limits how often one person can refresh, with a localised answer and no lookups', async () => {
    const id = await harness.fileRequest();
    for (let i = 0; i < 6; i += 1) {
      expect(invokeCardText((await harness.click(KEN, 'refresh', { requestId: id })).body)).toContain(
        '山田 花子',
      );
    }
    const before = harness.emulator.graphRequests().length;
    const text = invokeCardText((await harness.click(KEN, 'refresh', { requestId: id })).body);
    expect(text).toContain('更新が多すぎます');
    expectNothingAboutHanako(text);
    expect(harness.emulator.graphRequests().length).toBe(before);
    expect(await harness.app.audit.list({ requestId: id, types: ['request.viewed'] })).toHaveLength(6);
    // Someone else is not held back by Ken's refreshes.
    expect(invokeCardText((await harness.click(EMILY, 'refresh', { requestId: id })).body)).toContain(
      '山田 花子',
    );
  });

  // Fails on the old code, which never looked at where the click came from.
  it.each([
    ['another conversation', { conversationId: '19:somewhere-else@thread.tacv2' }],
    ['another message in the approvals channel', { replyToId: '1700000000000' }],
  ])('refuses an approval from %s, audited, showing nothing', async (_name, where) => {
    const id = await harness.fileRequest();
    const response = await harness.click(KEN, 'approve', approveInputs(id), where);
    const text = invokeCardText(response.body);
    expect(text).toContain('承認チャネルに投稿されたカードからのみ操作できます');
    expectNothingAboutHanako(text);
    expect(await stateOf(id)).toBe('PENDING');
    expect(await refusals(id)).toEqual(['other conversation']);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  it('checks membership live: a member removed after the card was posted is refused', async () => {
    const id = await harness.fileRequest();
    const seed = loadSeed(DEMO_DIRECTORY_PATH);
    for (const group of seed.groups ?? []) {
      if (group.id === DEMO.approverGroupId)
        group.members = group.members.filter((member) => member !== KEN.aadObjectId);
    }
    harness.emulator.reset(seed);
    const response = await harness.click(KEN, 'approve', approveInputs(id));
    expect(invokeCardText(response.body)).toContain(
      '承認や却下ができるのは、承認者グループのメンバーだけです',
    );
    expect(await stateOf(id)).toBe('PENDING');
    expect(await refusals(id)).toEqual(['not an approver']);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  // The PIM for Groups, owner, key-holder, guest and disabled cases fail on the old code: an
  // approver's click approved every one of them.
  it.each([
    ['an active Global Administrator', MAKOTO, 'privileged target', '特権アカウントのため'],
    ['someone only eligible for a role', OLIVIA, 'privileged target', '特権アカウントのため'],
    [
      'someone eligible (PIM for Groups) to join a role-assignable group',
      SHOTA,
      'privileged target',
      '特権アカウントのため',
    ],
    ['someone with an active PIM for Groups membership', MEGUMI, 'privileged target', '特権アカウントのため'],
    ['the owner of a role-assignable group', YOKO, 'privileged target', '特権アカウントのため'],
    ['a member of the approver group (nested)', EMILY, 'key holder target', '特権アカウントのため'],
    ['a member of the reviewer group', SAKURA, 'key holder target', '特権アカウントのため'],
    ['a guest', ALEX, 'guest target', 'ゲストまたは無効なアカウントのため'],
    ['a disabled account', DAISUKE, 'disabled target', 'ゲストまたは無効なアカウントのため'],
  ])('refuses a target that must not be reset here: %s', async (_name, target, reason, message) => {
    const request = await harness.storeRequest(target);
    const response = await harness.click(KEN, 'approve', approveInputs(request.id));
    expect(invokeCardText(response.body)).toContain(message);
    expect(await stateOf(request.id)).toBe('PENDING');
    expect(await refusals(request.id)).toEqual([reason]);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  it('refuses when any part of the privilege check cannot be read', async () => {
    const request = await harness.storeRequest(HANAKO);
    harness.emulator.inject('listPimGroupEligibilityScheduleInstances', {
      kind: 'status',
      status: 403,
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
    const response = await harness.click(KEN, 'approve', approveInputs(request.id));
    expect(invokeCardText(response.body)).toContain('特権アカウントのため');
    expect(await stateOf(request.id)).toBe('PENDING');
    expect(await refusals(request.id)).toEqual(['privilege unknown']);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  it('refuses an unknown or malformed request id', async () => {
    for (const requestId of ['REQ-ZZZZZZ', '090-1234-5678', { $ne: null }]) {
      const response = await harness.click(KEN, 'approve', approveInputs('REQ-ZZZZZZ', { requestId }));
      expect(response.status).toBe(200);
      expect(response.body.type).toBe('application/vnd.microsoft.activity.message');
    }
    // The same refusal by the same person is one record per window; the count follows at its end.
    await harness.app.audit.flush();
    const all = await harness.app.audit.list({ types: ['request.refused'] });
    expect(all.map((record) => [record.data.reason, record.data.repeated])).toEqual([
      ['no such request', undefined],
      ['unknown request id', undefined],
      ['unknown request id', 1],
    ]);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  it('ignores a tampered target or phone in the card data: facts come from storage', async () => {
    const id = await harness.fileRequest();
    await harness.click(
      KEN,
      'approve',
      approveInputs(id, {
        target: MISAKI.aadObjectId,
        requester: { aadObjectId: MISAKI.aadObjectId },
        newPhone: '+81 80 0000 0000',
        phone: '+1 206 555 0100',
      }),
    );
    const stored = await harness.app.requests.get(id);
    expect(stored?.request.requester.aadObjectId).toBe(HANAKO.aadObjectId);
    expect(JSON.stringify(stored?.request)).not.toMatch(/8000000000|2065550100|206 555/);
    expect(JSON.stringify(stored?.request.decision)).not.toContain(MISAKI.aadObjectId);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  it('refuses a tampered verb', async () => {
    const id = await harness.fileRequest();
    const response = await harness.click(KEN, 'approveAndDeleteEverything', approveInputs(id));
    expect(invokeCardText(response.body)).toContain(`MFA リセット申請 ${id}`);
    expect(await stateOf(id)).toBe('PENDING');
    expect(await refusals(id)).toEqual(['unknown verb']);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  it.each([
    ['an unknown verification method', { verificationMethod: 'trust_me' }, '本人確認の方法を選んでください'],
    ['no verification method', { verificationMethod: '' }, '本人確認の方法を選んでください'],
    ['an unknown action', { action: 'delete_everything' }, '操作を選んでください'],
    ['deleting the password', { methodTypes: 'phone,password' }, '削除する方法を 1 つ以上選んでください'],
    ['no method types', { methodTypes: '' }, '削除する方法を 1 つ以上選んでください'],
    ['a lifetime that is not a number', { tapLifetimeMinutes: 'forever' }, '有効時間は 10～60 分'],
    ['a lifetime under the minimum', { tapLifetimeMinutes: '5' }, '有効時間は 10～60 分'],
    [
      'replace phone without a call back',
      { action: 'replace_phone', confirmedByCallback: 'false' },
      '折り返し電話',
    ],
  ])('refuses disallowed inputs: %s', async (_name, overrides, message) => {
    const id = await harness.fileRequest();
    const response = await harness.click(KEN, 'approve', approveInputs(id, overrides));
    expect(invokeCardText(response.body)).toContain(message);
    expect(await stateOf(id)).toBe('PENDING');
    expect(await refusals(id)).toEqual(['disallowed inputs']);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  it('never changes state on an automatic refresh invoke', async () => {
    const id = await harness.fileRequest();
    const response = await harness.click(KEN, 'approve', approveInputs(id), { trigger: 'automatic' });
    expect(response.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(await stateOf(id)).toBe('PENDING');
    expect(await refusals(id)).toEqual(['automatic invoke']);
    expect(graphChanges(harness.emulator)).toEqual([]);
  });

  it('refuses an invoke from another tenant before any bot logic', async () => {
    const id = await harness.fileRequest();
    const before = harness.emulator.graphRequests().length;
    const response = await harness.click(KEN, 'approve', approveInputs(id), {
      tenantId: '11111111-2222-4333-8444-555555555555',
    });
    expect(response.status).toBe(403);
    expect(await stateOf(id)).toBe('PENDING');
    expect(harness.emulator.graphRequests().length).toBe(before);
  });

  it('answers a replay after DONE with the current card and changes nothing', async () => {
    const id = await harness.fileRequest();
    await harness.click(KEN, 'approve', approveInputs(id));
    // Settle it the way the executor would, then replay the same click.
    const stored = await harness.app.requests.get(id);
    if (!stored) throw new Error('missing');
    const actor = { id: 'bot', name: 'bot' };
    const executing = await harness.app.requests.update(
      transition(stored.request, 'EXECUTING', actor, new Date()),
      stored.eTag,
    );
    await harness.app.requests.update(
      transition(executing.request, 'DONE', actor, new Date()),
      executing.eTag,
    );
    const changesBefore = graphChanges(harness.emulator);
    const response = await harness.click(KEN, 'approve', approveInputs(id));
    expect(invokeCardText(response.body)).toContain('この申請はすでに対応済みです');
    expect(invokeCardText(response.body)).toContain('完了');
    expect(await stateOf(id)).toBe('DONE');
    expect(graphChanges(harness.emulator)).toEqual(changesBefore);
    expect(await harness.app.audit.list({ requestId: id, types: ['request.approved'] })).toHaveLength(1);
  });

  it('refuses to decide when Graph cannot confirm the clicker, and says so', async () => {
    const id = await harness.fileRequest();
    harness.emulator.inject('checkMemberGroups', { kind: 'drop' }, { times: 10 });
    const response = await harness.click(KEN, 'approve', approveInputs(id));
    expect(invokeCardText(response.body)).toContain('Microsoft Graph に接続できませんでした');
    expect(await stateOf(id)).toBe('PENDING');
    expect(await refusals(id)).toEqual(['approver check unavailable']);
  });
});
