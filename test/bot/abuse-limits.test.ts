import { verifyChainAsync } from '../../src/domain/audit';
import { REFUSAL_MERGE_WINDOW_MS } from '../../src/requests/merged-refusals';
import { visibleText } from '../support/running-bot';
import { ApprovalHarness, approveInputs, graphChanges, invokeCardText } from '../support/approval-harness';
import { HANAKO, MISAKI, type TeamsUser } from '../support/teams-activity';
import { DEMO, testLocalizer } from '../support/test-config';
import { pathTo, submit } from '../support/diagnosis-paths';
import { ManualClock } from '../fakes/manual-clock';

jest.setTimeout(90_000);

let harness: ApprovalHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const OTHERS: TeamsUser[] = (['misaki', 'makoto', 'olivia'] as const).map((key) => ({
  id: `29:${key}`,
  name: key,
  aadObjectId: DEMO.users[key],
}));

describe('per-person limits', () => {
  it('answers the first messages a minute, says once (in Japanese) that the rest are too fast, then drops them', async () => {
    const clock = new ManualClock(new Date('2026-11-24T01:00:00Z'));
    harness = await ApprovalHarness.start({ HELPDESK_MESSAGE_LIMIT_PER_MINUTE: '5' }, { now: clock.now });
    const personal = (): string[] =>
      harness!.connector
        .sentTo()
        .filter((activity) => activity.conversation?.id === `a:personal-${HANAKO.id}`)
        .map(visibleText);
    harness.connector.clear();
    for (let i = 0; i < 5; i++) await harness.say(HANAKO, { text: 'help' });
    expect(personal().filter((text) => text.includes('できること'))).toHaveLength(5);
    harness.connector.clear();
    for (let i = 0; i < 10; i++) expect((await harness.say(HANAKO, { text: 'help' })).status).toBe(200);
    expect(personal()).toEqual(['メッセージが続けて届いています。1 分ほど待ってから続けてください。']);
    // Someone else is not held back by Hanako's flood.
    harness.connector.clear();
    await harness.say(MISAKI, { text: 'help' });
    expect(harness.connector.sentTo().map(visibleText).join('\n')).toContain('できること');
    // A minute later Hanako is answered again.
    clock.advance(1);
    harness.connector.clear();
    await harness.say(HANAKO, { text: 'help' });
    expect(personal().join('\n')).toContain('できること');
  });

  it('gives someone past the refused-click limit a short answer with no lookup, and merges repeated refusals in the audit', async () => {
    const clock = new ManualClock(new Date('2026-11-24T01:00:00Z'));
    harness = await ApprovalHarness.start({ HELPDESK_REFUSED_CLICK_LIMIT_PER_HOUR: '3' }, { now: clock.now });
    const request = await harness.storeRequest(HANAKO);
    const refused = async (): Promise<Array<Record<string, unknown>>> =>
      (await harness!.app.audit.list({ requestId: request.id, types: ['request.refused'] })).map(
        (record) => record.data,
      );
    for (let i = 0; i < 3; i++) {
      const response = await harness.click(MISAKI, 'approve', approveInputs(request.id));
      expect(invokeCardText(response.body)).toContain(
        testLocalizer().t('ja', 'approval.refused.notApprover'),
      );
    }
    // One record for three identical refusals, so far.
    expect(await refused()).toEqual([expect.objectContaining({ reason: 'not an approver' })]);
    const lookups = harness.emulator.requests.length;
    for (let i = 0; i < 20; i++) {
      const response = await harness.click(MISAKI, 'approve', approveInputs(request.id));
      expect(invokeCardText(response.body)).toContain('拒否された操作が多すぎます');
      expect(invokeCardText(response.body)).not.toContain('山田 花子');
    }
    expect(harness.emulator.requests.length).toBe(lookups); // not even the membership check
    expect(await refused()).toHaveLength(2);
    // The window closes with one record that carries the count.
    clock.advance(REFUSAL_MERGE_WINDOW_MS / 60_000);
    await harness.click(MISAKI, 'approve', approveInputs(request.id));
    const records = await refused();
    expect(records).toEqual([
      expect.objectContaining({ reason: 'not an approver' }),
      expect.objectContaining({ reason: 'too many refused clicks' }),
      expect.objectContaining({ reason: 'not an approver', repeated: 2 }),
      expect.objectContaining({ reason: 'too many refused clicks', repeated: 19 }),
      expect.objectContaining({ reason: 'too many refused clicks' }),
    ]);
    expect(graphChanges(harness.emulator)).toEqual([]);
    expect(
      (await verifyChainAsync(harness.app.audit.all(), 'test-audit-key-0123456789abcdef0123456789')).ok,
    ).toBe(true);
  });
});

describe('the tenant-wide freeze', () => {
  it('past the hourly limit, sends new requesters to the helpdesk, files nothing, and tells the approvers once', async () => {
    const clock = new ManualClock(new Date('2026-11-24T01:00:00Z'));
    harness = await ApprovalHarness.start({ HELPDESK_FREEZE_REQUESTS_PER_HOUR: '2' }, { now: clock.now });
    await harness.fileRequest(HANAKO);
    await harness.storeRequest(OTHERS[0]);
    harness.connector.clear();
    for (const person of OTHERS.slice(1)) {
      await harness.say(person, { text: 'こんにちは' });
      for (const choice of pathTo('work.request')) await harness.say(person, submit(choice));
      const reply = harness.connector
        .sentTo()
        .filter((activity) => activity.conversation?.id === `a:personal-${person.id}`)
        .map(visibleText)
        .join('\n');
      expect(reply).toContain('このチャットからの申請を一時的に停止しています');
      expect(reply).toContain('03-1234-0000'); // the helpdesk contact
      expect(await harness.app.requests.findOpenByRequester(person.aadObjectId)).toBeUndefined();
    }
    const toApprovers = harness
      .approvalsActivities()
      .map(visibleText)
      .filter((text) => text.includes('新しい申請の受付を停止しました'));
    expect(toApprovers).toHaveLength(1);
    expect(toApprovers[0]).toContain('1 時間に 2 件を超える申請');
    const refusals = await harness.app.audit.list({ types: ['request.refused'] });
    expect(refusals.map((record) => record.data.reason)).toEqual(['requests frozen', 'requests frozen']);
    // An hour on, filing works again.
    clock.advance(61);
    await harness.fileRequest(OTHERS[1]);
    expect(await harness.app.requests.findOpenByRequester(OTHERS[1].aadObjectId)).toBeDefined();
  });
});
