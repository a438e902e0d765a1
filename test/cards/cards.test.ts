import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locale } from '../../src/config';
import { TEAMS_CARD_LIMIT_BYTES } from '../../cards/render';
import { cardFixtures } from './fixtures';

// The package's lib/ entry needs a DOM; its bundled build loads in Node.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AdaptiveCards = require('adaptivecards/dist/adaptivecards.js');

const templates = readdirSync(join(__dirname, '../../cards'))
  .filter((file) => file.endsWith('.card.json'))
  .map((file) => file.replace(/\.card\.json$/, ''));

function parseWarnings(card: object): string[] {
  const adaptiveCard = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext();
  adaptiveCard.parse(card, context);
  const warnings: string[] = [];
  for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
  const validation = adaptiveCard.validateProperties();
  for (const event of validation.validationEvents ?? []) warnings.push(event.message);
  return warnings;
}

describe('every card template', () => {
  it('has at least one template', () => {
    expect(templates.length).toBeGreaterThan(0);
  });

  it.each(templates)('%s has a fixture', (name) => {
    expect(Object.keys(cardFixtures)).toContain(name);
  });

  const cases: Array<[string, Locale]> = Object.keys(cardFixtures).flatMap((name) =>
    (['ja', 'en'] as const).map((locale): [string, Locale] => [name, locale]),
  );

  it.each(cases)('%s (%s) expands fully, parses without warnings and fits in 28 KB', (name, locale) => {
    const render = cardFixtures[name];
    if (!render) throw new Error(`no fixture for ${name}`);
    const cards = render(locale);
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards) {
      const json = JSON.stringify(card);
      expect(json).not.toContain('${');
      expect(parseWarnings(card)).toEqual([]);
      expect(Buffer.byteLength(json, 'utf8')).toBeLessThanOrEqual(TEAMS_CARD_LIMIT_BYTES);
    }
  });

  it('the parser check can fail: an unknown element is reported', () => {
    expect(parseWarnings({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Nope' }] })).not.toEqual([]);
  });
});
