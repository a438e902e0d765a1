import type { Activity } from 'botbuilder';
import { isRecord } from '../cards/submits';
import { parseLanguageCommand, type Locale } from '../src/domain/locale';
import { normaliseTypedText } from '../src/domain/text';

/** What a person can say at any step, typed or from a card button. */
export type Command =
  | { kind: 'help' }
  | { kind: 'cancel' }
  | { kind: 'startOver' }
  | { kind: 'status' }
  | { kind: 'language'; locale: Locale };

const WORDS: ReadonlyArray<readonly [Command['kind'], readonly string[]]> = [
  ['help', ['help', '?', 'ヘルプ', 'へるぷ', '助けて', '使い方']],
  ['cancel', ['cancel', 'stop', 'quit', 'キャンセル', 'やめる', '中止', 'やめます']],
  [
    'startOver',
    ['start over', 'restart', 'start again', '最初から', 'はじめから', 'やり直し', 'やりなおし', 'リセット'],
  ],
  ['status', ['status', '状況', '状態', '申請状況', 'ステータス']],
];

/** Card buttons send `{ kind: 'command', command, locale? }`; anything else there is not a command. */
function commandFromValue(value: unknown): Command | undefined {
  if (!isRecord(value) || value.kind !== 'command') return undefined;
  switch (value.command) {
    case 'help':
    case 'cancel':
    case 'status':
      return { kind: value.command };
    case 'startOver':
    case 'start':
      return { kind: 'startOver' };
    case 'language':
      return value.locale === 'ja' || value.locale === 'en'
        ? { kind: 'language', locale: value.locale }
        : undefined;
    default:
      return undefined;
  }
}

export function recogniseCommand(activity: Partial<Activity>): Command | undefined {
  const fromValue = commandFromValue(activity.value);
  if (fromValue) return fromValue;
  if (typeof activity.text !== 'string' || activity.text.length > 64) return undefined;
  const text = normaliseTypedText(activity.text);
  const locale = parseLanguageCommand(text);
  if (locale) return { kind: 'language', locale };
  for (const [kind, words] of WORDS) {
    if (words.includes(text)) return { kind } as Command;
  }
  return undefined;
}
