/**
 * Office-hours arithmetic for the request clock. A request's time to expiry counts only office
 * minutes, so one filed on Friday night is still open when IT arrives on Monday (issue 15).
 */
export interface OfficeHours {
  /** ISO weekday numbers, Monday = 1 … Sunday = 7. */
  days: readonly number[];
  /** Minutes after midnight in `timeZone`. */
  startMinute: number;
  endMinute: number;
  /** As configured, for messages ("Mon-Fri 09:00-18:00"). */
  text: string;
}

export interface OfficeSchedule {
  officeHours: OfficeHours;
  timeZone: string;
}

const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const formatters = new Map<string, Intl.DateTimeFormat>();

/** ISO weekday (Monday = 1) and minutes after midnight of `date` on the office's wall clock. */
export function officeClock(date: Date, timeZone: string): { day: number; minute: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(date);
  const value = (type: string): string => parts.find((part) => part.type === type)?.value ?? '';
  return {
    day: WEEKDAYS.indexOf(value('weekday')) + 1,
    minute: Number(value('hour')) * 60 + Number(value('minute')),
  };
}

export function isWithinOfficeHours(date: Date, schedule: OfficeSchedule): boolean {
  const { day, minute } = officeClock(date, schedule.timeZone);
  const hours = schedule.officeHours;
  return hours.days.includes(day) && minute >= hours.startMinute && minute < hours.endMinute;
}

/** `date` itself when the office is open then, otherwise the moment it next opens. */
export function nextOfficeOpening(date: Date, schedule: OfficeSchedule): Date {
  if (isWithinOfficeHours(date, schedule)) return date;
  const { startMinute } = schedule.officeHours;
  let cursor = new Date(Math.floor(date.getTime() / MINUTE) * MINUTE);
  if (cursor.getTime() < date.getTime()) cursor = new Date(cursor.getTime() + MINUTE);
  // Each jump lands on an opening time (or a day later); a week plus a daylight-saving hour bounds it.
  for (let jumps = 0; jumps < 20; jumps++) {
    if (isWithinOfficeHours(cursor, schedule)) return cursor;
    const { day, minute } = officeClock(cursor, schedule.timeZone);
    const openLaterToday = schedule.officeHours.days.includes(day) && minute < startMinute;
    const wait = openLaterToday ? startMinute - minute : DAY_MINUTES - minute + startMinute;
    cursor = new Date(cursor.getTime() + wait * MINUTE);
  }
  return cursor;
}

/** The moment `minutes` office minutes have passed since `start`. */
export function addOfficeMinutes(start: Date, minutes: number, schedule: OfficeSchedule): Date {
  let cursor = nextOfficeOpening(start, schedule);
  let remaining = minutes;
  for (let days = 0; days < 400; days++) {
    const { minute } = officeClock(cursor, schedule.timeZone);
    const leftToday = schedule.officeHours.endMinute - minute;
    if (remaining <= leftToday) return new Date(cursor.getTime() + remaining * MINUTE);
    remaining -= leftToday;
    cursor = nextOfficeOpening(new Date(cursor.getTime() + leftToday * MINUTE), schedule);
  }
  return cursor;
}

/** When a pending request is reminded about and when it expires, both counted in office minutes. */
export function requestDeadlines(
  createdAt: Date,
  limits: { expiryMinutes: number; reminderLeadMinutes: number },
  schedule: OfficeSchedule,
): { remindAt: Date; expiresAt: Date } {
  return {
    remindAt: addOfficeMinutes(createdAt, limits.expiryMinutes - limits.reminderLeadMinutes, schedule),
    expiresAt: addOfficeMinutes(createdAt, limits.expiryMinutes, schedule),
  };
}
