import { getCountries, parsePhoneNumber as parseWithLibrary } from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';
import {
  callingCodeFor,
  defaultRegionFor,
  MAX_PHONE_INPUT_LENGTH,
  maskPhone,
  parsePhoneNumber,
  type CountryCode,
  type ParsedPhone,
  type PhoneRejectReason,
} from '../../src/domain/phone';
import { redactText } from '../../src/domain/redaction';

const JP_MOBILE: ParsedPhone = {
  e164: '+819012345678',
  graph: '+81 9012345678',
  international: '+81 90-1234-5678',
  national: '090-1234-5678',
  countryCallingCode: '81',
  region: 'JP',
  lineType: 'MOBILE',
  lastTwo: '78',
};

const US_NUMBER: ParsedPhone = {
  e164: '+12065550100',
  graph: '+1 2065550100',
  // NANP's national form has brackets, so libphonenumber's own international form is used.
  international: '+1 206 555 0100',
  national: '(206) 555-0100',
  countryCallingCode: '1',
  region: 'US',
  // The metadata cannot tell mobile from fixed in the US; SMS may reach it, so it is accepted.
  lineType: 'FIXED_LINE_OR_MOBILE',
  lastTwo: '00',
};

function jpMobile(prefix: '70' | '80' | '90'): ParsedPhone {
  return {
    ...JP_MOBILE,
    e164: `+81${prefix}12345678`,
    graph: `+81 ${prefix}12345678`,
    international: `+81 ${prefix}-1234-5678`,
    national: `0${prefix}-1234-5678`,
  };
}

// Accepted: [label, input, default region, expected]
const accepted: ReadonlyArray<[string, string, CountryCode, ParsedPhone]> = [
  ['national with hyphens', '090-1234-5678', 'JP', JP_MOBILE],
  ['full-width digits and hyphens', '０９０－１２３４－５６７８', 'JP', JP_MOBILE],
  ['katakana ー as hyphen (NFKC leaves it)', '090ー1234ー5678', 'JP', JP_MOBILE],
  ['half-width katakana ｰ', '090ｰ1234ｰ5678', 'JP', JP_MOBILE],
  ['hyphen U+2010', '090‐1234‐5678', 'JP', JP_MOBILE],
  ['non-breaking hyphen U+2011', '090‑1234‑5678', 'JP', JP_MOBILE],
  ['en dash', '090–1234–5678', 'JP', JP_MOBILE],
  ['em dash', '090—1234—5678', 'JP', JP_MOBILE],
  ['horizontal bar', '090―1234―5678', 'JP', JP_MOBILE],
  ['minus sign', '090−1234−5678', 'JP', JP_MOBILE],
  ['spaces', '090 1234 5678', 'JP', JP_MOBILE],
  ['full-width spaces', '090　1234　5678', 'JP', JP_MOBILE],
  ['dots', '090.1234.5678', 'JP', JP_MOBILE],
  ['no separators', '09012345678', 'JP', JP_MOBILE],
  ['parentheses', '(090) 1234 5678', 'JP', JP_MOBILE],
  ['zero-width spaces inside', '090\u200b1234\u200b5678', 'JP', JP_MOBILE],
  ['BOM, word joiner, ZWJ, ZWNJ, soft hyphen', '\ufeff0\u200c90\u00ad1234\u2060567\u200d8', 'JP', JP_MOBILE],
  ['surrounding whitespace and newline', '  090-1234-5678 \n', 'JP', JP_MOBILE],
  ['international with spaces', '+81 90 1234 5678', 'JP', JP_MOBILE],
  ['international with hyphens', '+81-90-1234-5678', 'JP', JP_MOBILE],
  ['full-width plus, digits and spaces', '＋８１　９０　１２３４　５６７８', 'JP', JP_MOBILE],
  // People keep the trunk 0 after +81; libphonenumber strips a national prefix found after the
  // country code, so this is the same number (and Graph gets it without the 0).
  ['trunk 0 kept after +81', '+81 090-1234-5678', 'JP', JP_MOBILE],
  ['trunk 0 in brackets after +81', '+81 (0)90-1234-5678', 'JP', JP_MOBILE],
  ['E.164', '+819012345678', 'JP', JP_MOBILE],
  ['tel: URI', 'tel:+819012345678', 'JP', JP_MOBILE],
  ['+81 number while the default region is US', '+81 90 1234 5678', 'US', JP_MOBILE],
  ['070 mobile', '070-1234-5678', 'JP', jpMobile('70')],
  ['080 mobile', '080-1234-5678', 'JP', jpMobile('80')],
  ['US number from Japan', '+1 206 555 0100', 'JP', US_NUMBER],
  ['US number with region US', '(206) 555-0100', 'US', US_NUMBER],
  ['US number with hyphens, region US', '206-555-0100', 'US', US_NUMBER],
  [
    'UK mobile',
    '+44 7400 123456',
    'JP',
    {
      e164: '+447400123456',
      graph: '+44 7400123456',
      international: '+44 7400 123456',
      national: '07400 123456',
      countryCallingCode: '44',
      region: 'GB',
      lineType: 'MOBILE',
      lastTwo: '56',
    },
  ],
  [
    'Korean mobile keeps its hyphens',
    '010-1234-5678',
    'KR',
    {
      e164: '+821012345678',
      graph: '+82 1012345678',
      international: '+82 10-1234-5678',
      national: '010-1234-5678',
      countryCallingCode: '82',
      region: 'KR',
      lineType: 'MOBILE',
      lastTwo: '78',
    },
  ],
  [
    'Singapore mobile (8 digits)',
    '+65 9123 4567',
    'JP',
    {
      e164: '+6591234567',
      graph: '+65 91234567',
      international: '+65 9123 4567',
      national: '9123 4567',
      countryCallingCode: '65',
      region: 'SG',
      lineType: 'MOBILE',
      lastTwo: '67',
    },
  ],
  [
    'Russian mobile: national form has brackets, so the library international form is used',
    '+7 912 345 67 89',
    'JP',
    {
      e164: '+79123456789',
      graph: '+7 9123456789',
      international: '+7 912 345 67 89',
      national: '8 (912) 345-67-89',
      countryCallingCode: '7',
      region: 'RU',
      lineType: 'MOBILE',
      lastTwo: '89',
    },
  ],
  ['an unsupported default region falls back to JP', '090-1234-5678', 'XX' as CountryCode, JP_MOBILE],
];

