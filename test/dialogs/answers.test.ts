import { matchTyped, readAnswer } from '../../dialogs/answers';
import { normaliseTypedText } from '../../src/bot/commands';

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
