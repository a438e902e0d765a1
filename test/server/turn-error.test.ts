import type { Locale } from '../../src/config';
import { catalogues } from '../../src/i18n/catalogues';
import { FailingOnceStorage } from '../fakes/failing-once-storage';
import { submit } from '../support/diagnosis-paths';
import { HANAKO, MISAKI, teamsMessage } from '../support/teams-activity';
import {
  LoopbackConnector,
  startBot,
  tempDatabase,
  visibleText,
  type RunningBot,
} from '../support/running-bot';

describe.each([
  ['ja', 'ja-JP', HANAKO],
  ['en', 'en-US', MISAKI],
] as const)('a turn that fails (%s)', (locale: Locale, teamsLocale, user) => {
  let connector: LoopbackConnector;
  let serviceUrl: string;
  let bot: RunningBot;
  let db: ReturnType<typeof tempDatabase>;
  let storage: FailingOnceStorage | undefined;
  const say = (key: keyof (typeof catalogues)['en']): string => catalogues[locale][key];

  beforeAll(async () => {
    connector = new LoopbackConnector();
    serviceUrl = await connector.start();
    db = tempDatabase();
    bot = await startBot(db.path, {}, { wrapStorage: (inner) => (storage = new FailingOnceStorage(inner)) });
  });
  afterAll(async () => {
    await bot.stop();
    await connector.stop();
    db.cleanup();
  });

  async function send(input: { text?: string; value?: unknown }): Promise<{ seen: string; body: string }> {
    connector.clear();
    const response = await bot.post(teamsMessage({ serviceUrl, user, locale: teamsLocale, ...input }));
    return { seen: connector.sentTo().map(visibleText).join('\n'), body: await response.text() };
  }

  it('gets the localised error with the whole contact, no stack trace, and a fresh start', async () => {
    await send({ text: { ja: 'こんにちは', en: 'hello' }[locale] });
    expect((await send(submit({ node: 'start', value: 'changed' }))).seen).toContain(
      say('diag.changed.oldPhone.prompt'),
    );

    // Saving the dialog state after the answer fails: the turn throws.
    storage?.failNextWrite();
    const failed = await send(submit({ node: 'changed.oldPhone', value: 'no' }));
    expect(storage?.failures).toBe(1);
    const { localizer } = bot.app;
    expect(failed.seen).toContain(localizer.withContact(locale, localizer.t(locale, 'error.generic')));
    expect(failed.seen).toContain(say('contact.noTeams'));
    expect(failed.seen).toContain('03-1234-0000');
    expect(failed.seen).toContain('helpdesk@contoso.example');
    for (const shown of [failed.seen, failed.body]) {
      expect(shown).not.toContain('SQLITE_FULL');
      expect(shown).not.toMatch(/AppError|\n\s+at |\.ts:\d+/);
    }

    // The half-saved conversation is gone: the next message starts again instead of being read as an
    // answer to the old-phone question.
    const next = await send({ text: { ja: 'こんにちは', en: 'hello' }[locale] });
    expect(next.seen).toContain(say('diag.start.prompt'));
    expect(next.seen).not.toContain(say('diag.changed.oldPhone.prompt'));
    expect(next.seen).not.toContain(say('error.generic'));
    expect((await send(submit({ node: 'start', value: 'changed' }))).seen).toContain(
      say('diag.changed.oldPhone.prompt'),
    );
  });
});