// Refused: [label, input, default region, reason]
const refused: ReadonlyArray<[string, string, CountryCode, PhoneRejectReason]> = [
  ['blank', '', 'JP', 'EMPTY'],
  ['spaces only', '   ', 'JP', 'EMPTY'],
  ['full-width space only', '\u3000', 'JP', 'EMPTY'],
  ['zero-width space only', '\u200b', 'JP', 'EMPTY'],
  ['hyphens only', '---', 'JP', 'EMPTY'],
  ['plus only', '+', 'JP', 'TOO_SHORT'],
  ['10 000 digits', '0'.repeat(10_000), 'JP', 'TOO_LONG'],
  ['10 000 letters', 'x'.repeat(10_000), 'JP', 'TOO_LONG'],
  ['just over the cap', `090-1234-5678${' '.repeat(MAX_PHONE_INPUT_LENGTH)}`, 'JP', 'TOO_LONG'],
  ['20 digits', '09012345678901234567', 'JP', 'TOO_LONG'],
  ['16 digits after +81', '+81 9012345678901234', 'JP', 'TOO_LONG'],
  ['vanity number', '1-800-FLOWERS', 'US', 'LETTERS'],
  ['vanity number from Japan', '1-800-FLOWERS', 'JP', 'LETTERS'],
  ['full-width letters', '０１２０－ＡＢＣ－ＤＥＦ', 'JP', 'LETTERS'],
  ['letters alone', 'phone', 'JP', 'LETTERS'],
  ['extension (ext.)', '090-1234-5678 ext. 12', 'JP', 'HAS_EXTENSION'],
  ['extension (x)', '03-1234-5678 x12', 'JP', 'HAS_EXTENSION'],
  ['extension (#)', '03-1234-5678#12', 'JP', 'HAS_EXTENSION'],
  ['extension (内線)', '090-1234-5678 内線12', 'JP', 'HAS_EXTENSION'],
  ['full-width extension', '０３－１２３４－５６７８　内線１２', 'JP', 'HAS_EXTENSION'],
  ['full-width ｅｘｔ', '03-1234-5678 ｅｘｔ１２', 'JP', 'HAS_EXTENSION'],
  ['unknown country code', '+999 123', 'JP', 'UNKNOWN_COUNTRY_CODE'],
  ['unknown country code, long', '+999 1234 5678', 'JP', 'UNKNOWN_COUNTRY_CODE'],
  ['international freephone has no country', '+800 1234 5678', 'JP', 'UNKNOWN_COUNTRY_CODE'],
  ['satellite network has no country', '+881 6 123 45678', 'JP', 'UNKNOWN_COUNTRY_CODE'],
  // The issue says +44 7700 900123 is invalid, and the max metadata agrees: Ofcom reserves
  // 07700 900000–900999 for TV and film, and libphonenumber's GB mobile pattern excludes the range.
  // So it is INVALID, not NOT_MOBILE (a real UK mobile such as +44 7400 123456 is accepted above).
  ['UK drama number', '+44 7700 900123', 'JP', 'INVALID'],
  ['UK drama number, region GB', '07700 900123', 'GB', 'INVALID'],
  ['Japanese mobile one digit short', '090-1234-567', 'JP', 'INVALID'],
  ['Japanese mobile one digit long', '090-1234-56789', 'JP', 'INVALID'],
  ['far too short', '0901234', 'JP', 'TOO_SHORT'],
  ['two digits', '12', 'JP', 'TOO_SHORT'],
  ['country code only', '+81', 'JP', 'TOO_SHORT'],
  ['Tokyo landline', '03-1234-5678', 'JP', 'NOT_MOBILE'],
  ['Osaka landline, full-width', '０６－１２３４－５６７８', 'JP', 'NOT_MOBILE'],
  ['toll-free 0120', '0120-123-456', 'JP', 'NOT_MOBILE'],
  ['IP phone 050', '050-1234-5678', 'JP', 'NOT_MOBILE'],
  ['pager 020', '020-1234-5678', 'JP', 'NOT_MOBILE'],
  ['US toll-free', '+1 800 356 9377', 'US', 'NOT_MOBILE'],
  ['plus in the middle', '090+1234+5678', 'JP', 'MISPLACED_PLUS'],
  ['two pluses', '++81 90 1234 5678', 'JP', 'MISPLACED_PLUS'],
  ['words around the number', '電話 090-1234-5678', 'JP', 'INVALID_CHARACTERS'],
  ['Japanese copula after the number', '090-1234-5678です', 'JP', 'INVALID_CHARACTERS'],
  ['slashes', '090/1234/5678', 'JP', 'INVALID_CHARACTERS'],
  ['tab inside', '090\t1234\t5678', 'JP', 'INVALID_CHARACTERS'],
  // Script digits other than ASCII/full-width are refused rather than guessed at.
  ['Arabic-Indic digits', '٠٩٠١٢٣٤٥٦٧٨', 'JP', 'INVALID_CHARACTERS'],
  ['separators too far apart', '090      1234 5678', 'JP', 'INVALID'],
];

