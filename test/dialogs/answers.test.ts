import { closestOptions, matchTyped, mentionedOptions, readAnswer } from '../../dialogs/answers';
import { normaliseTypedText } from '../../src/domain/text';

const yesNo = [
  { value: 'yes', words: ['はい', 'yes', '管理者', 'ある'] },
  { value: 'no', words: ['いいえ', 'no', '管理者ではない', 'ない'] },
] as const;

describe('matchTyped', () => {
  it.each([
    ['はい', 'yes'],
    ['いいえ', 'no'],
    ['1', 'yes'],
    ['2', 'no'],
    ['3', undefined],
    ['管理者ではない', 'no'],
    ['いいえ、ないです', 'no'],
    ['はい、あります', 'yes'],
    ['私は管理者ではありません', undefined],
    ['not sure', undefined],
    ['i know', undefined],
    ['no, i do not', 'no'],
    ['はいといいえ', undefined],
    ['バナナ', undefined],
  ])('%s → %s', (typed, expected) => {
    expect(matchTyped(normaliseTypedText(typed), yesNo)).toBe(expected);
  });
});

describe('mentionedOptions', () => {
  it('lists every option named in a sentence, agreeing on negation, and never reads list numbers', () => {
    expect(mentionedOptions(normaliseTypedText('はいといいえ'), yesNo)).toEqual(['yes', 'no']);
    expect(mentionedOptions(normaliseTypedText('私は管理者ではありません'), yesNo)).toEqual([]);
    expect(mentionedOptions('1', yesNo)).toEqual([]);
  });
});

describe('closestOptions', () => {
  const situations = [
    { value: 'changed', words: ['new number or new phone', '番号変更・機種変更', '機種変更'] },
    { value: 'oldNumber', words: ['codes go to my old number', '古い番号にコードが届く'] },
    { value: 'backup', words: ['add a backup method', '予備の方法を追加したい'] },
  ];
  const closest = (typed: string, max?: number): string[] =>
    closestOptions(normaliseTypedText(typed), situations, max);

  it.each([
    ['コードが届かないのですが', ['oldNumber']],
    ['What should I do about the codes?', ['oldNumber']],
    ['機種を変える予定です', ['changed']],
    ['banana split', []],
    ['📱🙏😭', []],
    ['ありがとうございます', []],
    ['hello, thank you', []],
  ])('%s → %j', (typed, expected) => {
    expect(closest(typed)).toEqual(expected);
  });

  it('puts options named outright first, and keeps at most `max`', () => {
    expect(closest('new phone, and the code goes to the old number, and a backup')).toEqual([
      'changed',
      'oldNumber',
      'backup',
    ]);
    expect(closest('new phone, and the code goes to the old number, and a backup', 2)).toHaveLength(2);
  });
});

describe('readAnswer', () => {
  it.each([
    [{ value: { kind: 'diag', node: 'start', value: 'lost' } }, { type: 'choice', value: 'lost' }],
    [{ value: { kind: 'diag', node: 'other', value: 'lost' } }, { type: 'stale' }],
    [{ value: { kind: 'intake', node: 'start', value: 'lost' } }, { type: 'stale' }],
    [{ value: { kind: 'diag', node: 'start' } }, { type: 'invalid' }],
    [{ value: { kind: 'diag', node: 'start', value: 'x'.repeat(101) } }, { type: 'invalid' }],
    [{ value: ['lost'] }, { type: 'invalid' }],
    [{ value: 'lost' }, { type: 'invalid' }],
    [{ text: '' }, { type: 'empty' }],
    [{ text: '\u200b \u3000' }, { type: 'empty' }],
    [{ text: 'x'.repeat(1001) }, { type: 'tooLong' }],
    [{ text: ' ＥＲＲＯＲ。' }, { type: 'text', text: ' ＥＲＲＯＲ。', normalised: 'error' }],
  ])('%j → %j', (activity, expected) => {
    expect(readAnswer(activity, 'diag', 'start')).toEqual(expected);
  });
});
