import { parseOfficeHours } from '../../src/config';
import {
  addOfficeMinutes,
  isWithinOfficeHours,
  nextOfficeOpening,
  requestDeadlines,
  type OfficeSchedule,
} from '../../src/domain/office-hours';

const tokyo = (officeHours = 'Mon-Fri 09:00-18:00'): OfficeSchedule => {
  const parsed = parseOfficeHours(officeHours);
  if (!parsed) throw new Error(officeHours);
  return { officeHours: parsed, timeZone: 'Asia/Tokyo' };
};
/** A wall-clock time in Tokyo (UTC+9, no daylight saving). */
const jst = (iso: string): Date => new Date(`${iso}+09:00`);

describe('office hours', () => {
  it.each([
    ['2026-11-27T09:00', true], // Friday opening
    ['2026-11-27T17:59', true],
    ['2026-11-27T18:00', false], // closing time is already closed
    ['2026-11-28T10:00', false], // Saturday
    ['2026-11-30T08:59', false], // Monday before opening
  ])('%s JST is within office hours: %s', (at, expected) => {
    expect(isWithinOfficeHours(jst(at), tokyo())).toBe(expected);
  });

  it.each([
    ['2026-11-27T10:15', '2026-11-27T10:15'],
    ['2026-11-27T19:30', '2026-11-30T09:00'], // Friday night → Monday
    ['2026-11-29T23:00', '2026-11-30T09:00'], // Sunday night
    ['2026-11-30T07:10', '2026-11-30T09:00'], // Monday morning
    ['2026-12-01T18:00', '2026-12-02T09:00'], // Tuesday closing
  ])('the office next opens after %s JST at %s JST', (at, expected) => {
    expect(nextOfficeOpening(jst(at), tokyo()).toISOString()).toBe(jst(expected).toISOString());
  });

  it.each([
    ['2026-11-27T10:00', 60, '2026-11-27T11:00'], // inside hours: plain minutes
    ['2026-11-27T17:50', 60, '2026-11-30T09:50'], // ten minutes on Friday, fifty on Monday
    ['2026-11-27T19:30', 60, '2026-11-30T10:00'], // filed outside hours: counts from the opening
    ['2026-11-27T17:00', 600, '2026-11-30T18:00'], // 60 on Friday, the whole of Monday (540)
    ['2026-11-27T17:00', 601, '2026-12-01T09:01'],
  ])('%s JST + %i office minutes = %s JST', (at, minutes, expected) => {
    expect(addOfficeMinutes(jst(at), minutes, tokyo()).toISOString()).toBe(jst(expected).toISOString());
  });

  it('an office open all week counts plain minutes, across midnight too', () => {
    const always = tokyo('Mon-Sun 00:00-24:00');
    expect(addOfficeMinutes(jst('2026-11-28T23:30'), 60, always).toISOString()).toBe(
      jst('2026-11-29T00:30').toISOString(),
    );
  });

  it('a request never expires (or is reminded about) before the next office hours', () => {
    const deadlines = requestDeadlines(
      jst('2026-11-27T19:30'),
      { expiryMinutes: 60, reminderLeadMinutes: 15 },
      tokyo(),
    );
    expect(deadlines.remindAt.toISOString()).toBe(jst('2026-11-30T09:45').toISOString());
    expect(deadlines.expiresAt.toISOString()).toBe(jst('2026-11-30T10:00').toISOString());
  });
});