describe('parsePhoneNumber: accepted', () => {
  it.each(accepted)('%s: %j', (_label, input, region, expected) => {
    expect(parsePhoneNumber(input, region)).toEqual({ ok: true, phone: expected });
  });
});

describe('parsePhoneNumber: refused', () => {
  it.each(refused)('%s', (_label, input, region, reason) => {
    expect(parsePhoneNumber(input, region)).toEqual({ ok: false, reason });
  });

  it('refuses 10 000 characters without parsing them', () => {
    const input = '0９-'.repeat(3_334);
    const started = performance.now();
    for (let i = 0; i < 1_000; i += 1) parsePhoneNumber(input, 'JP');
    const perCall = (performance.now() - started) / 1_000;
    console.log(`parsePhoneNumber(${input.length} chars): ${perCall.toFixed(4)} ms per call`);
    expect(parsePhoneNumber(input, 'JP')).toEqual({ ok: false, reason: 'TOO_LONG' });
  });
});

describe('every accepted number is masked by the redactor', () => {
  it.each(accepted)('%s', (_label, input, region) => {
    const result = parsePhoneNumber(input, region);
    if (!result.ok) throw new Error(`expected ${input} to parse`);
    const redacted = redactText(`新しい番号: ${input}`);
    expect(redacted).toContain(`[phone •••${result.phone.lastTwo}]`);
    expect(redacted.normalize('NFKC').replace(/\D/g, '')).toBe(result.phone.lastTwo);
  });

  it("holds for every region's example mobile number in E.164, international and Graph form", () => {
    const missed: string[] = [];
    for (const region of getCountries()) {
      const example = (mobileExamples as Partial<Record<CountryCode, string>>)[region];
      if (example === undefined) continue;
      const result = parsePhoneNumber(parseWithLibrary(example, region).number, region);
      if (!result.ok) {
        missed.push(`${region}: ${result.reason}`);
        continue;
      }
      for (const form of [result.phone.e164, result.phone.international, result.phone.graph]) {
        const redacted = redactText(form);
        if (redacted.replace(/\D/g, '') !== result.phone.lastTwo) missed.push(`${region}: ${form}`);
      }
      // National forms are masked from 8 digits on (see the rule in redaction.ts).
      const nationalDigits = result.phone.national.replace(/\D/g, '');
      if (nationalDigits.length >= 8 && redactText(result.phone.national).replace(/\D/g, '').length > 2) {
        missed.push(`${region}: ${result.phone.national}`);
      }
    }
    expect(missed).toEqual([]);
  });
});

