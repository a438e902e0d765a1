import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { catalogues, type MessageKey } from '../../src/i18n/catalogues';
import { placeholdersOf } from '../../src/i18n/localizer';
import { testLocalizer } from '../support/test-config';

/**
 * GLOSSARY.ja.md and issue 15, enforced on every message (the forbidden words are in
 * catalogues.test.ts): full-width question marks, the error-button form, the length a card can
 * carry, and no message left that nothing shows.
 */
const keys = Object.keys(catalogues.en) as MessageKey[];
const localizer = testLocalizer();

/** Sample values as long as real ones (a request id, a date in JST, a name, …). */
const SAMPLE: Record<string, string> = {
  requestId: 'REQ-7K3F9Q',
  expiresAt: '2026/11/30 10:00 (日本標準時)',
  seenAt: '2026/11/30 9:00 (日本標準時)',
  at: '2026/11/30 10:00 (日本標準時)',
  name: '山田 花子',
  approver: '佐藤 健',
  national: '090-1234-5678',
  international: '+81 90-1234-5678',
  pass: 'Xk7!p2Qd9Lm#',
};
const filled = (locale: 'ja' | 'en', key: MessageKey): string => {
  const params = Object.fromEntries(
    placeholdersOf(catalogues[locale][key]).map((name) => [name, SAMPLE[name] ?? 'x'.repeat(8)]),
  );
  return localizer.t(locale, key, params);
};

/** Outside the chat: an e-mail body has no card to fit. */
const NOT_A_CARD = new Set<MessageKey>(['notice.mail.body']);
const LIMIT = { ja: 120, en: 200 } as const;

describe('wording (GLOSSARY.ja.md)', () => {
  it('writes question marks full-width in Japanese (URLs aside)', () => {
    expect(keys.filter((key) => /\?/.test(catalogues.ja[key].replace(/https?:\/\/\S+/g, '')))).toEqual([]);
  });

  it('shows the "Something went wrong" screen text after its Japanese meaning', () => {
    const uses = keys.filter((key) => catalogues.ja[key].includes('Something went wrong'));
    expect(uses.length).toBeGreaterThan(0);
    for (const key of uses) expect(catalogues.ja[key]).toContain('問題が発生しました (Something went wrong)');
  });

  it('gives no vanity-number example in English either', () => {
    expect(keys.filter((key) => /1-800/.test(catalogues.en[key]))).toEqual([]);
  });

  it.each(['ja', 'en'] as const)('keeps every %s text block short enough for a card', (locale) => {
    const tooLong = keys
      .filter((key) => !NOT_A_CARD.has(key))
      .map((key) => [key, filled(locale, key).length] as const)
      .filter(([, length]) => length > LIMIT[locale]);
    expect(tooLong).toEqual([]);
  });
});

/** Keys built from a value at run time (`status.state.${state}` …): the prefix counts as a use. */
const DYNAMIC_PREFIXES = [
  'contact.',
  'common.officeHours.',
  'intake.verification.',
  'status.state.',
  'approval.state.',
  'approval.situation.',
  'approval.workingMethod.',
  'approval.verification.',
  'approval.action.',
  'approval.method.',
  'approval.methodType.',
  'approval.step.status.',
  'approval.step.name.',
  'approval.flag.groupLink.',
  'outcome.',
  'review.event.',
];

describe('the catalogues', () => {
  it('hold no message that nothing shows', () => {
    const files = execSync("git ls-files src dialogs cards | grep -E '\\.(ts|json)$' | grep -v '^src/i18n/'")
      .toString()
      .trim()
      .split('\n');
    const code = files.map((file) => readFileSync(file, 'utf8')).join('\n');
    const unused = keys.filter(
      (key) => !code.includes(`'${key}'`) && !DYNAMIC_PREFIXES.some((prefix) => key.startsWith(prefix)),
    );
    expect(unused).toEqual([]);
  });
});
