import type { App } from '../../src/app';
import { catalogues } from '../../src/i18n/catalogues';
import { diagnosisJa } from '../../src/i18n/diagnosis.ja';
import { Conversation, conversationApp } from '../support/conversation';
import { pathTo, submit } from '../support/diagnosis-paths';
import { HANAKO } from '../support/teams-activity';
import { withAppSql } from '../support/app-sql';
import { tempDatabase } from '../support/running-bot';

let app: App;
let counter = 0;
let file: ReturnType<typeof tempDatabase>;
beforeAll(() => {
  file = tempDatabase();
  app = conversationApp({ HELPDESK_SQLITE_PATH: file.path });
});
afterAll(async () => {
  await app.close();
  file.cleanup();
});

function chat(activityLocale = 'ja-JP'): Conversation {
  counter += 1;
  return new Conversation(app, HANAKO, activityLocale, `a:content-${counter}`);
}

async function walkTo(conversation: Conversation, leaf: string): Promise<string> {
  let seen = await conversation.text('こんにちは');
  for (const choice of pathTo(leaf)) seen += '\n' + (await conversation.text(submit(choice)));
  return seen;
}

describe('advice agrees with the seeds', () => {
  it('recovery: the form with the seed’s checklist of what to prepare', async () => {
    const seen = await walkTo(chat(), 'personal.recovery');
    expect(seen).toContain('https://account.live.com/acsr');
    for (const item of ['パスワード', '作った', 'メール', '購入', 'Xbox のゲーマータグ'])
      expect(seen).toContain(item);
  });

  it.each([
    ['0x8019019a が出ます', ['キャッシュ', 'サインイン', 'セキュリティ情報']],
    ['エラー 0X800704CF', ['ネットワーク', 'VPN', 'プロキシ']],
    ['Something went wrong と出ました', ['時間をおいて', '別のブラウザー']],
    ['「この国番号は対応していません」と表示されます', ['+81', 'Wi-Fi']],
  ])('a typed error “%s” gets its cause and remedy', async (typed, remedies) => {
    const conversation = chat();
    await walkTo(conversation, 'error.which');
    const seen = await conversation.text(typed);
    for (const remedy of remedies) expect(seen).toContain(remedy);
    expect(seen).not.toContain('ボタンを選ぶか');
  });

  it('an unknown error code is recorded and the generic error advice names the helpdesk', async () => {
    const conversation = chat();
    await walkTo(conversation, 'error.which');
    const seen = await conversation.text(submit({ node: 'error.which', value: 'other' }));
    expect(seen).toContain('03-1234-0000');
  });

  it('asking for a colleague ends with the helpdesk contact', async () => {
    const seen = await walkTo(chat(), 'colleague.end');
    expect(seen).toContain('03-1234-0000');
    expect(seen).toContain('helpdesk@contoso.example');
  });

  it('an admin account is never reset by the bot: the manual procedure and the helpdesk', async () => {
    const seen = await walkTo(chat(), 'work.admin.end');
    expect(seen).toContain('MFA の再登録を要求');
    expect(seen).toContain('03-1234-0000');
  });
});

describe('typed answers', () => {
  it('understands typed words at the first question', async () => {
    const conversation = chat();
    await conversation.text('こんにちは');
    const seen = await conversation.text('電話番号が変わりました');
    expect(seen).not.toContain('ボタンを選ぶか');
    expect(seen).toContain(diagnosisJa['diag.changed.oldPhone.prompt']);
  });

  it('keeps an answer to a later question typed at the first one, and asks the first again', async () => {
    const conversation = chat();
    await conversation.text('こんにちは');
    const seen = await conversation.text('個人アカウント');
    expect(seen).toContain(catalogues.ja['dialog.noted']);
    expect(seen).toContain(diagnosisJa['diag.start.prompt']);
  });

  it('understands 個人アカウント, work and いいえ at the questions that offer them', async () => {
    const conversation = chat();
    await conversation.text('こんにちは');
    await conversation.text(submit({ node: 'start', value: 'changed' }));
    const afterNo = await conversation.text('いいえ');
    expect(afterNo).toContain(diagnosisJa['diag.account.prompt']);
    const afterPersonal = await conversation.text('個人アカウント');
    expect(afterPersonal).toContain(diagnosisJa['diag.personal.canSignIn.prompt']);

    const english = chat();
    await english.text('こんにちは');
    await english.text(submit({ node: 'start', value: 'changed' }));
    await english.text('no');
    const afterWork = await english.text('work');
    expect(afterWork).toContain(diagnosisJa['diag.work.otherMethod.prompt']);
  });
});

describe('opening with what happened', () => {
  it('starts from the answer when the first message says what happened', async () => {
    const conversation = chat();
    const reply = await conversation.text('電話番号が変わりました');
    expect(reply).toContain(diagnosisJa['diag.changed.oldPhone.prompt']);
    expect(reply).not.toContain(diagnosisJa['diag.start.prompt']);
  });

  it('asks the first question when the first message is only a greeting', async () => {
    expect(await chat().text('こんにちは')).toContain(diagnosisJa['diag.start.prompt']);
  });
});

describe('diagnosis outcomes for the statistics', () => {
  it('records how each finished diagnosis ended, with the path and nothing about the person', async () => {
    const conversation = chat();
    await conversation.text('こんにちは');
    for (const choice of pathTo('end.resolved')) await conversation.text(submit(choice));
    const rows = withAppSql(app, (db) => db.prepare('SELECT * FROM diagnosis_outcomes').all()) as Array<
      Record<string, unknown>
    >;
    const row = rows[rows.length - 1];
    expect(row).toMatchObject({ end_node: 'end.resolved', outcome: 'resolved', locale: 'ja' });
    expect(String(row?.path)).toMatch(/^start>/);
    expect(String(row?.path)).not.toContain('close');
    // The person's Teams id, object id, conversation and name (not "29:" alone, which a time like 01:29 holds).
    expect(JSON.stringify(rows)).not.toMatch(/29:hanako|6f1c2a9e|a:content|山田/);
  });
});
