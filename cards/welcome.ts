import type { Locale } from '../src/config';
import type { Localizer } from '../src/i18n/localizer';
import type { MessageKey } from '../src/i18n/catalogues';
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
    // The bullet is part of the language: 「・」 in Japanese, "•" in English.
    points: ['welcome.point.diagnose', 'welcome.point.request', 'welcome.point.status'].map(
      (key) => `${t('common.bullet')}${t(key as MessageKey)}`,
    ),
    storage: t('welcome.storage', { retentionDays }),
    contactTitle: t('contact.title'),
    contactLines: [...localizer.fullContactLines(locale), t('contact.keep')],
    startLabel: t('welcome.start'),
    switchLanguageLabel: t('welcome.switchLanguage'),
    otherLocale: locale === 'ja' ? 'en' : 'ja',
  };
}
