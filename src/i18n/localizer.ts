import type { Locale, OfficeHours } from '../config';
import { AppError } from '../errors';
import { catalogues, type MessageKey } from './catalogues';

export type MessageParams = Readonly<Record<string, string | number>>;

export interface HelpdeskContact {
  phone: string;
  email: string;
  location: string;
  /** Where a lost or stolen company phone is reported. */
  lossReport: string;
  responseTargetMinutes: number;
  officeHours: OfficeHours;
  timeZone: string;
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** Fills `{name}` placeholders; a placeholder without a value is a bug, never shown to a user. */
export function fillTemplate(template: string, params: MessageParams, key = '(inline)'): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = params[name];
    if (value === undefined) {
      throw new AppError('INTERNAL', `Message ${key} needs a value for {${name}}`);
    }
    return String(value);
  });
}

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/**
 * Turns message keys into text in one language. The helpdesk contact is filled in everywhere, so
 * any message may name it without the caller passing it along.
 */
export class Localizer {
  /** The contact never changes while the process runs, and formatting it was a noticeable part of a turn. */
  private readonly contactByLocale = new Map<Locale, MessageParams>();

  constructor(private readonly contact: HelpdeskContact) {}

  t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
    const template = catalogues[locale][key];
    return fillTemplate(template, { ...this.contactParams(locale), ...params }, key);
  }

  /** The contact lines that apply (an empty desk location is left out rather than shown blank). */
  contactLines(locale: Locale): string[] {
    const lines = [this.t(locale, 'contact.phone'), this.t(locale, 'contact.email')];
    if (this.contact.location !== '') lines.push(this.t(locale, 'contact.location'));
    lines.push(this.t(locale, 'contact.hours'));
    return lines;
  }

  /** The contact block every dead end shows, including for people who cannot open Teams at all. */
  fullContactLines(locale: Locale): string[] {
    return [...this.contactLines(locale), this.t(locale, 'contact.noTeams')];
  }

  /** A plain-text message followed by the full contact block, for dead ends that are not cards. */
  withContact(locale: Locale, text: string): string {
    return [text, ...this.fullContactLines(locale)].join('\n');
  }

  officeHoursText(locale: Locale): string {
    const { days, startMinute, endMinute } = this.contact.officeHours;
    const dayName = (day: number): string =>
      catalogues[locale][`common.officeHours.days.${day}` as MessageKey];
    const contiguous = days.every((day, index) => index === 0 || day === (days[index - 1] ?? 0) + 1);
    const dayText =
      contiguous && days.length > 2
        ? fillTemplate(catalogues[locale]['common.officeHours.range'], {
            first: dayName(days[0] ?? 1),
            last: dayName(days[days.length - 1] ?? 5),
          })
        : days.map(dayName).join(locale === 'ja' ? '・' : ', ');
    return fillTemplate(catalogues[locale]['common.officeHours.format'], {
      days: dayText,
      start: clock(startMinute),
      end: clock(endMinute),
      timeZone: timeZoneName(this.contact.timeZone, locale),
    });
  }

  private contactParams(locale: Locale): MessageParams {
    let params = this.contactByLocale.get(locale);
    if (!params) {
      params = {
        helpdeskPhone: this.contact.phone,
        helpdeskEmail: this.contact.email,
        helpdeskLocation: this.contact.location,
        lossReportContact: this.contact.lossReport,
        responseTarget: this.contact.responseTargetMinutes,
        officeHours: this.officeHoursText(locale),
      };
      this.contactByLocale.set(locale, params);
    }
    return params;
  }
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "日本標準時" / "Japan Standard Time": the design asks for the time zone to be named. */
export function timeZoneName(timeZone: string, locale: Locale): string {
  const key = `${timeZone}|${locale}`;
  let name = timeZoneNames.get(key);
  if (name === undefined) {
    name = formatTimeZoneName(timeZone, locale);
    timeZoneNames.set(key, name);
  }
  return name;
}

/** Building an Intl formatter costs far more than using one; the zones in use are few. */
const timeZoneNames = new Map<string, string>();

function formatTimeZoneName(timeZone: string, locale: Locale): string {
  const parts = new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-US', {
    timeZone,
    timeZoneName: 'long',
  }).formatToParts(new Date(Date.UTC(2026, 0, 15)));
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}