describe('defaultRegionFor', () => {
  const cases: ReadonlyArray<[string | null | undefined, string | null | undefined, CountryCode]> = [
    ['JP', 'en-US', 'JP'],
    ['US', 'ja-JP', 'US'],
    ['us', null, 'US'],
    [' GB ', undefined, 'GB'],
    [null, 'ja-JP', 'JP'],
    [undefined, 'en-US', 'US'],
    [null, 'en-GB', 'GB'],
    [null, 'en_GB', 'GB'],
    [null, 'zh-Hant-TW', 'TW'],
    [null, 'ja', 'JP'],
    [null, 'JA', 'JP'],
    [null, 'en', 'JP'],
    [null, 'es-419', 'JP'],
    ['XX', 'en-US', 'US'],
    ['JPN', 'fr-FR', 'FR'],
    ['', '', 'JP'],
    [null, null, 'JP'],
    [undefined, undefined, 'JP'],
    [null, 'a'.repeat(10_000), 'JP'],
  ];

  it.each(cases)('usageLocation %j, locale %j → %s', (usageLocation, locale, expected) => {
    expect(defaultRegionFor(usageLocation, locale)).toBe(expected);
  });

  it('uses the given fallback when nothing names a country', () => {
    expect(defaultRegionFor(null, 'en', 'US')).toBe('US');
    expect(defaultRegionFor(null, 'ja', 'US')).toBe('JP');
  });
});

describe('maskPhone and callingCodeFor', () => {
  it.each([
    ['78', '•••• •••• ••78'],
    ['00', '•••• •••• ••00'],
    ['', '•••• •••• ••••'],
    ['123', '•••• •••• ••••'],
    ['ab', '•••• •••• ••••'],
  ])('maskPhone(%j) → %s', (lastTwo, expected) => {
    expect(maskPhone(lastTwo)).toBe(expected);
  });

  it('masks the parsed number from its last two digits', () => {
    const result = parsePhoneNumber('090-1234-5678', 'JP');
    expect(result.ok && maskPhone(result.phone.lastTwo)).toBe('•••• •••• ••78');
  });

  it.each([
    ['JP', '81'],
    ['US', '1'],
    ['GB', '44'],
  ] as const)('callingCodeFor(%s) → %s', (region, code) => {
    expect(callingCodeFor(region)).toBe(code);
  });
});
