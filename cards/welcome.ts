import type { Locale } from '../src/config';
import type { Localizer } from '../src/i18n/localizer';
import { expandCard, type AdaptiveCardJson } from './render';
import template from './welcome.card.json';

export interface WelcomeCardData {
  title: string;
  intro: string;
  points: string[];
  storage: string;
  contactTitle: string;
  contactLines: string[];
  startLabel: string;
  switchLanguageLabel: string;
  otherLocale: Locale;
}

export function renderWelcomeCard(data: WelcomeCardData): AdaptiveCardJson {
  return expandCard(template, data);
}

export function welcomeCardData(
  localizer: Localizer,
  locale: Locale,
  retentionDays: number,
): WelcomeCardData {
  const t = localizer.t.bind(localizer, locale);
  return {
    title: t('welcome.title'),
    intro: t('welcome.intro'),
    points: [t('welcome.point.diagnose'), t('welcome.point.request'), t('welcome.point.status')],
    storage: t('welcome.storage', { retentionDays }),
    contactTitle: t('contact.title'),
    contactLines: localizer.fullContactLines(locale),
    startLabel: t('welcome.start'),
    switchLanguageLabel: t('welcome.switchLanguage'),
    otherLocale: locale === 'ja' ? 'en' : 'ja',
  };
}
