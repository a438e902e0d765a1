import type { Locale } from '../../src/config';
import { getNode, leafIds } from '../../src/domain/diagnosis-map';
import { catalogues } from '../../src/i18n/catalogues';
import type { App } from '../../src/app';
import { Conversation, conversationApp } from '../support/conversation';
import { pathTo, submit } from '../support/diagnosis-paths';
import { HANAKO } from '../support/teams-activity';

/**
 * Every leaf of the diagnosis map (advice and end nodes), in each language, reached by a real
 * conversation with the bot. The last test fails if any leaf was not shown to the person.
 */
const LOCALES: Array<[Locale, string]> = [
  ['ja', 'ja-JP'],
  ['en', 'en-US'],
];
const reached: Record<Locale, Set<string>> = { ja: new Set(), en: new Set() };

describe.each(LOCALES)('every diagnosis leaf in %s', (locale, activityLocale) => {
  let app: App;
  beforeAll(() => {
    app = conversationApp();
  });
  afterAll(() => app.close());

  it.each(leafIds())('reaches %s', async (leaf) => {
    const conversation = new Conversation(app, HANAKO, activityLocale, `a:leaf-${locale}-${leaf}`);
    const opening = await conversation.text(locale === 'ja' ? 'こんにちは' : 'hello');
    let seen = opening;
    for (const choice of pathTo(leaf)) seen += '\n' + (await conversation.text(submit(choice)));
    const node = getNode(leaf);
    if (node.kind === 'question') throw new Error(`${leaf} is not a leaf`);
    expect(seen).toContain(catalogues[locale][node.titleKey]);
    const other: Locale = locale === 'ja' ? 'en' : 'ja';
    // No card in the other language on the way (titles differ between the languages).
    expect(seen).not.toContain(catalogues[other][node.titleKey]);
    // A dead end (the bot cannot help further) names a human, for people who cannot open Teams too.
    if (isDeadEnd(leaf)) {
      const { helpdesk } = app.config;
      expect(seen).toContain(helpdesk.phone);
      expect(seen).toContain(helpdesk.email);
      expect(seen).toContain(catalogues[locale]['contact.noTeams']);
    }
    reached[locale].add(leaf);
  });
});

/**
 * Every end node except "resolved" (nothing left to do) and "file-request" (the intake follows and
 * its last card names the helpdesk: test/bot/office-hours-expiry.test.ts).
 */
function isDeadEnd(leaf: string): boolean {
  const node = getNode(leaf);
  return node.kind === 'end' && node.outcome !== 'resolved' && node.outcome !== 'file-request';
}

describe('dead ends', () => {
  it('are the refer-helpdesk and unresolved ends, and the walk above checks each one', () => {
    const deadEnds = leafIds().filter(isDeadEnd);
    expect(deadEnds.length).toBeGreaterThanOrEqual(5);
    for (const leaf of deadEnds) expect(getNode(leaf)).toMatchObject({ showContact: true });
  });
});

describe('leaf coverage', () => {
  it.each(LOCALES.map(([locale]) => locale))('every leaf was reached by a conversation in %s', (locale) => {
    expect([...reached[locale]].sort()).toEqual(leafIds().sort());
  });
});
