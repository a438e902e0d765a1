import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { resolveLocale, type Locale } from '../src/domain/locale';

/** What the bot remembers about a person across conversations. */
export interface UserProfile {
  /** Set only by the person's explicit choice; it outranks every other source of the language. */
  locale?: Locale;
  /** The helpdesk contact has been shown once (on install or in the first reply). */
  contactShown?: boolean;
}

const LOCALE_KEY = Symbol('helpdesk.locale');

export interface LocaleSettings {
  override: Locale | undefined;
  fallback: Locale;
}

/** Works out the turn's language once and keeps it on the turn, so every reply agrees. */
export async function resolveTurnLocale(
  context: TurnContext,
  profile: StatePropertyAccessor<UserProfile>,
  settings: LocaleSettings,
): Promise<Locale> {
  const stored = await profile.get(context, {});
  const locale = resolveLocale({
    explicit: stored.locale,
    override: settings.override,
    activityLocale: context.activity.locale,
    fallback: settings.fallback,
  });
  context.turnState.set(LOCALE_KEY, locale);
  return locale;
}

export async function chooseLocale(
  context: TurnContext,
  profile: StatePropertyAccessor<UserProfile>,
  locale: Locale,
): Promise<void> {
  const stored = await profile.get(context, {});
  await profile.set(context, { ...stored, locale });
  context.turnState.set(LOCALE_KEY, locale);
}

export function turnLocale(context: TurnContext): Locale {
  const locale = context.turnState.get<Locale | undefined>(LOCALE_KEY);
  return locale ?? 'ja';
}
