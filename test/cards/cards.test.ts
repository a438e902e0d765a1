import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locale } from '../../src/config';
import { TEAMS_CARD_LIMIT_BYTES } from '../../cards/render';
import { cardFixtures } from './fixtures';
import { parseWarnings } from './parse-card';

const templates = readdirSync(join(__dirname, '../../cards'))
  .filter((file) => file.endsWith('.card.json'))
  .map((file) => file.replace(/\.card\.json$/, ''));

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
