import type { App } from '../../src/app';
import { catalogues } from '../../src/i18n/catalogues';
import { Conversation, conversationApp } from '../support/conversation';
import { HANAKO, MISAKI } from '../support/teams-activity';

/**
 * Issue 15: the first reply to anyone names the helpdesk and asks them to keep it in case Teams
 * stops working, whether or not the install greeting was ever seen; it is said once per person.
 */
let app: App;
beforeEach(() => {
  app = conversationApp();
});
afterEach(() => app.close());

describe.each([
  ['ja', 'ja-JP', 'こんにちは'],
  ['en', 'en-US', 'hello'],
] as const)('the first reply, in %s', (locale, activityLocale, greeting) => {
  const c = catalogues[locale];

  it('names the helpdesk and says to keep it, before the first question', async () => {
    const conversation = new Conversation(app, HANAKO, activityLocale, `a:first-${locale}`);
    const replies = await conversation.say(greeting);
    const text = replies.map((reply) => JSON.stringify(reply)).join('\n');
    expect(text).toContain(c['contact.keep']);
    expect(text).toContain('03-1234-0000');
    expect(text).toContain('helpdesk@contoso.example');
    expect(text).toContain(c['contact.noTeams']);
    expect(text.indexOf(c['contact.keep'])).toBeLessThan(
      text.indexOf(catalogues[locale]['diag.start.prompt']),
    );
  });

  it('is said once per person, not at every conversation', async () => {
    await new Conversation(app, MISAKI, activityLocale, `a:once-${locale}-1`).text(greeting);
    const later = await new Conversation(app, MISAKI, activityLocale, `a:once-${locale}-2`).text(greeting);
    expect(later).not.toContain(c['contact.keep']);
  });

  it('is said to someone whose first message is a command, too', async () => {
    const text = await new Conversation(app, HANAKO, activityLocale, `a:status-${locale}`).text(
      locale === 'ja' ? '状況' : 'status',
    );
    expect(text).toContain(c['contact.keep']);
  });
});
