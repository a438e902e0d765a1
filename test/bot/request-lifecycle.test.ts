import type { AuditEventType } from '../../src/domain/audit';
import { visibleText } from '../support/running-bot';
import { ApprovalHarness, KEN, approveInputs, invokeCardText, until } from '../support/approval-harness';
import { HANAKO, MISAKI, teamsMessage } from '../support/teams-activity';
import { DEMO } from '../support/test-config';
import { ManualClock } from '../fakes/manual-clock';

jest.setTimeout(90_000);

const HANAKO_CHAT = `a:personal-${HANAKO.id}`;

/**
 * These tests run at whatever time the machine says; an office open all week keeps the request
 * clock running (office-hours expiry has its own tests in office-hours-expiry.test.ts).
 */
const ALWAYS_OPEN = { HELPDESK_OFFICE_HOURS: 'Mon-Sun 00:00-24:00' };

let clock: ManualClock;
let harness: ApprovalHarness;

async function start(withExecutor = false): Promise<void> {
  clock = new ManualClock();
  harness = await ApprovalHarness.start(
    { ...ALWAYS_OPEN, HELPDESK_REQUEST_EXPIRY_MINUTES: '60', HELPDESK_REMINDER_LEAD_MINUTES: '15' },
    { now: clock.now, ...(withExecutor ? { createWorker: undefined } : {}) },
  );
}
afterEach(() => harness.stop());

const chatText = (conversationId = HANAKO_CHAT): string =>
  harness.connector.sentTo(conversationId).map(visibleText).join('\n');
const approvalsText = (): string =>
  harness.connector.sentTo(DEMO.approvalsChannelId).map(visibleText).join('\n');
const stateOf = async (id: string): Promise<string | undefined> =>
  (await harness.app.requests.get(id))?.request.state;
const audited = async (id: string, type: AuditEventType): Promise<number> =>
  (await harness.app.audit.list({ requestId: id, types: [type] })).length;

describe('expiry and reminders', () => {
  beforeEach(() => start());

  it('reminds the approvers once, then expires the request; a restart in between changes nothing', async () => {
    const id = await harness.fileRequest();
    clock.advance(30);
    await harness.app.sweeper.runOnce();
    expect(approvalsText()).not.toContain('リマインダー');

    clock.advance(16); // 46 minutes: inside the 15-minute lead
    await harness.app.sweeper.runOnce();
    expect(approvalsText()).toContain(`リマインダー: 山田 花子 さんの申請 ${id} は、あと 14 分で`);
    expect(await audited(id, 'request.reminder_sent')).toBe(1);

    await harness.restart();
    await harness.app.sweeper.runOnce();
    await harness.app.sweeper.runOnce();
    expect(approvalsText().match(/リマインダー/g)).toHaveLength(1);
    expect(await audited(id, 'request.reminder_sent')).toBe(1);
    expect(await stateOf(id)).toBe('PENDING');

    clock.advance(15); // 61 minutes
    await harness.app.sweeper.runOnce();
    expect(await stateOf(id)).toBe('EXPIRED');
    expect(await audited(id, 'request.expired')).toBe(1);
    expect(chatText()).toContain(`申請 ${id} は、IT 部門が対応する前に期限切れになりました`);
    expect(chatText()).toContain('03-1234-0000');
    const updates = cardUpdates(DEMO.approvalsChannelId);
    expect(visibleText(updates[updates.length - 1]?.activity ?? {})).toContain(
      '承認も却下もされないまま期限切れ',
    );
    // The full number is gone from the record now that it is final.
    expect(JSON.stringify((await harness.app.requests.get(id))?.request)).not.toContain('9012345678');

    const before = harness.connector.calls.length;
    await harness.restart();
    await harness.app.sweeper.runOnce();
    expect(harness.connector.calls.length).toBe(before);
    expect(await audited(id, 'request.expired')).toBe(1);
  });

  it('the sweeper and an approver acting at the same moment: exactly one wins and the card tells the truth', async () => {
    const outcomes: string[] = [];
    const NAOKO = { id: '29:naoko', name: '伊藤 直子', aadObjectId: DEMO.users.naoko };
    // One requester per round: an approved request stays open and would block a second one.
    for (const user of [HANAKO, MISAKI, NAOKO]) {
      const id = (await harness.storeRequest(user)).id;
      clock.advance(61);
      const [, click] = await Promise.all([
        harness.app.sweeper.runOnce(),
        harness.click(KEN, 'approve', approveInputs(id)),
      ]);
      const state = await stateOf(id);
      outcomes.push(state ?? 'missing');
      expect(['EXPIRED', 'APPROVED']).toContain(state);
      expect((await audited(id, 'request.expired')) + (await audited(id, 'request.approved'))).toBe(1);
      const answered = invokeCardText(click.body);
      expect(answered).toContain(state === 'APPROVED' ? '承認済み' : '承認も却下もされないまま期限切れ');
    }
    expect(outcomes).toHaveLength(3);
  });
});

