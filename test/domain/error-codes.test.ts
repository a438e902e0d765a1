import {
  extractHexCodes,
  isSeedErrorId,
  MAX_ERROR_TEXT_LENGTH,
  recogniseErrors,
  SEED_ERROR_IDS,
  type SeedErrorId,
} from '../../src/domain/error-codes';

describe('recogniseErrors', () => {
  const cases: ReadonlyArray<[string, readonly SeedErrorId[]]> = [
    // Hex codes, in every way people type them
    ['0x800704cf', ['ERR_0x800704cf']],
    ['0x8019019a', ['ERR_0x8019019a']],
    ['0X8019019A', ['ERR_0x8019019a']],
    ['０ｘ８０１９０１９ａ', ['ERR_0x8019019a']],
    ['０×８０１９０１９Ａ', ['ERR_0x8019019a']],
    ['  0x8019019a  ', ['ERR_0x8019019a']],
    ['0x8019019a が出ます', ['ERR_0x8019019a']],
    ['エラー 0x800704CF', ['ERR_0x800704cf']],
    ['エラー0x800704cfが表示されました。', ['ERR_0x800704cf']],
    ['error code: 0x800704cf.', ['ERR_0x800704cf']],
    ['(0x8019019a)', ['ERR_0x8019019a']],
    ['「0x8019019a」', ['ERR_0x8019019a']],
    ['0x\u200b8019019a', ['ERR_0x8019019a']],
    ['0x 8019019a', ['ERR_0x8019019a']],
    ['Ox8019019a', ['ERR_0x8019019a']],
    ['8019019a', ['ERR_0x8019019a']],
    ['コード 800704CF です', ['ERR_0x800704cf']],

    // Something went wrong
    ['Something went wrong', ['ERR_SOMETHING_WENT_WRONG']],
    ['it says "something went wrong" again', ['ERR_SOMETHING_WENT_WRONG']],
    ['SOMETHING WENT WRONG', ['ERR_SOMETHING_WENT_WRONG']],
    ['Something has gone wrong', ['ERR_SOMETHING_WENT_WRONG']],
    ['「問題が発生しました」と表示されます', ['ERR_SOMETHING_WENT_WRONG']],
    ['問題が発生しました', ['ERR_SOMETHING_WENT_WRONG']],
    ['エラーが発生しました', ['ERR_SOMETHING_WENT_WRONG']],
    ['ｴﾗｰが発生しました', ['ERR_SOMETHING_WENT_WRONG']],
    ['An error occurred', ['ERR_SOMETHING_WENT_WRONG']],

    // Country code
    ['this country code is not supported', ['ERR_COUNTRY_CODE']],
    ['This country code isn’t supported', ['ERR_COUNTRY_CODE']],
    ['Country code not supported', ['ERR_COUNTRY_CODE']],
    ['unsupported country code', ['ERR_COUNTRY_CODE']],
    ["it doesn't accept my country code", ['ERR_COUNTRY_CODE']],
    ['この国番号は対応していません', ['ERR_COUNTRY_CODE']],
    ['「この国番号は対応していません」と出ました', ['ERR_COUNTRY_CODE']],
    ['国番号がサポートされていないと言われる', ['ERR_COUNTRY_CODE']],
    ['+65を入れると国番号エラーになります', ['ERR_COUNTRY_CODE']],
    ['未対応の国番号です', ['ERR_COUNTRY_CODE']],

    // Primary alias
    ['「プライマリ」に変更できない', ['ERR_PRIMARY_ALIAS']],
    ['「メイン」に変更できない', ['ERR_PRIMARY_ALIAS']],
    ['メインに設定できません', ['ERR_PRIMARY_ALIAS']],
    ['メインの番号を変更できない', ['ERR_PRIMARY_ALIAS']],
    ['プライマリ エイリアスの変更に失敗しました', ['ERR_PRIMARY_ALIAS']],
    ['新しい番号をメインに切り替えられない', ['ERR_PRIMARY_ALIAS']],
    ["can't change primary alias", ['ERR_PRIMARY_ALIAS']],
    ['I cannot make the new number primary', ['ERR_PRIMARY_ALIAS']],
    ['Unable to set it as primary', ['ERR_PRIMARY_ALIAS']],
    ['the primary alias change was refused', ['ERR_PRIMARY_ALIAS']],
    ['error when changing the primary alias', ['ERR_PRIMARY_ALIAS']],
    ['changing the primary number fails', ['ERR_PRIMARY_ALIAS']],
    ['エイリアスを削除できません', ['ERR_PRIMARY_ALIAS']],
    ['新しい電話番号をメインにしようとしても失敗する', ['ERR_PRIMARY_ALIAS']],
    ['メインにできない', ['ERR_PRIMARY_ALIAS']],
    ['プライマリにできません', ['ERR_PRIMARY_ALIAS']],
    ['メインのアドレスを変えられない', ['ERR_PRIMARY_ALIAS']],
    ['プライマリを変更しようとするとエラーになります', ['ERR_PRIMARY_ALIAS']],
    ["Why can't I make my phone number the primary alias?", ['ERR_PRIMARY_ALIAS']],

    // Region settings
    ['地域設定がおかしいかもしれません', ['ERR_REGION']],
    ['地域の設定が違う', ['ERR_REGION']],
    ['タイムゾーンがずれています', ['ERR_REGION']],
    ['Get-Culture の結果が日本になっている', ['ERR_REGION']],
    ['Get-WinSystemLocale shows en-US', ['ERR_REGION']],
    ['my region settings are wrong', ['ERR_REGION']],
    ['the time zone is wrong on my PC', ['ERR_REGION']],
    ['wrong region', ['ERR_REGION']],
    ['リージョン設定を確認したい', ['ERR_REGION']],
    ['Windowsの地域が日本になっていない', ['ERR_REGION']],

    // Several at once: in the order they appear
    ['0x8019019a と 0x800704cf が両方出ます', ['ERR_0x8019019a', 'ERR_0x800704cf']],
    ['0x800704cf then Something went wrong', ['ERR_0x800704cf', 'ERR_SOMETHING_WENT_WRONG']],
    ['Something went wrong, then 0x800704cf', ['ERR_SOMETHING_WENT_WRONG', 'ERR_0x800704cf']],
    [
      '「この国番号は対応していません」や「問題が発生しました」と出ます',
      ['ERR_COUNTRY_CODE', 'ERR_SOMETHING_WENT_WRONG'],
    ],
    ['0x800704cf, 0x800704CF, ０ｘ８００７０４ｃｆ', ['ERR_0x800704cf']],
    // The generic phrase only describes the code here, so it adds nothing.
    ['0x800704cf のエラーが発生しました', ['ERR_0x800704cf']],
    ['国番号が対応していませんとエラーが発生しました', ['ERR_COUNTRY_CODE']],

    // Nothing recognisable
    ['', []],
    ['   ', []],
    ['0x80', []],
    ['0x8019019', []],
    ['0x8019019ab', []],
    ['10x8019019a', []],
    ['電話番号を変えました', []],
    ['スマホを落としました', []],
    ['I changed my phone number', []],
    ['my primary phone was stolen', []],
    ['メインの電話をなくしました', []],
    ['メインのPCで設定できない', []],
    ["my main number can't receive SMS", []],
    ['タイムゾーン', []],
    ['エラーが出ます', []],
    ['国番号は+81です', []],
    ['my country code is +65', []],
    ['I live in a different region now', []],
    ['0x12345678', []],
    ['REQ-7K3F9Q', []],
  ];

  it.each(cases)('%j → %j', (text, expected) => {
    expect(recogniseErrors(text)).toEqual(expected);
  });

  it('leaves out the phrases that fit every error when asked to', () => {
    expect(recogniseErrors('番号の登録でエラーが発生しました', { generic: false })).toEqual([]);
    expect(recogniseErrors('an error occurred', { generic: false })).toEqual([]);
    expect(recogniseErrors('問題が発生しました (Something went wrong)', { generic: false })).toEqual([
      'ERR_SOMETHING_WENT_WRONG',
    ]);
    expect(recogniseErrors('0x8019019a のエラーが発生しました', { generic: false })).toEqual([
      'ERR_0x8019019a',
    ]);
  });

  it('reads only the first part of a very long message, quickly', () => {
    const late = `${'a'.repeat(MAX_ERROR_TEXT_LENGTH)} 0x8019019a`;
    expect(recogniseErrors(late)).toEqual([]);

    const hostile = [
      'プライマリ'.repeat(20_000),
      'country code '.repeat(10_000),
      "can't ".repeat(20_000),
      '0x'.repeat(50_000),
      'changing '.repeat(20_000),
    ];
    for (const text of hostile) {
      const started = performance.now();
      recogniseErrors(text);
      extractHexCodes(text);
      console.log(`recogniseErrors(${text.length} chars): ${(performance.now() - started).toFixed(1)} ms`);
    }
    expect(recogniseErrors(`0x8019019a ${'x'.repeat(100_000)}`)).toEqual(['ERR_0x8019019a']);
  });
});

describe('extractHexCodes', () => {
  const cases: ReadonlyArray<[string, readonly string[]]> = [
    ['0x800704CF', ['0x800704cf']],
    ['エラー ０Ｘ８０１９０１９Ａ が出ます', ['0x8019019a']],
    // Unknown codes are kept for the helpdesk, too.
    ['0x80070005 and then 0xCAA20003', ['0x80070005', '0xcaa20003']],
    ['0x8019019a, 0x8019019A again', ['0x8019019a']],
    ['8019019a', ['0x8019019a']],
    ['0x80', []],
    ['0x8019019ab', []],
    ['80070005', []],
    ['電話番号を変えました', []],
    ['', []],
  ];

  it.each(cases)('%j → %j', (text, expected) => {
    expect(extractHexCodes(text)).toEqual(expected);
  });
});

describe('isSeedErrorId', () => {
  it('accepts exactly the seed ids', () => {
    for (const id of SEED_ERROR_IDS) expect(isSeedErrorId(id)).toBe(true);
    expect(isSeedErrorId('other')).toBe(false);
    expect(isSeedErrorId('err_0x800704cf')).toBe(false);
    expect(isSeedErrorId(undefined)).toBe(false);
  });
});
