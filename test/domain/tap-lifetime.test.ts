import {
  GRAPH_TAP_LIFETIME,
  TAP_MAX_LIFETIME_CEILING_MINUTES,
  isGraphTapLifetime,
  tapLifetime,
} from '../../src/domain/tap-lifetime';
import { loadConfig } from '../../src/config';
import { isAppError } from '../../src/errors';
import { testEnvironment } from '../support/test-config';

describe('tapLifetime', () => {
  it.each([
    ['empty: the card’s default hour', 120, '', 60],
    ['empty with a maximum under an hour: the maximum', 45, '', 45],
    ['at the maximum', 120, '120', 120],
    ['above the maximum: the maximum', 120, '121', 120],
    ['at Graph’s floor', 120, '10', 10],
    ['spaces around the number', 120, ' 30 ', 30],
  ])('reads the typed lifetime: %s', (_name, maximum, typed, expected) => {
    expect(tapLifetime(maximum).readTyped(typed)).toBe(expected);
  });

  it.each([['9'], ['0'], ['-30'], ['12.5'], ['forever'], ['６０']])(
    'refuses the typed lifetime %p',
    (typed) => {
      expect(tapLifetime(120).readTyped(typed)).toBeUndefined();
    },
  );

  it('keeps a maximum inside Graph’s range', () => {
    expect(tapLifetime(5).maxMinutes).toBe(GRAPH_TAP_LIFETIME.minMinutes);
    expect(tapLifetime(100_000).maxMinutes).toBe(GRAPH_TAP_LIFETIME.maxMinutes);
    expect(tapLifetime(Number.NaN).maxMinutes).toBe(GRAPH_TAP_LIFETIME.minMinutes);
  });

  it('is what Graph accepts at the edges', () => {
    expect([9, 10, 43_200, 43_201, 30.5].map(isGraphTapLifetime)).toEqual([false, true, true, false, false]);
  });

  it('bounds the setting: Graph’s floor up to the working-day ceiling', () => {
    const problems = (value: string): readonly string[] => {
      try {
        loadConfig(testEnvironment({ HELPDESK_TAP_MAX_LIFETIME_MINUTES: value }));
        return [];
      } catch (error) {
        if (isAppError(error, 'CONFIG_INVALID')) return error.details;
        throw error;
      }
    };
    expect(problems(String(GRAPH_TAP_LIFETIME.minMinutes - 1))).toEqual([
      expect.stringContaining('HELPDESK_TAP_MAX_LIFETIME_MINUTES'),
    ]);
    expect(problems(String(TAP_MAX_LIFETIME_CEILING_MINUTES + 1))).toEqual([
      expect.stringContaining('HELPDESK_TAP_MAX_LIFETIME_MINUTES'),
    ]);
    expect(problems(String(GRAPH_TAP_LIFETIME.minMinutes))).toEqual([]);
    expect(problems(String(TAP_MAX_LIFETIME_CEILING_MINUTES))).toEqual([]);
  });
});