describe('decisions the requester hears about', () => {
  beforeEach(() => start());

  it('deny: the card updates for everyone and the requester is told why and who else can help', async () => {
    const id = await harness.fileRequest();
    const response = await harness.click(KEN, 'deny', {
      requestId: id,
      denyReason: '本人確認の通話に応答がありませんでした',
    });
    expect(invokeCardText(response.body)).toContain('却下');
    expect(await stateOf(id)).toBe('DENIED');
    expect(chatText()).toContain(
      `申請 ${id} は IT 部門により却下されました。理由: 本人確認の通話に応答がありませんでした`,
    );
    expect(chatText()).toContain('IT 窓口');
    expect(chatText()).toContain('03-1234-0000');
    const updates = cardUpdates(DEMO.approvalsChannelId);
    expect(visibleText(updates[updates.length - 1]?.activity ?? {})).toContain('却下');
  });

  it('deny needs a reason', async () => {
    const id = await harness.fileRequest();
    const response = await harness.click(KEN, 'deny', { requestId: id, denyReason: '  ' });
    expect(invokeCardText(response.body)).toContain('理由を入力してください');
    expect(await stateOf(id)).toBe('PENDING');
  });

  it('claim: the card shows who is on it and the requester is told a person is looking', async () => {
    const id = await harness.fileRequest();
    const response = await harness.click(KEN, 'claim', { requestId: id });
    expect(invokeCardText(response.body)).toContain('佐藤 健 さんが');
    expect(chatText()).toContain(`IT 部門の 佐藤 健 さんが申請 ${id} の対応を始めました`);
    expect(await audited(id, 'request.claimed')).toBe(1);
  });

  it('cancel: the requester cancels from the status card; the card and the audit say so', async () => {
    const id = await harness.fileRequest();
    const status = await harness.bot.post(teamsMessage({ serviceUrl: harness.serviceUrl, text: '状況' }));
    expect(status.status).toBe(200);
    expect(chatText()).toContain('この申請をキャンセル');
    // Someone else cannot cancel it with a forged submit.
    await harness.say(MISAKI, { value: { kind: 'cancelRequest', requestId: id } });
    expect(await stateOf(id)).toBe('PENDING');
    await harness.say(HANAKO, { value: { kind: 'cancelRequest', requestId: id } });
    expect(await stateOf(id)).toBe('CANCELLED');
    expect(chatText()).toContain(`申請 ${id} をキャンセルしました`);
    expect(await audited(id, 'request.cancelled')).toBe(1);
    const updates = cardUpdates(DEMO.approvalsChannelId);
    expect(visibleText(updates[updates.length - 1]?.activity ?? {})).toContain('申請者がキャンセルしました');
    // A stale approve on the cancelled card gets the current card.
    const click = await harness.click(KEN, 'approve', approveInputs(id));
    expect(invokeCardText(click.body)).toContain('対応済み');
  });

  it('limits: a second open request is refused with the first one’s id and an audit record', async () => {
    const id = await harness.fileRequest();
    await harness.say(HANAKO, { text: '最初から' });
    await harness.fileRequest().catch(() => undefined);
    expect(chatText()).toContain(`処理中の申請 ${id} があります`);
    const refused = await harness.app.audit.list({ requestId: id, types: ['request.refused'] });
    expect(refused.map((record) => record.data.reason)).toContain('open request exists');
  });
});

describe('the monthly cap', () => {
  it('refuses past the cap with a message and an audit record', async () => {
    clock = new ManualClock();
    harness = await ApprovalHarness.start(
      { ...ALWAYS_OPEN, HELPDESK_MONTHLY_REQUEST_CAP: '1' },
      { now: clock.now },
    );
    const id = await harness.fileRequest();
    await harness.say(HANAKO, { value: { kind: 'cancelRequest', requestId: id } });
    expect(await stateOf(id)).toBe('CANCELLED');
    await harness.fileRequest().catch(() => undefined);
    expect(chatText()).toContain('今月の申請の上限 (1 件) に達しました');
    const refused = await harness.app.audit.list({ types: ['request.refused'] });
    expect(refused.map((record) => record.data.reason)).toContain('monthly cap reached');
    expect(refused.find((record) => record.data.reason === 'monthly cap reached')?.actor?.id).toBe(
      HANAKO.aadObjectId,
    );
  });
});

/** Card updates (PUT) the bot sent to one conversation, oldest first. */
function cardUpdates(conversationId: string) {
  return harness.connector.calls.filter(
    (call) => call.method === 'PUT' && call.conversationId === conversationId,
  );
}

