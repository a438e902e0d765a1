import { TestAdapter, TurnContext, type Activity, type AdaptiveCardInvokeValue } from 'botbuilder';
import type { App } from '../../src/app';
import { ReviewerDesk } from '../../src/bot/reviewer-view';
import type { AuditRecord } from '../../src/domain/audit';
import type { Directory } from '../../src/ports/directory';
import { FakeDirectory } from '../fakes/fake-directory';
import type { GraphEmulator } from '../../tools/graph-emulator';
import { DEMO_DIRECTORY_PATH, loadSeed } from '../../tools/graph-emulator';
import { directoryFor, REVIEWERS, startEmulator } from '../graph/graph-test-kit';
import { ICHIRO, invokeCardText } from '../support/approval-harness';
import { visibleText } from '../support/running-bot';
import { BOT, HANAKO, type TeamsUser } from '../support/teams-activity';
import { DEMO } from '../support/test-config';
import { seedReviewData, type ReviewData } from '../review/review-test-kit';

/**
 * Who may use the reviewer desk, checked live against the Graph emulator over HTTPS with the real
 * Graph adapter: a member of the reviewer group, someone who is not, and a member removed from the
 * group between two commands. Every look and every refusal must land in the audit trail.
 */

function deskFor(app: App, directory: Directory): ReviewerDesk {
  return new ReviewerDesk({
    directory,
    requests: app.requests,
    audit: app.audit,
    transcripts: app.transcripts,
    search: app.stores.search,
    localizer: app.localizer,
    config: app.config,
    logger: app.logger,
  });
}

/** A 1:1 chat whose turns go to the desk, as the bot's message handler does once it is wired in. */
function chatWith(desk: ReviewerDesk, user: TeamsUser, locale = 'ja-JP') {
  const handled: boolean[] = [];
  const adapter = new TestAdapter(
    async (context) => {
      handled.push(await desk.handleCommand(context, context.activity.text ?? ''));
    },
    {
      channelId: 'msteams',
      serviceUrl: 'https://smba.example/',
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: BOT.id, name: BOT.name },
      conversation: {
        id: `a:${user.id}`,
        conversationType: 'personal',
        tenantId: DEMO.tenantId,
        isGroup: false,
        name: '',
      },
      locale,
    },
  );
  return {
    handled,
    async say(text: string): Promise<Array<Partial<Activity>>> {
      await adapter.receiveActivity({ type: 'message', text, locale });
      return adapter.activeQueue.splice(0);
    },
    async click(verb: string, data: Record<string, unknown>, trigger = 'manual') {
      const value = {
        action: { type: 'Action.Execute', verb, data },
        trigger,
      } as unknown as AdaptiveCardInvokeValue;
      const activity = {
        ...adapter.template,
        type: 'invoke',
        name: 'adaptiveCard/action',
        value,
        locale,
      } as Partial<Activity>;
      return desk.handleInvoke(new TurnContext(adapter, activity), value);
    },
  };
}

const typesOf = (records: AuditRecord[]): string[] => records.map((record) => record.type);

