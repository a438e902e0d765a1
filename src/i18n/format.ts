import type { Locale } from '../config';
import { timeZoneName } from './localizer';

/** "2026/11/23 9:05 (日本標準時)" / "Nov 23, 2026, 9:05 AM (Japan Standard Time)". */
export function formatDateTime(date: Date, locale: Locale, timeZone: string): string {
  const text = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-US', {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
  return `${text} (${timeZoneName(timeZone, locale)})`;
}
