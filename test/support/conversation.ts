import { TestAdapter, type Activity } from 'botbuilder';
import { buildApp, type App } from '../../src/app';
import type { Environment } from '../../src/config';
import { testConfig } from './test-config';
import { BOT, HANAKO, type TeamsUser } from './teams-activity';
import { DEMO } from './test-config';
import { visibleText } from './running-bot';
import { FakeDirectory } from '../fakes/fake-directory';

/**
 * A 1:1 chat with the real bot (real dialogs, real SQLite in memory) through botbuilder's
 * TestAdapter: `say` returns what the person saw in reply, as activities and as plain text.
 */
export class Conversation {
  readonly adapter: TestAdapter;

  constructor(
    readonly app: App,
    readonly user: TeamsUser = HANAKO,
    locale = 'ja-JP',
    conversationId = `a:chat-${user.id}`,
  ) {
    this.adapter = new TestAdapter((context) => app.bot.run(context), {
      channelId: 'msteams',
      serviceUrl: 'https://smba.example/',
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: BOT.id, name: BOT.name },
      conversation: {
        id: conversationId,
        conversationType: 'personal',
        tenantId: DEMO.tenantId,
        isGroup: false,
        name: '',
      },
      channelData: { tenant: { id: DEMO.tenantId } },
      locale,
    });
  }

  async say(input: string | { value: unknown }): Promise<Array<Partial<Activity>>> {
    const activity: Partial<Activity> =
      typeof input === 'string' ? { type: 'message', text: input } : { type: 'message', value: input.value };
    await this.adapter.receiveActivity({ ...activity, locale: this.adapter.template.locale });
    return this.adapter.activeQueue.splice(0);
  }

  /** The text of every reply to `input`, joined. */
  async text(input: string | { value: unknown }): Promise<string> {
    return (await this.say(input)).map(visibleText).join('\n');
  }
}

export function conversationApp(
  env: Environment = {},
  now?: () => Date,
  directory = new FakeDirectory(),
): App {
  return buildApp(testConfig({ HELPDESK_SQLITE_PATH: ':memory:', ...env }), {
    directory,
    createWorker: null,
    ...(now ? { now } : {}),
  });
}
