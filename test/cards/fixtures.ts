import type { Locale } from '../../src/config';
import type { AdaptiveCardJson } from '../../cards/render';
import { renderWelcomeCard, welcomeCardData } from '../../cards/welcome';
import { testLocalizer } from '../support/test-config';

/**
 * One entry per template in cards/: how to render it with realistic data in a given language.
 * The shared card test fails when a template has no entry here.
 */
export const cardFixtures: Record<string, (locale: Locale) => AdaptiveCardJson[]> = {
  welcome: (locale) => [renderWelcomeCard(welcomeCardData(testLocalizer(), locale, 30))],
};
