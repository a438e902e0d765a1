/**
 * Recognises the error situations of the seed guides in what a person types, in Japanese or English,
 * so the diagnosis can jump straight to the matching advice.
 *
 * Matching runs on a normalised copy (NFKC, lower case, invisible characters removed, one kind of
 * apostrophe), so `０ｘ８０１９０１９Ａ`, `0X8019019A` and `ｴﾗｰ` need no patterns of their own. Phrases
 * are recognised as a topic word and a failure word in the same sentence, within a bounded distance,
 * because people paraphrase the screen text more often than they copy it.
 */

export type SeedErrorId =
  | 'ERR_0x800704cf'
  | 'ERR_0x8019019a'
  | 'ERR_SOMETHING_WENT_WRONG'
  | 'ERR_COUNTRY_CODE'
  | 'ERR_PRIMARY_ALIAS'
  | 'ERR_REGION';

export const SEED_ERROR_IDS: readonly SeedErrorId[] = [
  'ERR_0x800704cf',
  'ERR_0x8019019a',
  'ERR_SOMETHING_WENT_WRONG',
  'ERR_COUNTRY_CODE',
  'ERR_PRIMARY_ALIAS',
  'ERR_REGION',
];

export function isSeedErrorId(value: unknown): value is SeedErrorId {
  return typeof value === 'string' && (SEED_ERROR_IDS as readonly string[]).includes(value);
}

/** Only this much of a message is looked at; the patterns' cost grows with the input. */
export const MAX_ERROR_TEXT_LENGTH = 2_000;

/** The codes the seeds explain; people often drop the `0x` when they type them. */
const KNOWN_HEX_CODES: Readonly<Record<string, SeedErrorId>> = {
  '800704cf': 'ERR_0x800704cf',
  '8019019a': 'ERR_0x8019019a',
};

