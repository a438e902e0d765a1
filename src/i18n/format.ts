import type { Locale } from '../config';
import { timeZoneName } from './localizer';

/** Formatters are costly to build and cheap to reuse; one per locale and zone in use. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(locale: Locale, timeZone: string): Intl.DateTimeFormat {
  const key = `${timeZone}|${locale}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-US', {
      timeZone,
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** "2026/11/23 9:05 (日本標準時)" / "Nov 23, 2026, 9:05 AM (Japan Standard Time)". */
export function formatDateTime(date: Date, locale: Locale, timeZone: string): string {
  return `${formatterFor(locale, timeZone).format(date)} (${timeZoneName(timeZone, locale)})`;
}

/** "2026-11-23 09:05:00" in `timeZone`: the review tools' sortable local time; an unreadable `iso` comes back as it is. */
export function formatLocalTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(date);
  return text;
}
