import { botInstalled, teamsMessage } from '../support/teams-activity';
import {
  LoopbackConnector,
  startBot,
  tempDatabase,
  visibleText,
  type RunningBot,
} from '../support/running-bot';
import { withAppSql } from '../support/app-sql';

describe('the real HTTP server', () => {
  let connector: LoopbackConnector;
  let serviceUrl: string;
  let bot: RunningBot;
  let db: ReturnType<typeof tempDatabase>;

  beforeAll(async () => {
    connector = new LoopbackConnector();
    serviceUrl = await connector.start();
  });
  afterAll(() => connector.stop());

  beforeEach(async () => {
    connector.clear();
    db = tempDatabase();
    bot = await startBot(db.path);
  });
  afterEach(async () => {
    await bot.stop();
    db.cleanup();
  });

  const stateRows = (): number =>
    withAppSql(bot.app, (db) => db.prepare<[], number>('SELECT count(*) FROM bot_state').pluck().get()) ?? 0;

  it('answers the health check', async () => {
    const response = await fetch(`${bot.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('sends the welcome card in Japanese when the bot is installed', async () => {
    const response = await bot.post(botInstalled({ serviceUrl }));
    expect(response.status).toBe(200);
    const [welcome] = connector.sentTo();
    expect(connector.sentTo()).toHaveLength(1);
    const card = welcome?.attachments?.[0];
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const text = visibleText(welcome);
    expect(text).toContain('お手伝いします');
    expect(text).toContain('30 日間'); // what it stores and for how long
    expect(text).toContain('03-1234-0000'); // the helpdesk contact
    expect(text).not.toContain('${');
  });

  it('sends the welcome card in English to an en-US activity when no override is set', async () => {
    await bot.post(botInstalled({ serviceUrl, locale: 'en-US' }));
    expect(visibleText(connector.sentTo()[0])).toContain('I can help');
  });

  const refusals: Array<[string, () => Promise<Response>, number]> = [
    ['a body that is not JSON', () => bot.postRaw('{"type": "message",'), 400],
    ['an empty body', () => bot.postRaw(''), 400],
    ['a JSON array', () => bot.post([{ type: 'message' }]), 400],
    ['a JSON string', () => bot.post('message'), 400],
    [
      'an activity without a type',
      () => bot.post({ ...teamsMessage({ serviceUrl, text: 'hi' }), type: undefined }),
      400,
    ],
    [
      'an invoke without a value',
      () => bot.post({ ...teamsMessage({ serviceUrl }), type: 'invoke', name: 'adaptiveCard/action' }),
      400,
    ],
    [
      'an invoke with a malformed value',
      () =>
        bot.post({
          ...teamsMessage({ serviceUrl }),
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: 'approve',
        }),
      400,
    ],
    [
      'an adaptiveCard/action invoke without a verb',
      () =>
        bot.post({
          ...teamsMessage({ serviceUrl }),
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', data: {} } },
        }),
      400,
    ],
    ['an oversized body', () => bot.post(teamsMessage({ serviceUrl, text: 'あ'.repeat(200_000) })), 413],
    [
      'a foreign tenant',
      () =>
        bot.post(
          teamsMessage({ serviceUrl, text: 'help', tenantId: '11111111-2222-4333-8444-555555555555' }),
        ),
      403,
    ],
    [
      'a foreign tenant in channelData only',
      () =>
        bot.post({
          ...teamsMessage({ serviceUrl, text: 'help' }),
          channelData: { tenant: { id: '11111111-2222-4333-8444-555555555555' } },
        }),
      403,
    ],
    [
      'an activity with no tenant at all',
      () => {
        const activity = teamsMessage({ serviceUrl, text: 'help' });
        return bot.post({
          ...activity,
          channelData: {},
          conversation: { ...activity.conversation, tenantId: undefined },
        });
      },
      403,
    ],
  ];

  it.each(refusals)(
    'refuses %s with a generic %i and leaves no state behind',
    async (_name, send, status) => {
      const before = stateRows();
      const response = await send();
      expect(response.status).toBe(status);
      const body = await response.text();
      expect(body).not.toMatch(/at .*\.(ts|js):\d+|stack|Unexpected token|SyntaxError/i);
      expect(body.length).toBeLessThan(200);
      expect(stateRows()).toBe(before);
      expect(connector.sentTo()).toHaveLength(0);
    },
  );

  it('refuses a GET on the messaging endpoint with a 4xx', async () => {
    const response = await fetch(`${bot.url}/api/messages`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(stateRows()).toBe(0);
  });

  it('answers help in Japanese and in English', async () => {
    await bot.post(teamsMessage({ serviceUrl, text: 'help' }));
    expect(connector.sentTo().map(visibleText).join('\n')).toContain('できること');
    connector.clear();
    await bot.post(teamsMessage({ serviceUrl, text: 'English' }));
    await bot.post(teamsMessage({ serviceUrl, text: 'help' }));
    const english = connector.sentTo().map(visibleText).join('\n');
    expect(english).toContain('I will answer in English from now on.');
    expect(english).toContain('What I can do');
  });

  it('remembers the language choice across conversations and over the playground override', async () => {
    await bot.stop();
    bot = await startBot(db.path, { HELPDESK_LOCALE_OVERRIDE: 'ja' });
    await bot.post(teamsMessage({ serviceUrl, text: 'help', locale: 'en-US' }));
    expect(connector.sentTo().map(visibleText).join('\n')).toContain('できること');
    await bot.post(teamsMessage({ serviceUrl, text: 'English', locale: 'en-US' }));
    connector.clear();
    await bot.post(
      teamsMessage({ serviceUrl, text: 'help', conversationId: 'a:another-chat', locale: 'en-US' }),
    );
    expect(connector.sentTo().map(visibleText).join('\n')).toContain('What I can do');
  });
});