const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
const APOSTROPHES = /[\u2018\u2019\u2032`´]/g;

function normalise(text: string): string {
  return (
    text
      .slice(0, MAX_ERROR_TEXT_LENGTH)
      .normalize('NFKC')
      .replace(INVISIBLE, '')
      .replace(APOSTROPHES, "'")
      // A Japanese IME offers × for "x" (０×８０１９…).
      .replace(/×/g, 'x')
      .toLowerCase()
      .replace(/\s+/g, ' ')
  );
}

/**
 * `0x` + exactly eight hex digits, not glued to a longer word or number. `o` for `0` and a space after
 * the `x` are typing slips worth forgiving; `0x80` alone is not a code.
 */
const HEX_CODE = /(?<![0-9a-z])[0o] ?x ?([0-9a-f]{8})(?![0-9a-z])/g;
const BARE_KNOWN_CODE = new RegExp(
  `(?<![0-9a-z])(${Object.keys(KNOWN_HEX_CODES).join('|')})(?![0-9a-z])`,
  'g',
);

interface Found {
  index: number;
  code: string;
}

function findHexCodes(normalised: string): Found[] {
  const found: Found[] = [];
  for (const match of normalised.matchAll(HEX_CODE)) {
    found.push({ index: match.index, code: match[1] ?? '' });
  }
  for (const match of normalised.matchAll(BARE_KNOWN_CODE)) {
    found.push({ index: match.index, code: match[1] ?? '' });
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * Every `0x????????` code in the text, lower case, in order and without repeats, including codes the
 * seeds do not know (the diagnosis records them for the helpdesk). The seeds' own codes also count
 * when typed without `0x`.
 */
export function extractHexCodes(text: string): string[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const codes = findHexCodes(normalise(text)).map((f) => `0x${f.code}`);
  return [...new Set(codes)];
}

// ---------------------------------------------------------------------------------------------------
// Phrases. Building blocks are strings so the patterns below read as sentences.

/** Anything but the end of a sentence, at most n characters: keeps both words in one sentence. */
const gap = (n: number): string => `[^。.!?！？\\n]{0,${n}}?`;

const JA_CANNOT =
  '(?:(?:でき|出来)(?:ない|ません|なかった|ず)|られ(?:ない|ません|なかった|ず)|失敗|拒否|弾かれ|うまくいか)';
const EN_CANNOT =
  "(?:can't|cant|cannot|can not|unable to|couldn't|could not|not able to|won't let me|will not let me|fail(?:s|ed)? to)";
const EN_BROKEN = "(?:fails|failed|failing|error|refused|rejected|doesn't work|does not work|not working)";

const COUNTRY_JA = '(?:国番号|国コード|カントリーコード|国際番号)';
const COUNTRY_EN = '(?:country calling code|country code|calling code)';
const UNSUPPORTED_JA =
  '(?:対応して(?:い)?(?:ない|ません)|未対応|非対応|サポート(?:され)?て(?:い)?(?:ない|ません)|サポート外|使え(?:ない|ません)|選べ(?:ない|ません)|選択でき(?:ない|ません)|登録でき(?:ない|ません)|エラー|無効|対象外)';
const UNSUPPORTED_EN =
  "(?:not supported|isn't supported|unsupported|not accepted|isn't accepted|not valid|invalid|not available|error)";

/** メイン only where it names the sign-in name (メインに, メインの番号), not メインのPC. */
const PRIMARY_JA =
  '(?:プライマリ|エイリアス|別名|メイン(?=[」』"\']?(?:に|へ|として|の(?:番号|電話番号|アドレス|メール|エイリアス|アカウント))))';
const CHANGE_JA = '(?:変更|設定|切り替え|切替|切り換え|置き換え|変え|削除|に(?:する|し))';
const CHANGE_EN = '(?:change|set|make|switch|update|replace|remove|delete)';
const CHANGING_EN = '(?:changing|setting|making|switching|updating|replacing|removing|deleting)';

const REGION_STRONG =
  '(?:地域設定|地域の設定|地域と言語|国または地域|国/地域|システムロケール|(?:タイムゾーン|リージョン|ロケール)(?:の)?設定|region(?:al)? settings?|regional format|system locale|get-culture|get-winsystemlocale|get-timezone)';
const REGION_WORD = '(?:地域|リージョン|タイムゾーン|ロケール|region|locale|time ?zone)';
const WRONG =
  "(?:違|間違|おかし|ずれ|合わ(?:ない|ず)|誤|なって(?:い)?(?:ない|ません)|wrong|incorrect|mismatch|doesn't match|does not match|is off|problem|issue)";

interface Detector {
  id: SeedErrorId;
  patterns: readonly RegExp[];
  /**
   * Phrases such as 「エラーが発生しました」 also describe every other error; they count only when
   * nothing more specific was recognised.
   */
  generic?: readonly RegExp[];
}

const re = (source: string): RegExp => new RegExp(source);

const DETECTORS: readonly Detector[] = [
  {
    id: 'ERR_SOMETHING_WENT_WRONG',
    patterns: [
      re("something ?went wrong|something (?:has|'s) gone wrong"),
      re('問題が発生(?:しました|しています|した)'),
    ],
    generic: [re('エラーが発生(?:しました|しています|した|する)'), re('an error (?:has )?occurred')],
  },
  {
    id: 'ERR_COUNTRY_CODE',
    patterns: [
      re(`${COUNTRY_JA}${gap(20)}${UNSUPPORTED_JA}`),
      re(`(?:未対応|非対応|対応していない|サポートされていない)の?${COUNTRY_JA}`),
      re(`${COUNTRY_EN}${gap(30)}${UNSUPPORTED_EN}`),
      re(`(?:unsupported|invalid) ${COUNTRY_EN}`),
      re(`(?:doesn't|does not|don't|do not|can't|cannot) (?:support|accept) (?:\\S+ ){0,3}?${COUNTRY_EN}`),
    ],
  },
  {
    id: 'ERR_PRIMARY_ALIAS',
    patterns: [
      // 「メイン」に変更できない / プライマリ エイリアスの変更に失敗 / メインの番号を削除できません
      re(`${PRIMARY_JA}${gap(15)}${CHANGE_JA}${gap(8)}(?:${JA_CANNOT}|エラー)`),
      // メインにできない / プライマリにできません
      re(`${PRIMARY_JA}[」』"']?(?:に|へ)${JA_CANNOT}`),
      // can't change the primary alias / unable to make the new number primary
      re(`${EN_CANNOT} (?:\\S+ ){0,2}?${CHANGE_EN}\\b${gap(40)}\\b(?:primary|alias|main)\\b`),
      // primary alias change refused / the alias won't change
      re(`\\b(?:primary alias|alias)\\b${gap(40)}(?:${EN_CANNOT}|${EN_BROKEN}|won't)`),
      // changing the primary fails / error when changing the primary alias
      re(`${CHANGING_EN} (?:\\S+ ){0,4}?(?:primary|alias)\\b${gap(40)}${EN_BROKEN}`),
      re(`(?:error|fail(?:s|ed|ure)?) (?:when|while) ${CHANGING_EN} (?:\\S+ ){0,4}?(?:primary|alias)\\b`),
    ],
  },
  {
    id: 'ERR_REGION',
    patterns: [
      re(REGION_STRONG),
      re(`${REGION_WORD}${gap(20)}${WRONG}`),
      re(`(?:wrong|incorrect) (?:\\S+ )?${REGION_WORD}`),
    ],
  },
];

function firstIndex(patterns: readonly RegExp[], text: string): number {
  let best = -1;
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match !== null && (best < 0 || match.index < best)) best = match.index;
  }
  return best;
}

/**
 * The seed error situations mentioned in the text, in the order they appear, each once; `[]` when
 * none. Only the first {@link MAX_ERROR_TEXT_LENGTH} characters are read. `generic: false` leaves out
 * phrases that fit every error (「エラーが発生しました」), for text typed before the bot asked which error.
 */
export function recogniseErrors(text: string, { generic = true }: { generic?: boolean } = {}): SeedErrorId[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const normalised = normalise(text);
  const found: Array<{ id: SeedErrorId; index: number }> = [];

  for (const hex of findHexCodes(normalised)) {
    const id = KNOWN_HEX_CODES[hex.code];
    if (id !== undefined) found.push({ id, index: hex.index });
  }
  for (const detector of DETECTORS) {
    const index = firstIndex(detector.patterns, normalised);
    if (index >= 0) found.push({ id: detector.id, index });
  }
  if (found.length === 0 && generic) {
    for (const detector of DETECTORS) {
      const index = detector.generic === undefined ? -1 : firstIndex(detector.generic, normalised);
      if (index >= 0) found.push({ id: detector.id, index });
    }
  }

  const ordered = found.sort((a, b) => a.index - b.index).map((f) => f.id);
  return [...new Set(ordered)];
}
