import { canStillFile, hear, heardAnswer, topicsAhead } from '../../dialogs/listening';
import { phoneInSentence } from '../../dialogs/typed-phone';
import { normaliseTypedText } from '../../src/domain/text';
import { diagnosisMap, getNode, type QuestionNode } from '../../src/domain/diagnosis-map';

const heardIn = (text: string) => hear(text, normaliseTypedText(text));
const question = (id: string): QuestionNode => getNode(id) as QuestionNode;

describe('what a typed message answers', () => {
  it.each([
    ['スマホをなくしました', { situation: 'lost' }],
    ['I lost my phone', { situation: 'lost' }],
    ['No, it was stolen', { situation: 'lost' }],
    ['機種変更しようとしたらスマホを落としました', { situation: 'lost' }],
    ["I didn't lose it", {}],
    ['0x8019019a が出ます', { situation: 'error', errorCode: 'ERR_0x8019019a' }],
    ['機種変更したら 8019019A と出ました', { situation: 'error', errorCode: 'ERR_0x8019019a' }],
    ['error 0x80070005', { situation: 'error', errorCode: 'other' }],
    ['エラーが発生しました', { situation: 'error' }],
    ['同僚が 0x800704cf で困っています', { situation: 'colleague', errorCode: 'ERR_0x800704cf' }],
    ['個人用アカウントです', { account: 'personal' }],
    ['会社のスマホをなくしました', { situation: 'lost', account: 'work', companyPhone: 'yes' }],
    ['I lost my company phone', { situation: 'lost', account: 'work', companyPhone: 'yes' }],
    ['自分のスマホです', { companyPhone: 'no' }],
    ['会社のアカウントです', { account: 'work' }],
    ['はい', {}],
    ['my work account', { account: 'work' }],
    ["it doesn't work", {}],
    ['仕事用と個人用の両方です', {}],
    ['2', {}],
    ['こんにちは', {}],
  ])('%s → %j', (text, expected) => {
    expect(heardIn(text)).toEqual(expected);
  });

  it('answers each listening question from what was heard, and only those', () => {
    const heard = { situation: 'lost', account: 'work', errorCode: 'ERR_REGION' };
    expect(heardAnswer(question('start'), heard)?.value).toBe('lost');
    expect(heardAnswer(question('lost.account'), heard)?.value).toBe('work');
    expect(heardAnswer(question('error.which'), heard)?.value).toBe('ERR_REGION');
    // "Lost" answers the old-phone question with the lost path of the first question.
    expect(heardAnswer(question('changed.oldPhone'), heard)).toMatchObject({
      next: 'lost.account',
      sets: { lostOrStolen: true },
    });
    expect(heardAnswer(question('changed.oldPhone'), { situation: 'changed' })).toBeUndefined();
    expect(heardAnswer(question('work.admin'), heard)).toBeUndefined();
    expect(heardAnswer(question('lost.work.company'), heard)).toBeUndefined();
    expect(heardAnswer(question('lost.work.company'), { companyPhone: 'yes' })?.value).toBe('yes');
  });

  it('every account question listens for the account', () => {
    const accountQuestions = [...diagnosisMap.values()].filter(
      (node) => node.kind === 'question' && node.promptKey === 'diag.account.prompt',
    );
    expect(accountQuestions.length).toBeGreaterThan(3);
    for (const node of accountQuestions) expect(node).toMatchObject({ listensFor: 'account' });
  });
});

describe('where a typed number is kept', () => {
  it('only where the walk can still end in a request', () => {
    expect(canStillFile('start')).toBe(true);
    expect(canStillFile('changed.oldPhone')).toBe(true);
    expect(canStillFile('work.admin')).toBe(true);
    expect(canStillFile('work.request')).toBe(true);
    // Self-service, prevention and personal accounts never file; starting over is a new diagnosis.
    expect(canStillFile('changed.withOld.account')).toBe(false);
    expect(canStillFile('prevent.account')).toBe(false);
    expect(canStillFile('personal.canSignIn')).toBe(false);
    expect(canStillFile('close')).toBe(false);
  });

  it('knows which answers the questions ahead still use', () => {
    expect([...topicsAhead('start')].sort()).toEqual(['account', 'companyPhone', 'errorCode', 'situation']);
    expect([...topicsAhead('lost.account')]).toEqual(['companyPhone']);
    expect([...topicsAhead('error.account')]).toEqual(['errorCode']);
    expect([...topicsAhead('work.admin')]).toEqual([]);
  });
});

describe('a phone number inside a sentence', () => {
  it.each([
    ['新しい番号は ０９０－１２３４－５６７８ です', '090-1234-5678'],
    ['new number: +81 90 1234 5678, thanks', '090-1234-5678'],
  ])('%s → %s', (text, national) => {
    const found = phoneInSentence(text, 'ja');
    expect(found?.result).toMatchObject({ ok: true, phone: { national } });
  });

  it.each([
    ['0x8019019a が出ます'],
    ['2026-12-01 に機種変更しました'],
    ['090-1234-5678 か 080-1111-2222 です'],
    ['こんにちは'],
  ])('finds none in %s', (text) => {
    expect(phoneInSentence(text, 'ja')).toBeUndefined();
  });

  it('reports a landline as refused, with the text it was typed as', () => {
    expect(phoneInSentence('会社の 03-1234-5678 です', 'ja')).toEqual({
      typed: '03-1234-5678',
      result: { ok: false, reason: 'NOT_MOBILE' },
    });
  });
});
