import type { App } from '../../src/app';
import type { Locale } from '../../src/config';
import { getNode, type QuestionNode } from '../../src/domain/diagnosis-map';
import { catalogues } from '../../src/i18n/catalogues';
import { Conversation, conversationApp } from '../support/conversation';
import { pathTo, questionIds, submit } from '../support/diagnosis-paths';
import { HANAKO } from '../support/teams-activity';

type BadInput = [string, string | { value: unknown }, 'chooseOption' | 'tooLong' | 'alreadyAnswered'];

function badInputs(node: QuestionNode): BadInput[] {
  return [
    ['empty text', '', 'chooseOption'],
    ['only spaces', '   \u3000 ', 'chooseOption'],
    ['10 000 characters', 'あ'.repeat(10_000), 'tooLong'],
    ['emoji', '📱🙏😭', 'chooseOption'],
    ['a wrong choice', 'banana split', 'chooseOption'],
    ['a submit without a value', { value: { kind: 'diag', node: node.id } }, 'chooseOption'],
    ['a submit with foreign fields', { value: { foo: 'bar', approve: true } }, 'chooseOption'],
    [
      'a submit with a value the question does not offer',
      { value: { kind: 'diag', node: node.id, value: 'approve' } },
      'chooseOption',
    ],
    [
      'a button from an old card',
      { value: { kind: 'diag', node: 'some.old.question', value: 'yes' } },
      'alreadyAnswered',
    ],
  ];
}

const MESSAGE = {
  chooseOption: 'dialog.chooseOption',
  tooLong: 'dialog.tooLong',
  alreadyAnswered: 'dialog.alreadyAnswered',
} as const;

describe.each([
  ['ja', 'ja-JP'],
  ['en', 'en-US'],
] as Array<[Locale, string]>)('bad input at every diagnosis question (%s)', (locale, activityLocale) => {
  let app: App;
  beforeAll(() => {
    app = conversationApp();
  });
  afterAll(() => app.close());

  it.each(questionIds())('%s answers every bad input in the person’s language and asks again', async (id) => {
    const node = getNode(id) as QuestionNode;
    const conversation = new Conversation(app, HANAKO, activityLocale, `a:bad-${locale}-${id}`);
    await conversation.text('hello');
    for (const choice of id === 'start' ? [] : pathTo(id)) await conversation.text(submit(choice));
    const prompt = catalogues[locale][node.promptKey];
    for (const [name, input, expected] of badInputs(node)) {
      const reply = await conversation.text(input);
      const message = catalogues[locale][MESSAGE[expected]].replace('{max}', '1000');
      expect({ name, hasMessage: reply.includes(message), asksAgain: reply.includes(prompt) }).toEqual({
        name,
        hasMessage: true,
        asksAgain: true,
      });
    }
    // The conversation still works: a proper answer moves on.
    const first = node.options[0];
    if (!first) throw new Error('question without options');
    const after = await conversation.text(submit({ node: id, value: first.value }));
    expect(after).not.toContain(catalogues[locale]['dialog.chooseOption']);
    expect(after.length).toBeGreaterThan(0);
  });
});
