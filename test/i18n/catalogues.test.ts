import { catalogues, type MessageKey } from '../../src/i18n/catalogues';
import { parseLanguageCommand, resolveLocale } from '../../src/domain/locale';
import { fillTemplate, placeholdersOf } from '../../src/i18n/localizer';
import { isAppError } from '../../src/errors';
import { STEP_NAMES } from '../../src/domain/reset-plan';
import { testLocalizer } from '../support/test-config';

const keys = Object.keys(catalogues.en) as MessageKey[];

/** Every value a message may ask for; the renderer or the caller fills exactly these. */
const KNOWN_PLACEHOLDERS = new Set([
  'helpdeskPhone',
  'helpdeskEmail',
  'helpdeskLocation',
  'officeHours',
  'requestId',
  'code',
  'decision',
  'fields',
  'triesLeft',
  'retentionDays',
  'max',
  'limit',
  'national',
  'international',
  'cap',
  'lastTwo',
  'group',
  'groups',
  'days',
  'start',
  'end',
  'timeZone',
  'first',
  'last',
  'roles',
  'count',
  'name',
  'at',
  'verification',
  'reason',
  'step',
  'status',
  'methods',
  'problems',
  'expiresAt',
  'pass',
  'state',
  'approver',
  'minutes',
  'why',
  'responseTarget',
  'seenAt',
  'lossReportContact',
  'answer',
]);

/** Words the glossary replaces (GLOSSARY.ja.md): the left side must not appear in Japanese text. */
const GLOSSARY_AVOID: Array<[RegExp, string]> = [
  [/ログイン/, 'サインイン'],
  [/デフォルト/, '既定'],
  [/セキュリティー/, 'セキュリティ'],
  [/テンポラリ/, '一時アクセス パス'],
  [/一時アクセスパス/, '一時アクセス パス (with a space)'],
  [/二要素|2要素/, '多要素認証 / 2 段階認証'],
  [/Azure AD|Azure Active Directory/, 'Microsoft Entra ID'],
  // Issue 15
  [/あなた/, 'leave the subject out or ご自身'],
  [/(?<!アクセス )パス(?!ワード|キー)/, '一時アクセス パス in full (パス alone reads as パスワード)'],
  [/スマホ/, '携帯電話 (スマートフォン only where an app is meant)'],
  [/(?<!携帯)電話の紛失|(?<!携帯)電話が変わ/, '携帯電話 for the device'],
  [/判断|取り下げ/, '承認 / 却下 / キャンセル'],
  [/中止|やめる/, 'キャンセル'],
  [/連絡してください|ご相談ください|お問い合わせください|問い合わせます|ご連絡下さい/, 'ご連絡ください'],
  [/1-800-FLOWERS/, 'no vanity-number example'],
];

describe('message catalogues', () => {
  it('have the same keys in Japanese and English', () => {
    expect(Object.keys(catalogues.ja).sort()).toEqual([...keys].sort());
  });

  it.each(keys)('%s uses the same known placeholders in both languages', (key) => {
    const ja = placeholdersOf(catalogues.ja[key]).sort();
    const en = placeholdersOf(catalogues.en[key]).sort();
    expect(ja).toEqual(en);
    for (const name of en) expect(KNOWN_PLACEHOLDERS).toContain(name);
  });

  it('has no empty message', () => {
    for (const key of keys) {
      expect(catalogues.ja[key].trim()).not.toBe('');
      expect(catalogues.en[key].trim()).not.toBe('');
    }
  });

  it('writes Japanese with the glossary terms', () => {
    const offending = keys.flatMap((key) =>
      GLOSSARY_AVOID.filter(([pattern]) => pattern.test(catalogues.ja[key])).map(
        ([pattern, instead]) => `${key}: ${pattern.source} → ${instead}`,
      ),
    );
    expect(offending).toEqual([]);
  });

  it('has no half-width katakana in Japanese', () => {
    expect(keys.filter((key) => /[\uFF66-\uFF9F]/.test(catalogues.ja[key]))).toEqual([]);
  });

  it('writes the Japanese catalogue in Japanese (except the switch to English and code-like labels)', () => {
    // The switch to English is written in English on purpose; the error label quotes the screen.
    const allowedLatin = new Set<MessageKey>([
      'welcome.switchLanguage',
      'approval.method.microsoftAuthenticator',
      'approval.methodType.windowsHelloForBusiness',
    ]);
    const latinOnly = keys.filter((key) => {
      const text = catalogues.ja[key].replace(/\{[A-Za-z]+\}/g, '');
      return !allowedLatin.has(key) && !/[\u3040-\u30FF\u4E00-\u9FFF]/.test(text) && text.length > 12;
    });
    expect(latinOnly).toEqual([]);
  });
});

describe('the localizer', () => {
  const localizer = testLocalizer();

  it('fills the helpdesk contact into any message', () => {
    expect(localizer.t('ja', 'contact.phone')).toBe('電話: 03-1234-0000');
    expect(localizer.t('en', 'contact.email')).toBe('Email: helpdesk@contoso.example');
  });

  it('names office hours and the time zone in the reader’s language', () => {
    expect(localizer.officeHoursText('ja')).toBe('月～金 09:00～18:00 (日本標準時)');
    expect(localizer.officeHoursText('en')).toBe('Mon–Fri 09:00–18:00 (Japan Standard Time)');
  });

  it('refuses to show a message with a missing value rather than a raw placeholder', () => {
    let thrown: unknown;
    try {
      fillTemplate('申請番号は {requestId} です。', {});
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown, 'INTERNAL')).toBe(true);
  });
});

describe('resolveLocale (DESIGN.md section 2)', () => {
  it.each([
    [{ explicit: 'en', override: 'ja', activityLocale: 'ja-JP', fallback: 'ja' }, 'en'],
    [{ explicit: undefined, override: 'ja', activityLocale: 'en-US', fallback: 'en' }, 'ja'],
    [{ explicit: undefined, override: undefined, activityLocale: 'ja-JP', fallback: 'en' }, 'ja'],
    [{ explicit: undefined, override: undefined, activityLocale: 'en-GB', fallback: 'ja' }, 'en'],
    [{ explicit: undefined, override: undefined, activityLocale: 'fr-FR', fallback: 'ja' }, 'ja'],
    [{ explicit: undefined, override: undefined, activityLocale: undefined, fallback: 'ja' }, 'ja'],
  ] as const)('%j → %s', (input, expected) => {
    expect(resolveLocale(input)).toBe(expected);
  });

  it.each([
    ['English', 'en'],
    ['英語', 'en'],
    ['日本語', 'ja'],
    ['ＥＮＧＬＩＳＨ', 'en'],
    ['Japanese', 'ja'],
    ['日本語でお願いします、電話番号が変わりました', undefined],
  ])('reads the language switch %s', (text, expected) => {
    expect(parseLanguageCommand(text)).toBe(expected);
  });
});

describe('executor step names', () => {
  it('every step the executor records has a name on the approval card in both languages', () => {
    for (const step of STEP_NAMES) {
      expect(Object.keys(catalogues.ja)).toContain(`approval.step.name.${step}`);
      expect(Object.keys(catalogues.en)).toContain(`approval.step.name.${step}`);
    }
  });
});