describe('closing the loop after a pass', () => {
  beforeEach(() => start(true));

  async function resetWithPass(user = HANAKO): Promise<string> {
    const id = await harness.fileRequest(user);
    await harness.approveAndRelease(KEN, id, user, { tapLifetimeMinutes: '60' });
    await until('the pass card', async () =>
      harness.connector
        .sentTo(`a:personal-${user.id}`)
        .some((activity) => visibleText(activity).includes('パス: '))
        ? true
        : undefined,
    );
    await harness.say(user, { value: { kind: 'passNoted', requestId: id } });
    // Misaki's Authenticator is her default method, which Graph keeps while Windows Hello stays: PARTIAL.
    const settled = user === HANAKO ? ['DONE'] : ['DONE', 'PARTIAL'];
    await until('settled', async () => (settled.includes((await stateOf(id)) ?? '') ? true : undefined));
    return id;
  }

  it('sees the new method, deletes the rest of the pass early and tells the person', async () => {
    const id = await resetWithPass();
    clock.advance(5);
    await harness.app.sweeper.runOnce();
    expect(chatText()).not.toContain('新しいサインイン方法の登録を確認しました');

    // The person registers Microsoft Authenticator with the pass.
    harness.emulator.state.createPhoneMethod(DEMO.users.hanako, {
      phoneNumber: '+81 8011112222',
      phoneType: 'mobile',
    });
    clock.advance(6);
    await harness.app.sweeper.runOnce();
    expect(chatText()).toContain('新しいサインイン方法の登録を確認しました');
    const types = harness.emulator.state.methodsOf(DEMO.users.hanako).map((method) => method['@odata.type']);
    expect(types).not.toContain('#microsoft.graph.temporaryAccessPassAuthenticationMethod');
    expect((await harness.app.requests.get(id))?.request.execution?.loop?.outcome).toBe('registered');
    const settled = await harness.app.audit.list({ requestId: id, types: ['request.settled'] });
    expect(settled.map((record) => record.data.loop)).toContain('registered');
    const updates = cardUpdates(DEMO.approvalsChannelId);
    expect(visibleText(updates[updates.length - 1]?.activity ?? {})).toContain(
      '本人が新しいサインイン方法を登録しました',
    );
    const steps = await harness.app.audit.list({ requestId: id, types: ['graph.step'] });
    expect(steps.map((record) => record.data.step)).toContain('deletePassEarly');

    const before = harness.connector.calls.length;
    await harness.restart();
    clock.advance(30);
    await harness.app.sweeper.runOnce();
    expect(harness.connector.calls.length).toBe(before);
  });

  // Fails on the old sweeper, which counted any kept method: Misaki's Windows Hello (kept by default)
  // made it delete her pass at the first sweep, before she could use it.
  it('keeps the pass while only methods older than it exist, and counts one registered after it', async () => {
    const id = await resetWithPass(MISAKI);
    const misakiChat = `a:personal-${MISAKI.id}`;
    const types = () => harness.emulator.state.methodsOf(MISAKI.aadObjectId).map((m) => m['@odata.type']);
    expect(types()).toContain('#microsoft.graph.windowsHelloForBusinessAuthenticationMethod');
    clock.advance(6);
    await harness.app.sweeper.runOnce();
    expect(types()).toContain('#microsoft.graph.temporaryAccessPassAuthenticationMethod');
    expect((await harness.app.requests.get(id))?.request.execution?.loop?.outcome).toBeUndefined();
    expect(chatText(misakiChat)).not.toContain('新しいサインイン方法の登録を確認しました');

    // She registers Microsoft Authenticator with the pass: Graph dates it after the pass.
    harness.emulator.state.registerMethod(MISAKI.aadObjectId, {
      '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
      id: 'f4c1e2d3-0a1b-4c2d-8e3f-405162738495',
      displayName: 'Pixel 9',
    });
    clock.advance(6);
    await harness.app.sweeper.runOnce();
    expect(chatText(misakiChat)).toContain('新しいサインイン方法の登録を確認しました');
    expect(types()).not.toContain('#microsoft.graph.temporaryAccessPassAuthenticationMethod');
    expect((await harness.app.requests.get(id))?.request.execution?.loop?.outcome).toBe('registered');
  });

  it('tells the person and the approvers when the pass expires unused', async () => {
    const id = await resetWithPass();
    clock.advance(61);
    await harness.app.sweeper.runOnce();
    expect(chatText()).toContain(
      `申請 ${id} の一時アクセス パスは、新しいサインイン方法が登録される前に期限切れになりました`,
    );
    expect(approvalsText()).toContain('使われないまま期限切れになりました');
    expect((await harness.app.requests.get(id))?.request.execution?.loop?.outcome).toBe('expired');
    const settled = await harness.app.audit.list({ requestId: id, types: ['request.settled'] });
    expect(settled.map((record) => record.data.loop)).toContain('expired');
    const updates = cardUpdates(DEMO.approvalsChannelId);
    expect(visibleText(updates[updates.length - 1]?.activity ?? {})).toContain(
      '使われないまま期限切れになりました',
    );
    // The pass card in the chat was updated to show no pass.
    expect(visibleText(cardUpdates(HANAKO_CHAT).at(-1)?.activity ?? {})).toContain(
      'パスはここにはもう表示されません',
    );
    const before = harness.connector.calls.length;
    await harness.restart();
    clock.advance(30);
    await harness.app.sweeper.runOnce();
    expect(harness.connector.calls.length).toBe(before);
  });
});