describe('reviewer authorisation against the Graph emulator', () => {
  let emulator: GraphEmulator;
  let data: ReviewData;
  let desk: ReviewerDesk;

  beforeAll(async () => {
    emulator = await startEmulator();
    const directory = directoryFor(emulator);
    data = await seedReviewData(':memory:', directory);
    desk = deskFor(data.app, directory);
  });

  afterAll(async () => {
    await data?.app.close();
    await emulator?.close();
  });

  beforeEach(() => emulator.reset());

  const newAudit = async (since: number): Promise<AuditRecord[]> =>
    (await data.app.audit.list()).filter((r) => r.seq > since);
  const lastSeq = async (): Promise<number> => (await data.app.audit.head())?.seq ?? 0;

  it('a member of the reviewer group gets the list card, checked live, and the listing is audited', async () => {
    const before = await lastSeq();
    const chat = chatWith(desk, ICHIRO);
    const text = (await chat.say('申請一覧')).map(visibleText).join('\n');
    expect(chat.handled).toEqual([true]);
    expect(text).toContain('最近の申請');
    expect(text).toContain(data.doneId);
    expect(text).toContain(data.pendingId);
    expect(text).toContain('山田 花子');
    expect(
      emulator.graphRequests().some((r) => r.path.endsWith(`/users/${ICHIRO.aadObjectId}/checkMemberGroups`)),
    ).toBe(true);
    const audit = await newAudit(before);
    expect(typesOf(audit)).toEqual(['review.listed']);
    expect(audit[0]?.actor).toEqual({ id: ICHIRO.aadObjectId, name: '鈴木 一郎' });
  });

  it('filters by state and person in English commands', async () => {
    const chat = chatWith(desk, ICHIRO, 'en-US');
    const done = (await chat.say('requests DONE')).map(visibleText).join('\n');
    expect(done).toContain(data.doneId);
    expect(done).not.toContain(data.pendingId);
    const byPerson = (await chat.say('requests 田中')).map(visibleText).join('\n');
    expect(byPerson).toContain(data.pendingId);
    expect(byPerson).not.toContain(data.doneId);
  });

  it('a member opens a request: timeline with the names as recorded, verification, Graph outcome, redacted transcript; both views audited', async () => {
    const before = await lastSeq();
    const chat = chatWith(desk, ICHIRO);
    const replies = await chat.say(`申請 ${data.doneId}`);
    const text = replies.map(visibleText).join('\n');
    expect(text).toContain(`申請 ${data.doneId}`);
    expect(text).toContain('佐藤 健'); // the approver, from the record and the audit trail
    expect(text).toContain(data.app.localizer.t('ja', 'approval.verification.video_call')); // the approver's check
    expect(text).toContain('deleteMethods');
    expect(text).toContain('機種変更で番号が変わりました'); // what the requester typed, from the transcript
    expect(text).not.toMatch(/1234-?5678/); // the typed number is masked in the stored transcript
    expect(JSON.stringify(replies)).not.toMatch(/90-?1234-?5678/);
    const audit = await newAudit(before);
    expect(typesOf(audit)).toEqual(['request.viewed', 'transcript.viewed']);
    expect(
      audit.every((record) => record.requestId === data.doneId && record.actor?.name === '鈴木 一郎'),
    ).toBe(true);
  });

  it('Action.Execute review.open re-reads the request from storage and ignores anything else in the card data', async () => {
    const chat = chatWith(desk, ICHIRO);
    const response = await chat.click('review.open', {
      requestId: data.pendingId,
      state: 'DONE',
      requester: 'someone',
    });
    expect(response?.type).toBe('application/vnd.microsoft.card.adaptive');
    const text = invokeCardText({ value: response?.value });
    expect(text).toContain(data.pendingId);
    expect(text).toContain('田中 美咲');
    expect(text).not.toContain('山田 花子');
    expect(await chat.click('approve', { requestId: data.pendingId })).toBeUndefined();
  });

  it('someone outside the reviewer group is refused politely, and the attempt is audited', async () => {
    const before = await lastSeq();
    const chat = chatWith(desk, HANAKO);
    const text = (await chat.say('申請一覧')).map(visibleText).join('\n');
    expect(text).toContain('IT レビュー担当者のみ');
    expect(text).not.toContain(data.doneId);
    const click = await chat.click('review.open', { requestId: data.doneId });
    expect(click?.type).toBe('application/vnd.microsoft.activity.message');
    expect(click?.value as unknown as string).toContain('IT レビュー担当者のみ');
    const audit = await newAudit(before);
    expect(typesOf(audit)).toEqual(['review.refused', 'review.refused']);
    expect(audit[0]?.data).toMatchObject({ reason: 'not a reviewer', attempt: 'list' });
    expect(audit[1]?.data).toMatchObject({ reason: 'not a reviewer', attempt: 'review.open' });
    expect(audit.some((record) => record.requestId !== undefined)).toBe(false);
  });

  it('a reviewer removed from the group loses access at once (no cached membership)', async () => {
    const chat = chatWith(desk, ICHIRO);
    expect((await chat.say('申請一覧')).map(visibleText).join('\n')).toContain(data.doneId);

    const seed = loadSeed(DEMO_DIRECTORY_PATH);
    const reviewers = seed.groups?.find((group) => group.id === REVIEWERS);
    if (!reviewers) throw new Error('the demo directory has no reviewer group');
    reviewers.members = reviewers.members.filter((member) => member !== ICHIRO.aadObjectId);
    emulator.reset(seed);

    const before = await lastSeq();
    const text = (await chat.say(`申請 ${data.doneId}`)).map(visibleText).join('\n');
    expect(text).toContain('IT レビュー担当者のみ');
    expect(text).not.toContain('機種変更');
    const audit = await newAudit(before);
    expect(typesOf(audit)).toEqual(['review.refused']);
    expect(audit[0]?.actor?.name).toBe('鈴木 一郎');
  });

  it('other text is left to the dialogs', async () => {
    const chat = chatWith(desk, ICHIRO);
    expect(await chat.say('こんにちは')).toEqual([]);
    expect(await chat.say('申請したい')).toEqual([]);
    expect(chat.handled).toEqual([false, false]);
  });
});

describe('reviewer authorisation with the in-memory directory', () => {
  it('when the membership check fails, the reviewer is told to retry and the refusal is audited', async () => {
    const directory = new FakeDirectory();
    const data = await seedReviewData(':memory:', directory);
    try {
      const desk = deskFor(data.app, directory);
      const chat = chatWith(desk, ICHIRO);
      expect((await chat.say('requests')).map(visibleText).join('\n')).toContain(data.doneId);
      directory.unavailable = true;
      const text = (await chat.say('requests')).map(visibleText).join('\n');
      expect(text).toContain('レビュー権限を確認できません');
      const last = (await data.app.audit.list()).at(-1);
      expect(last?.type).toBe('review.refused');
      expect(last?.data).toMatchObject({ reason: 'reviewer check unavailable' });
    } finally {
      await data.app.close();
    }
  });

  it('an unknown request id gets a plain answer, not a card', async () => {
    const directory = new FakeDirectory();
    const data = await seedReviewData(':memory:', directory);
    try {
      const chat = chatWith(deskFor(data.app, directory), ICHIRO);
      expect((await chat.say('申請 REQ-ZZZZZZ')).map(visibleText).join('\n')).toContain('見つかりません');
    } finally {
      await data.app.close();
    }
  });
});
