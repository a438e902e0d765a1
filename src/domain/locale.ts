/** The languages the bot speaks; Japanese first (DESIGN.md section 2). */
export type Locale = 'ja' | 'en';
export const LOCALES: readonly Locale[] = ['ja', 'en'];

/**
 * DESIGN.md section 2: the person's explicit choice → the configured override → the activity's
 * locale → the configured default.
 */
export function resolveLocale(input: {
  explicit: Locale | undefined;
  override: Locale | undefined;
  activityLocale: string | undefined;
  fallback: Locale;
}): Locale {
  if (input.explicit) return input.explicit;
  if (input.override) return input.override;
  const language = (input.activityLocale ?? '').toLowerCase().split(/[-_]/)[0];
  if (language === 'ja') return 'ja';
  if (language === 'en') return 'en';
  return input.fallback;
}

const LANGUAGE_WORDS: ReadonlyArray<readonly [Locale, readonly string[]]> = [
  ['en', ['english', 'in english', '英語', 'えいご', 'en']],
  ['ja', ['日本語', 'にほんご', 'japanese', 'in japanese', 'ja']],
];

/** Recognises a typed language switch ("English", "日本語"). */
export function parseLanguageCommand(text: string): Locale | undefined {
  const normalised = text.normalize('NFKC').trim().toLowerCase();
  for (const [locale, words] of LANGUAGE_WORDS) {
    if (words.includes(normalised)) return locale;
  }
  return undefined;
}
